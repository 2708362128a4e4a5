//! The hand-off of a paid orderId to the partner's backend: the request we send and how a reply is read.

#[allow(unused_imports)]
use crate::prelude::*;
use super::error::{ErrorCode, GrantFailure};
use super::limits;
use super::text::cat;

/// Whether `s` can be an orderId: 1 to `limits::ORDER_ID` bytes of visible ASCII (0x21 to 0x7E), since it travels
/// in the `Idempotency-Key` header, and a UUID only as Toss writes one. A rule of the hand-off contract
/// (js/server/hand-off-contract.json), which the server shares; anything else is treated as no orderId at all.
///
/// Another spelling of a UUID (upper case, braces, no hyphens, short groups) would be read as the same order by a
/// UUID parser on Toss's side, while the ledger keys on the text: an id such a parser would read (only hex digits
/// and `-{}()+`, with 32 hex digits or 4 hyphens) must be lowercase 8-4-4-4-12.
pub fn valid_order_id(s: &str) -> bool {
    let (mut hex, mut hyphens, mut other, mut canonical) = (0, 0, false, s.len() == 36);
    for (i, b) in s.bytes().enumerate() {
        if !(0x21..=0x7e).contains(&b) {
            return false;
        }
        hex += b.is_ascii_hexdigit() as usize;
        hyphens += (b == b'-') as usize;
        other |= !b.is_ascii_hexdigit() && !b"-{}()+".contains(&b);
        canonical &= if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { matches!(b, b'0'..=b'9' | b'a'..=b'f') };
    }
    !s.is_empty() && s.len() <= limits::ORDER_ID && (other || (hex != 32 && hyphens != 4) || canonical)
}

/// Whether the hand-off can claim `s` as the sku: 1 to `limits::SKU` bytes, no control character (U+0000 to
/// U+001F, U+007F to U+009F), not only whitespace (U+FEFF counts too, as JavaScript's `trim` has it). Any
/// other sku is sent as no claim (""): the server then grants what Toss reports as paid.
#[inline]
pub fn claimable_sku(s: &str) -> bool {
    // One pass: a control character refuses at once; `text` is whether anything but whitespace was seen.
    let mut text = false;
    for c in s.chars() {
        if matches!(c, '\0'..='\x1f' | '\x7f'..='\u{9f}') {
            return false;
        }
        text |= !c.is_whitespace() && c != '\u{feff}';
    }
    text && s.len() <= limits::SKU
}

/// Where the purchase runs, sent to the backend so it can pick the right verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    #[default]
    Toss,
    Sandbox,
}

impl Environment {
    #[inline]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "toss" => Some(Self::Toss),
            "sandbox" => Some(Self::Sandbox),
            _ => None,
        }
    }

    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Toss => "toss",
            Self::Sandbox => "sandbox",
        }
    }
}

/// The backend's answer to one POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantReply {
    /// `{granted: true}`: the backend verified and granted (or had granted before).
    Granted,
    /// A 4xx or `{granted: false, reason}`: final for this attempt chain. `status` 0: not over HTTP.
    Refused { reason: String, status: u16 },
    /// Network error (`status` 0), 5xx, 408, 429, timeout or an unreadable reply: worth retrying.
    Unreachable { reason: &'static str, status: u16 },
}

impl GrantReply {
    /// Reads an HTTP reply: `status`, and what the body's JSON said, when it could be parsed.
    #[inline]
    pub fn from_http(status: u16, granted: Option<bool>, reason: Option<String>) -> Self {
        let reason_or = |fallback: String| reason.clone().filter(|r| !r.is_empty()).unwrap_or(fallback);
        match (status, granted) {
            (200..=299, Some(true)) => GrantReply::Granted,
            (200..=299, Some(false)) => GrantReply::Refused { reason: reason_or("granted: false".into()), status },
            (200..=299, None) => GrantReply::Unreachable { reason: "unreadable reply", status },
            // 408 and 429 (a timeout or a rate limit in front of the backend) say "later", not "no".
            (400..=499, _) if status != 408 && status != 429 => GrantReply::Refused { reason: reason_or("HTTP error".into()), status },
            (0, _) => GrantReply::Unreachable { reason: "no answer", status },
            _ => GrantReply::Unreachable { reason: "HTTP error", status },
        }
    }

    /// Reads the answer of the app's grant function (in place of the POST): `settled` whether its promise fulfilled
    /// within the attempt timeout, `granted` its boolean (or its `{ granted }`), `reason` its `{ reason }`.
    #[inline]
    pub fn from_function(settled: bool, granted: Option<bool>, reason: Option<String>) -> Self {
        match granted.filter(|_| settled) {
            Some(true) => GrantReply::Granted,
            Some(false) => GrantReply::Refused { reason: reason.unwrap_or_else(|| "granted: false".into()), status: 0 },
            None if settled => GrantReply::Unreachable { reason: "grant function: not a boolean", status: 0 },
            None => GrantReply::Unreachable { reason: "grant function failed or did not answer in time", status: 0 },
        }
    }

