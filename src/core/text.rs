//! Building short strings without `format!`'s machinery at every call site.

/// Concatenates `parts`.
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// `s` cut to at most `max` bytes, on a character boundary.
pub fn truncate(s: &str, max: usize) -> String {
    s[..s.floor_char_boundary(max)].to_owned()
}

/// The decimal digits of `n`, without pulling integer formatting into the wasm module.
pub fn decimal(mut n: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().map(|&d| char::from(d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_strings() {
        assert_eq!(cat(&["a", "", "bc"]), "abc");
        assert_eq!(decimal(0), "0");
        assert_eq!(decimal(503), "503");
        assert_eq!(truncate("가나다", 4), "가");
        assert_eq!(truncate("ab", 9), "ab");
    }
}
