//! Texts shown to people, in Polish with English and Ukrainian beside it.

use serde::{Deserialize, Serialize};

/// A language the resident can choose. Polish is the language of the office; the others are translations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Polish, the reference text.
    #[default]
    Pl,
    /// English translation.
    En,
    /// Ukrainian translation.
    Uk,
}

impl Lang {
    /// Every language, Polish first.
    pub const ALL: [Lang; 3] = [Lang::Pl, Lang::En, Lang::Uk];

    /// The BCP 47 code, as used in HTML `lang` attributes and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Pl => "pl",
            Lang::En => "en",
            Lang::Uk => "uk",
        }
    }

    /// Parses a language code; anything unknown is `None` so callers fall back to Polish explicitly.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "pl" => Some(Lang::Pl),
            "en" => Some(Lang::En),
            "uk" => Some(Lang::Uk),
            _ => None,
        }
    }
}

/// One text in every language. An empty translation falls back to Polish, so a half-translated
/// questionnaire still shows every question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalizedText {
    /// Polish, always present.
    pub pl: String,
    /// English; empty means "use Polish".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub en: String,
    /// Ukrainian; empty means "use Polish".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uk: String,
}

impl LocalizedText {
    /// A text given in all three languages.
    pub fn new(pl: &str, en: &str, uk: &str) -> Self {
        LocalizedText { pl: pl.to_owned(), en: en.to_owned(), uk: uk.to_owned() }
    }

    /// The text in `lang`, or the Polish text when that translation is missing.
    pub fn get(&self, lang: Lang) -> &str {
        let translated = match lang {
            Lang::Pl => &self.pl,
            Lang::En => &self.en,
            Lang::Uk => &self.uk,
        };
        if translated.trim().is_empty() { &self.pl } else { translated }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_translation_falls_back_to_polish() {
        let t = LocalizedText { pl: "Płeć".into(), en: "Gender".into(), uk: String::new() };
        assert_eq!(t.get(Lang::En), "Gender");
        assert_eq!(t.get(Lang::Uk), "Płeć");
        assert_eq!(t.get(Lang::Pl), "Płeć");
    }

    #[test]
    fn language_codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("de"), None);
    }
}
