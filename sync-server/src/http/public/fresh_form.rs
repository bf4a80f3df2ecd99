//! The survey page as a resident first opens it, rendered once and served many times. Everything on a
//! fresh form (the office, the questionnaire version, the departments, the language) is the same for
//! every resident but the form token, so the page is kept in two halves around it and each request only
//! puts its own token between them: 52 KB of escaped HTML is not drawn again for every resident.
//!
//! A kept page is used only while what it was drawn from is unchanged: each request reads the office,
//! its current questionnaire and its departments as before and compares them with what the page was drawn
//! from, so an admin's change shows at once, without any other code having to tell this cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use survey::{Lang, Questionnaire};

use crate::store::Office;

/// Stands for the token while the page is drawn. Letters only, so HTML escaping leaves it as it is.
const TOKEN_MARK: &str = "ZNACZNIKFORMULARZAxq";

/// What a fresh form is drawn from.
#[derive(Clone)]
pub(crate) struct FormSource {
    pub office: Office,
    pub questionnaire: Arc<Questionnaire>,
    pub departments: Vec<(String, String)>,
}

impl FormSource {
    fn same_as(&self, other: &FormSource) -> bool {
        // Published versions never change: the same parsed version is the common case, compared by address.
        self.office == other.office
            && (Arc::ptr_eq(&self.questionnaire, &other.questionnaire) || self.questionnaire == other.questionnaire)
            && self.departments == other.departments
    }
}

/// One kept page: what it was drawn from, and its HTML before and after the token.
struct Kept {
    source: FormSource,
    before_token: String,
    after_token: String,
}

/// Fresh survey pages by office and language (a handful of entries: one per office and language used).
#[derive(Default)]
pub struct FreshForms {
    pages: Mutex<HashMap<(i64, Lang), Arc<Kept>>>,
}

impl FreshForms {
    /// The fresh form's HTML for `source` in `lang` with `token`; `draw` renders the page for a token
    /// when no kept page fits (the first request, or after the office's data changed).
    pub(crate) fn page(
        &self,
        source: &FormSource,
        lang: Lang,
        token: &str,
        draw: impl Fn(&str) -> Result<String, askama::Error>,
    ) -> Result<String, askama::Error> {
        let key = (source.office.id, lang);
        let kept = self.pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&key).cloned();
        let kept = match kept {
            Some(kept) if kept.source.same_as(source) => kept,
            _ => {
                let html = draw(TOKEN_MARK)?;
                // The mark is expected exactly once (the hidden token field); anything else is drawn anew
                // for each request rather than risk a page with a wrong token.
                let mut parts = html.split(TOKEN_MARK);
                let (Some(before), Some(after), None) = (parts.next(), parts.next(), parts.next()) else {
                    return draw(token);
                };
                let kept = Arc::new(Kept {
                    source: source.clone(),
                    before_token: before.to_owned(),
                    after_token: after.to_owned(),
                });
                self.pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(key, Arc::clone(&kept));
                kept
            }
        };
        let mut html = String::with_capacity(kept.before_token.len() + token.len() + kept.after_token.len());
        html.push_str(&kept.before_token);
        html.push_str(token);
        html.push_str(&kept.after_token);
        Ok(html)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::cell::Cell;

    use super::*;

    fn stored_office() -> Office {
        let dir = tempfile::tempdir().unwrap();
        crate::store::Store::open(dir.path()).unwrap().create_office("urzad", "Urząd Gminy Testowo").unwrap()
    }

    fn source(office: &Office) -> FormSource {
        FormSource {
            office: office.clone(),
            questionnaire: Arc::new(survey::default_questionnaire::default_questionnaire()),
            departments: vec![("podatki".into(), "Referat podatków".into())],
        }
    }

    #[test]
    fn a_kept_page_is_drawn_once_and_carries_each_requests_token() {
        let (forms, office) = (FreshForms::default(), stored_office());
        let draws = Cell::new(0);
        let draw = |token: &str| {
            draws.set(draws.get() + 1);
            Ok(format!("<p>{}</p><input name=\"token\" value=\"{token}\"><p>koniec</p>", draws.get()))
        };
        let first = forms.page(&source(&office), Lang::Pl, "tok-1", draw).unwrap();
        let second = forms.page(&source(&office), Lang::Pl, "tok-2", draw).unwrap();
        assert_eq!(first, "<p>1</p><input name=\"token\" value=\"tok-1\"><p>koniec</p>");
        assert_eq!(second, "<p>1</p><input name=\"token\" value=\"tok-2\"><p>koniec</p>");
        assert_eq!(draws.get(), 1);
        // Another language is another page.
        forms.page(&source(&office), Lang::En, "tok-3", draw).unwrap();
        assert_eq!(draws.get(), 2);
    }

    #[test]
    fn any_change_of_office_questionnaire_or_departments_draws_the_page_again() {
        let (forms, office) = (FreshForms::default(), stored_office());
        let draws = Cell::new(0);
        let draw = |token: &str| {
            draws.set(draws.get() + 1);
            Ok(format!("<input value=\"{token}\">{}", draws.get()))
        };
        forms.page(&source(&office), Lang::Pl, "t", draw).unwrap();
        let renamed =
            FormSource { office: Office { name: "Urząd Miasta".into(), ..office.clone() }, ..source(&office) };
        assert_eq!(forms.page(&renamed, Lang::Pl, "t", draw).unwrap(), "<input value=\"t\">2");
        let mut newer = survey::default_questionnaire::default_questionnaire();
        newer.version = 2;
        let published = FormSource { questionnaire: Arc::new(newer), ..renamed.clone() };
        assert_eq!(forms.page(&published, Lang::Pl, "t", draw).unwrap(), "<input value=\"t\">3");
        let fewer = FormSource { departments: vec![], ..published.clone() };
        assert_eq!(forms.page(&fewer, Lang::Pl, "t", draw).unwrap(), "<input value=\"t\">4");
        // Unchanged since: kept.
        assert_eq!(forms.page(&fewer, Lang::Pl, "u", draw).unwrap(), "<input value=\"u\">4");
        assert_eq!(draws.get(), 4);
    }

    #[test]
    fn a_page_without_exactly_one_token_place_is_never_kept() {
        let (forms, office) = (FreshForms::default(), stored_office());
        let draws = Cell::new(0);
        let twice = |token: &str| {
            draws.set(draws.get() + 1);
            Ok(format!("{token}|{token}"))
        };
        assert_eq!(forms.page(&source(&office), Lang::Pl, "a", twice).unwrap(), "a|a");
        assert_eq!(forms.page(&source(&office), Lang::Pl, "b", twice).unwrap(), "b|b");
        // Each request drew its own page (the mark, then the token): nothing was kept.
        assert_eq!(draws.get(), 4);
    }
}
