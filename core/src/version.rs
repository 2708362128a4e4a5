//! Toss app version gates, as the SDK applies them: which purchase path the SDK will take on this host.

#[allow(unused_imports)]
use crate::prelude::*;
use super::grant::Environment;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Android,
    Ios,
}

/// A minimum app version per OS.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    pub android: [u32; 3],
    pub ios: [u32; 3],
}

/// Below this the SDK's purchase call is a silent no-op and the getters answer `undefined`.
pub const IAP: Gate = Gate { android: [5, 219, 0], ios: [5, 219, 0] };
/// Below this the SDK takes the legacy path that reports success even when the grant returned false.
pub const PROCESS_PRODUCT_GRANT: Gate = Gate { android: [5, 231, 1], ios: [5, 230, 0] };
pub const SUBSCRIPTION: Gate = Gate { android: [5, 248, 0], ios: [5, 249, 0] };

/// Parses "5.219.0" (missing parts are 0; anything after the numbers is ignored).
#[inline]
pub fn parse_version(s: &str) -> Option<[u32; 3]> {
    let mut out = [0u32; 3];
    let core = s.trim().trim_start_matches('v');
    // Split on bytes: `str::split` brings a UTF-8 char searcher.
    for (slot, part) in out.iter_mut().zip(core.as_bytes().split(|b| *b == b'.')) {
        // The leading digits of each part ("5", "219", "0-beta" → 0); a part without digits is not a version.
        let digits = part.iter().copied().take_while(u8::is_ascii_digit);
        let mut n: u32 = 0;
        let mut any = false;
        for d in digits {
            n = n.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
            any = true;
        }
        if !any {
            return None;
        }
        *slot = n;
    }
    Some(out)
}

/// The host as the SDK sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostInfo {
    pub environment: Environment,
    pub app_version: Option<String>,
    pub os: Os,
}

impl HostInfo {
    /// Whether the SDK passes `gate` here: 'sandbox' passes every gate; an unreadable version passes none.
    #[inline]
    pub fn supports(&self, gate: Gate) -> bool {
        if self.environment == Environment::Sandbox {
            return true;
        }
        let min = if self.os == Os::Ios { gate.ios } else { gate.android };
        self.app_version.as_deref().and_then(parse_version).is_some_and(|v| v >= min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(env: Environment, v: &str, os: Os) -> HostInfo {
        HostInfo { environment: env, app_version: Some(v.into()), os }
    }

    #[test]
    fn gates_follow_the_sdk() {
        assert!(!host(Environment::Toss, "5.218.9", Os::Android).supports(IAP));
        assert!(host(Environment::Toss, "5.219.0", Os::Android).supports(IAP));
        assert!(!host(Environment::Toss, "5.231.0", Os::Android).supports(PROCESS_PRODUCT_GRANT));
        assert!(host(Environment::Toss, "5.230.0", Os::Ios).supports(PROCESS_PRODUCT_GRANT));
        assert!(host(Environment::Sandbox, "1.0.0", Os::Ios).supports(SUBSCRIPTION));
        assert!(!HostInfo { environment: Environment::Toss, app_version: None, os: Os::Android }.supports(IAP));
        assert_eq!(parse_version("5.219"), Some([5, 219, 0]));
        assert_eq!(parse_version("x"), None);
    }

    /// The byte split reads every version as `str::split('.')` did (the UTF-8 searcher was 0.5 KB of gzip wasm).
    #[test]
    fn versions_read_as_with_a_str_split() {
        fn by_str_split(s: &str) -> Option<[u32; 3]> {
            let mut out = [0u32; 3];
            for (slot, part) in out.iter_mut().zip(s.trim().trim_start_matches('v').split('.')) {
                let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
                *slot = if digits.is_empty() { return None } else { digits.parse().ok()? };
            }
            Some(out)
        }
        for s in ["5.219.0", " v5.231.1 ", "5", "5.", ".5", "5..1", "5.219.0.9", "5.2x.1", "5.219.0-beta", "", "v", "오.1", "5.이백", "5.2\u{3000}.1", "4294967295.1", "4294967296", "5.219.0\n", "\u{a0}5.1"] {
            assert_eq!(parse_version(s), by_str_split(s), "{s:?}");
        }
    }
}
