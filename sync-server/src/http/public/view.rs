//! What the public pages show, prepared for the templates in `sync-server/templates/`. Askama escapes
//! every value for HTML, so text from the questionnaire, the office's data or a resident is always inert.

use askama::Template;
use survey::questionnaire::OTHER_DEPARTMENT;
use survey::validation::ValidationError;
use survey::{Lang, Question, QuestionKind, Questionnaire};

use super::form::{NOT_APPLICABLE, PostedForm};
use super::i18n::{LANGUAGES, Words, words};
use crate::store::Office;

/// A link of the language switch.
pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// The frame every public page shares: language, office, navigation.
pub struct Chrome {
    pub lang: &'static str,
    pub w: &'static Words,
    pub title: String,
    pub site_name: String,
    /// The office's logo, shown beside its name (decorative: the name is next to it).
    pub logo_url: Option<String>,
    pub home_url: String,
    pub statement_url: String,
    /// The office's information clause (RODO), on an office's pages.
    pub privacy_url: Option<String>,
    pub lang_links: Vec<LangLink>,
}

impl Chrome {
    /// The frame of a page of `office` at `path`, in `lang`.
    pub fn new(lang: Lang, title: String, office: Option<&Office>, path: &str) -> Chrome {
        let (site_name, home_url, statement_url) = match office {
            Some(o) => (o.name.clone(), office_url(o, "", lang), office_url(o, "deklaracja-dostepnosci", lang)),
            None => ("Oceń Urząd".to_owned(), "/".to_owned(), "/deklaracja-dostepnosci".to_owned()),
        };
        Chrome {
            lang: lang.code(),
            w: words(lang),
            title,
            site_name,
            logo_url: office.filter(|o| o.has_logo).map(|o| format!("/{}/logo", o.slug)),
            home_url,
            statement_url,
            privacy_url: office.map(|o| office_url(o, PRIVACY_PAGE, lang)),
            lang_links: LANGUAGES
                .iter()
                .map(|(l, name)| LangLink { code: l.code(), name, href: with_lang(path, *l), current: *l == lang })
                .collect(),
        }
    }
}

/// The page of the office's information clause (RODO), under the office's address.
pub const PRIVACY_PAGE: &str = "prywatnosc";

/// `path` with the language in the query (Polish, the default, needs none).
pub fn with_lang(path: &str, lang: Lang) -> String {
    if lang == Lang::Pl { path.to_owned() } else { format!("{path}?lang={}", lang.code()) }
}

/// The address of one of the office's pages.
pub fn office_url(office: &Office, page: &str, lang: Lang) -> String {
    with_lang(&format!("/{}/{page}", office.slug), lang)
}

#[derive(Template)]
#[template(path = "offices.html")]
pub struct OfficesPage {
    pub page: Chrome,
    pub offices: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub page: Chrome,
    pub survey_url: String,
    /// The office's published survey results, when it has published any.
    pub results_url: Option<String>,
    pub address: String,
    pub email: String,
    pub phone: String,
    /// Opening hours, a line a day.
    pub opening_hours: Vec<String>,
    /// The office's website, BIP and ePUAP box (empty when not given), in the footer.
    pub website: String,
    pub bip_url: String,
    pub epuap: String,
}

#[derive(Template)]
#[template(path = "thanks.html")]
pub struct ThanksPage {
    pub page: Chrome,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub page: Chrome,
    pub message: String,
}

#[derive(Template)]
#[template(path = "privacy.html")]
pub struct PrivacyPage {
    pub page: Chrome,
    /// The clause (Polish), a paragraph each.
    pub paragraphs: Vec<String>,
}

#[derive(Template)]
#[template(path = "statement.html")]
pub struct StatementPage {
    pub page: Chrome,
    pub office_name: String,
    /// What the admin has not given yet: the page says the statement is incomplete and claims nothing.
    pub missing: Vec<&'static str>,
    pub published_on: Option<String>,
    pub updated_on: Option<String>,
    pub prepared_on: Option<String>,
    pub reviewed_on: Option<String>,
    /// The declared status as the sentence needs it ("zgodna", "częściowo zgodna", "niezgodna").
    pub status: Option<&'static str>,
    pub non_conformities: Vec<String>,
    /// How the statement was prepared, as a sentence.
    pub prepared_by: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// The office's own contact, used when no contact person is given.
    pub email: String,
    pub phone: String,
    pub address: String,
    /// Architectural accessibility, a paragraph each.
    pub architecture: Vec<String>,
}

impl StatementPage {
    /// The statement of `office` as its admin set it, framed by `page`.
    pub fn new(page: Chrome, office: &Office, s: crate::store::Statement) -> StatementPage {
        use crate::store::Assessment;
        let prepared_by = s.prepared_by.map(|how| match how {
            Assessment::SelfAssessment => {
                "Deklarację sporządzono na podstawie samooceny przeprowadzonej przez podmiot publiczny.".to_owned()
            }
            Assessment::External => {
                format!(
                    "Deklarację sporządzono na podstawie badania przeprowadzonego przez podmiot zewnętrzny: {}.",
                    s.assessor
                )
            }
        });
        StatementPage {
            page,
            office_name: office.name.clone(),
            missing: s.missing(),
            status: s.status.map(crate::store::Compliance::label),
            non_conformities: s
                .non_conformities
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            architecture: crate::documents::privacy_notice::paragraphs(&s.architecture),
            prepared_by,
            published_on: s.published_on,
            updated_on: s.updated_on,
            prepared_on: s.prepared_on,
            reviewed_on: s.reviewed_on,
            contact_name: s.contact_name,
            contact_email: s.contact_email,
            contact_phone: s.contact_phone,
            email: office.email.clone(),
            phone: office.phone.clone(),
            address: office.address.clone(),
        }
    }
}

