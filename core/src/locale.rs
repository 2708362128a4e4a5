//! The language the user is spoken to in: Korean first, English too.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Ko,
    En,
}

impl Locale {
    #[inline]
    pub fn pick(self, ko: &'static str, en: &'static str) -> &'static str {
        match self {
            Locale::Ko => ko,
            Locale::En => en,
        }
    }
}
