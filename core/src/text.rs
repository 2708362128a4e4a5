//! Building short strings without `format!`'s machinery at every call site.

#[allow(unused_imports)]
use crate::prelude::*;
/// Concatenates `parts`.
#[inline]
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// `s` cut to at most `max` bytes, on a character boundary.
#[inline]
pub fn truncate(s: &str, max: usize) -> String {
    s[..s.floor_char_boundary(max)].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_strings() {
        assert_eq!(cat(&["a", "", "bc"]), "abc");
        assert_eq!(truncate("가나다", 4), "가");
        assert_eq!(truncate("ab", 9), "ab");
    }
}