    /// What a reply other than `Granted` tells the developer.
    #[inline]
    pub fn failure(&self) -> Option<GrantFailure> {
        match self {
            GrantReply::Granted => None,
            GrantReply::Refused { reason, status } => Some(GrantFailure { code: ErrorCode::BackendRefused, status: *status, reason: reason.clone() }),
            GrantReply::Unreachable { reason, status } => {
                Some(GrantFailure { code: ErrorCode::BackendUnreachable, status: *status, reason: (*reason).into() })
            }
        }
    }
}

/// The JSON body `{orderId, sku, environment}`.
#[inline]
pub fn request_body(order_id: &str, sku: &str, environment: Environment) -> String {
    cat(&[
        "{\"orderId\":",
        &json_string(order_id),
        ",\"sku\":",
        &json_string(sku),
        ",\"environment\":",
        &json_string(environment.as_str()),
        "}",
    ])
}

/// A JSON string literal for `s`.
#[inline]
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize >> 4) & 0xf]));
                out.push(char::from(HEX[c as usize & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_escaped_json() {
        assert_eq!(
            request_body("o\"1", "s\\k\n", Environment::Sandbox),
            r#"{"orderId":"o\"1","sku":"s\\k\n","environment":"sandbox"}"#
        );
        assert_eq!(json_string("\u{1}"), "\"\\u0001\"");
    }

    /// Every control character is escaped with its own code, and nothing else is: a space or a Korean sku is sent as is.
    #[test]
    fn only_control_characters_are_escaped_each_by_its_code() {
        assert_eq!(json_string("\u{1f}\u{10}"), r#""\u001f\u0010""#);
        assert_eq!(json_string(" 보석 ~"), "\" 보석 ~\"");
    }

    /// The developer's cause says what happened: no answer at all is not an HTTP error, and an empty reason
    /// falls back to what the status says.
    #[test]
    fn a_failure_names_no_answer_apart_from_an_http_error() {
        assert_eq!(GrantReply::from_http(0, None, None), GrantReply::Unreachable { reason: "no answer", status: 0 });
        assert_eq!(GrantReply::from_http(502, None, None), GrantReply::Unreachable { reason: "HTTP error", status: 502 });
        assert_eq!(GrantReply::from_http(200, Some(false), Some(String::new())), GrantReply::Refused { reason: "granted: false".into(), status: 200 });
        // A 2xx without `{"granted": boolean}` is the backend's contract broken, not an HTTP error (cargo-mutants).
        assert_eq!(GrantReply::from_http(200, None, None), GrantReply::Unreachable { reason: "unreadable reply", status: 200 });
    }

    #[test]
    fn replies_are_classified() {
        assert_eq!(GrantReply::from_http(200, Some(true), None), GrantReply::Granted);
        assert_eq!(GrantReply::from_http(200, Some(false), Some("dup".into())), GrantReply::Refused { reason: "dup".into(), status: 200 });
        let not_found = GrantReply::from_http(404, None, Some("no route".into())).failure();
        assert_eq!(not_found, Some(GrantFailure { code: ErrorCode::BackendRefused, status: 404, reason: "no route".into() }));
        let network = GrantReply::from_http(0, None, None).failure();
        assert_eq!(network.map(|f| (f.code, f.status)), Some((ErrorCode::BackendUnreachable, 0)));
        assert!(matches!(GrantReply::from_http(200, None, None), GrantReply::Unreachable { .. }));
        assert!(matches!(GrantReply::from_http(403, Some(true), None), GrantReply::Refused { .. }));
        assert!(matches!(GrantReply::from_http(503, Some(true), None), GrantReply::Unreachable { .. }));
        assert!(matches!(GrantReply::from_http(0, None, None), GrantReply::Unreachable { .. }));
    }

    #[test]
    fn a_grant_functions_answers_are_classified() {
        assert_eq!(GrantReply::from_function(true, Some(true), None), GrantReply::Granted);
        assert_eq!(GrantReply::from_function(true, Some(false), Some("sold out".into())), GrantReply::Refused { reason: "sold out".into(), status: 0 });
        assert_eq!(GrantReply::from_function(true, Some(false), None), GrantReply::Refused { reason: "granted: false".into(), status: 0 });
        // Not a boolean is worth retrying, as an unreadable HTTP reply is; so is a rejection or a timeout,
        // whatever the rejection carried.
        assert_eq!(GrantReply::from_function(true, None, None), GrantReply::Unreachable { reason: "grant function: not a boolean", status: 0 });
        let failed = GrantReply::Unreachable { reason: "grant function failed or did not answer in time", status: 0 };
        assert_eq!(GrantReply::from_function(false, Some(true), None), failed);
        assert_eq!(GrantReply::from_function(false, None, None), failed);
    }
}