/// One option of a question as shown.
pub struct OptionView {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One question as shown, with what the resident entered and what is wrong with it.
pub struct QuestionView {
    pub key: String,
    pub text: String,
    pub required: bool,
    pub textarea: bool,
    pub input_type: &'static str,
    pub layout: &'static str,
    pub options: Vec<OptionView>,
    pub text_value: String,
    pub max_chars: u32,
    pub hint: String,
    pub error: Option<String>,
}

pub struct SectionView {
    pub key: String,
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<QuestionView>,
}

/// A line of the error summary, linking to the control concerned.
pub struct ErrorLink {
    pub target: String,
    pub question: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "survey.html")]
pub struct SurveyPage {
    pub page: Chrome,
    pub heading: String,
    pub action: String,
    pub version: u32,
    pub token: String,
    pub notice: Option<String>,
    pub errors: Vec<ErrorLink>,
    pub sections: Vec<SectionView>,
    /// A preview for the admin: the form cannot be sent.
    pub preview: bool,
}

/// What the survey form is built from.
pub struct SurveyForm<'a> {
    pub lang: Lang,
    pub office: &'a Office,
    pub questionnaire: &'a Questionnaire,
    pub departments: &'a [(String, String)],
    /// What the resident sent (empty for a fresh form), shown again as it was.
    pub posted: &'a PostedForm,
    pub errors: &'a [ValidationError],
}

impl SurveyForm<'_> {
    fn option(&self, key: &str, value: &str, label: String) -> OptionView {
        OptionView {
            id: format!("q-{key}-{value}"),
            value: value.to_owned(),
            label,
            checked: self.posted.values(key).iter().any(|v| v == value),
        }
    }

    fn question(&self, q: &Question) -> QuestionView {
        let (lang, w, key) = (self.lang, words(self.lang), q.key.as_str());
        let mut view = QuestionView {
            key: key.to_owned(),
            text: q.text.get(lang).to_owned(),
            required: q.required,
            textarea: false,
            input_type: "radio",
            layout: "list",
            options: Vec::new(),
            text_value: self.posted.values(key).first().cloned().unwrap_or_default(),
            max_chars: 0,
            hint: String::new(),
            error: self.errors.iter().find(|e| e.question.as_ref() == Some(&q.key)).map(|e| e.message(lang)),
        };
        match &q.kind {
            QuestionKind::Rating { not_applicable, .. } => {
                view.layout = "scale";
                view.options = (1u8..=5)
                    .zip(&self.questionnaire.rating_labels)
                    .map(|(n, label)| self.option(key, &n.to_string(), format!("{n} – {}", label.get(lang))))
                    .collect();
                if *not_applicable {
                    let label = self.questionnaire.not_applicable_label.get(lang).to_owned();
                    view.options.push(self.option(key, NOT_APPLICABLE, label));
                }
            }
            QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
                view.options =
                    options.iter().map(|o| self.option(key, o.key.as_str(), o.label.get(lang).to_owned())).collect();
                if matches!(q.kind, QuestionKind::MultipleChoice { .. }) {
                    view.input_type = "checkbox";
                    view.hint = w.choose_any.to_owned();
                }
            }
            QuestionKind::Department => {
                view.options = self.departments.iter().map(|(k, name)| self.option(key, k, name.clone())).collect();
                view.options.push(self.option(key, OTHER_DEPARTMENT, w.other_department.to_owned()));
            }
            QuestionKind::FreeText { max_chars } => {
                view.textarea = true;
                view.max_chars = *max_chars;
                view.hint = w.max_chars.replace("{max}", &max_chars.to_string());
            }
        }
        view
    }

    /// The error summary: one link per problem, to the control concerned, in questionnaire order; problems
    /// not tied to a question shown (the response as a whole, unknown fields) link to the form.
    fn summary(&self, sections: &[SectionView]) -> Vec<ErrorLink> {
        let mut links: Vec<ErrorLink> = sections
            .iter()
            .flat_map(|s| &s.questions)
            .filter_map(|q| {
                let target = q.options.first().map_or_else(|| format!("q-{}", q.key), |o| o.id.clone());
                q.error.as_ref().map(|m| ErrorLink { target, question: q.text.clone(), message: m.clone() })
            })
            .collect();
        for e in self.errors {
            if e.question.as_ref().is_none_or(|k| self.questionnaire.question(k).is_none()) {
                links.push(ErrorLink {
                    target: "formularz".into(),
                    question: e.question.as_ref().map_or_else(String::new, |k| k.to_string()),
                    message: e.message(self.lang),
                });
            }
        }
        links
    }

    /// The page, with this form token and an optional notice above the form.
    pub fn page(&self, token: String, notice: Option<String>) -> SurveyPage {
        let lang = self.lang;
        let sections: Vec<SectionView> = self
            .questionnaire
            .sections
            .iter()
            .map(|section| SectionView {
                key: section.key.to_string(),
                title: section.title.get(lang).to_owned(),
                intro: section.intro.as_ref().map(|t| t.get(lang).to_owned()),
                questions: section.questions.iter().map(|q| self.question(q)).collect(),
            })
            .collect();
        let path = format!("/{}/ankieta", self.office.slug);
        let title = self.questionnaire.title.get(lang);
        SurveyPage {
            page: Chrome::new(lang, format!("{title} – {}", self.office.name), Some(self.office), &path),
            heading: title.to_owned(),
            action: with_lang(&path, lang),
            version: self.questionnaire.version,
            token,
            notice,
            errors: self.summary(&sections),
            sections,
            preview: false,
        }
    }
}
