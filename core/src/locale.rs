//! The language the user is spoken to in: Korean first, English too.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Ko,
    En,
}

impl Locale {
    /// `'en'`, `'en-US'`, … are English; anything else (or nothing) is Korean.
    #[inline]
    pub fn parse(tag: Option<&str>) -> Locale {
        match tag {
            Some(s) if s.starts_with("en") => Locale::En,
            _ => Locale::Ko,
        }
    }

    #[inline]
    pub fn pick(self, ko: &'static str, en: &'static str) -> &'static str {
        match self {
            Locale::Ko => ko,
            Locale::En => en,
        }
    }
}
