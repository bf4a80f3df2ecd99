//! The questionnaire editor. Edits go to a draft; publishing turns the draft into the next immutable
//! version, after archiving a report of the results to date (the ordinance requires it).

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use survey::editing::{Direction, Edit, apply, format_options, parse_options};
use survey::questionnaire::RatingPurpose;

use survey::{LocalizedText, Question, QuestionKey, QuestionKind, Questionnaire};

use super::view::AdminChrome;
use super::{admin_message, field, render};
use crate::http::AppState;
use crate::http::public::form::PostedForm;
use crate::http::public::view::SurveyForm;
use crate::store::{Office, ReportFiles, Session};

pub struct QuestionRow {
    pub key: String,
    pub kind: &'static str,
    pub text: LocalizedText,
    pub required: bool,
    pub options: Option<String>,
    pub is_overall: bool,
}

pub struct SectionRow {
    pub key: String,
    pub title: LocalizedText,
    pub intro: LocalizedText,
    pub questions: Vec<QuestionRow>,
    pub holds_overall: bool,
}

#[derive(Template)]
#[template(path = "admin/editor.html")]
struct EditorPage {
    page: AdminChrome,
    slug: String,
    has_draft: bool,
    current_version: u32,
    versions: Vec<u32>,
    sections: Vec<SectionRow>,
    labels: Vec<LocalizedText>,
    not_applicable: LocalizedText,
    error: Option<String>,
}

fn kind_label(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Rating { purpose: RatingPurpose::Importance, .. } => "ważność 1–5",
        QuestionKind::Rating { .. } => "ocena 1–5",
        QuestionKind::SingleChoice { .. } => "jednokrotny wybór",
        QuestionKind::MultipleChoice { .. } => "wielokrotny wybór",
        QuestionKind::FreeText { .. } => "tekst",
        QuestionKind::Department => "komórka urzędu",
    }
}

fn rows(q: &Questionnaire) -> Vec<SectionRow> {
    q.sections
        .iter()
        .map(|s| SectionRow {
            key: s.key.to_string(),
            title: s.title.clone(),
            intro: s.intro.clone().unwrap_or_default(),
            holds_overall: s.questions.iter().any(|x| x.key == q.overall_question),
            questions: s
                .questions
                .iter()
                .map(|x| QuestionRow {
                    key: x.key.to_string(),
                    kind: kind_label(&x.kind),
                    text: x.text.clone(),
                    required: x.required,
                    options: match &x.kind {
                        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
                            Some(format_options(options))
                        }
                        _ => None,
                    },
                    is_overall: x.key == q.overall_question,
                })
                .collect(),
        })
        .collect()
}

/// The draft, or the current version when nothing is being edited; and the published versions.
async fn load(state: &AppState, office: &Office) -> Result<(Questionnaire, bool, Vec<u32>), Response> {
    let (slug, id) = (office.slug.clone(), office.id);
    state
        .db(move |s| {
            let versions: Vec<u32> = s.questionnaire_versions(id)?.iter().map(|q| q.version).collect();
            Ok(match s.draft(id)? {
                Some(draft) => (draft, true, versions),
                None => (std::sync::Arc::unwrap_or_clone(s.current_questionnaire(&slug)?), false, versions),
            })
        })
        .await
        .map_err(IntoResponse::into_response)
}

async fn show(
    state: &AppState,
    session: &Session,
    office: &Office,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let (q, has_draft, versions) = match load(state, office).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(
        status,
        &EditorPage {
            page: AdminChrome::new(session, Some(office), "ankieta", "Ankieta").with_notice(notice),
            slug: office.slug.clone(),
            has_draft,
            current_version: versions.last().copied().unwrap_or(1),
            versions,
            sections: rows(&q),
            labels: q.rating_labels.to_vec(),
            not_applicable: q.not_applicable_label.clone(),
            error,
        },
    )
}

pub async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    show(&state, &session, &office, None, None).await
}

fn text(body: &[u8], prefix: &str) -> LocalizedText {
    let get = |lang: &str| field(body, &format!("{prefix}_{lang}")).trim().to_owned();
    LocalizedText { pl: get("pl"), en: get("en"), uk: get("uk") }
}

fn key(body: &[u8], name: &str) -> Result<QuestionKey, String> {
    QuestionKey::parse(field(body, name).trim()).map_err(|e| e.to_string())
}

/// Reads the edit a form describes.
fn read_edit(body: &[u8]) -> Result<Edit, String> {
    let direction = || if field(body, "dir") == "up" { Direction::Up } else { Direction::Down };
    let required = field(body, "required") == "1";
    Ok(match field(body, "op").as_str() {
        "add_section" => Edit::AddSection { key: key(body, "key")?, title: text(body, "title") },
        "reword_section" => {
            let intro = text(body, "intro");
            Edit::RewordSection {
                key: key(body, "key")?,
                title: text(body, "title"),
                intro: (!intro.pl.is_empty()).then_some(intro),
            }
        }
        "remove_section" => Edit::RemoveSection { key: key(body, "key")? },
        "move_section" => Edit::MoveSection { key: key(body, "key")?, direction: direction() },
        "add_question" => {
            let options = || parse_options(&field(body, "options")).map_err(|e| e.to_string());
            let kind = match field(body, "kind").as_str() {
                "rating" => QuestionKind::Rating { not_applicable: true, purpose: RatingPurpose::Satisfaction },
                "importance" => QuestionKind::Rating { not_applicable: true, purpose: RatingPurpose::Importance },
                "single" => QuestionKind::SingleChoice { options: options()? },
                "multiple" => QuestionKind::MultipleChoice { options: options()? },
                "text" => QuestionKind::FreeText { max_chars: survey::default_questionnaire::COMMENT_MAX_CHARS },
                "department" => QuestionKind::Department,
                other => return Err(format!("nieznany rodzaj pytania „{other}”")),
            };
            let question = Question { key: key(body, "key")?, text: text(body, "text"), required, kind };
            Edit::AddQuestion { section: key(body, "section")?, question }
        }
        "reword_question" => {
            let options = field(body, "options");
            let options = if field(body, "has_options") == "1" {
                Some(parse_options(&options).map_err(|e| e.to_string())?)
            } else {
                None
            };
            Edit::RewordQuestion { key: key(body, "key")?, text: text(body, "text"), required, options }
        }
        "remove_question" => Edit::RemoveQuestion { key: key(body, "key")? },
        "move_question" => Edit::MoveQuestion { key: key(body, "key")?, direction: direction() },
        "relabel" => Edit::RelabelScale {
            labels: Box::new([1, 2, 3, 4, 5].map(|n| text(body, &format!("label{n}")))),
            not_applicable: text(body, "na"),
        },
        other => return Err(format!("nieznana zmiana „{other}”")),
    })
}

pub async fn edit(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let (base, _, _) = match load(&state, &office).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let result = read_edit(&body).and_then(|edit| {
        let what = edit.describe();
        apply(&base, edit).map(|draft| (draft, what)).map_err(|e| e.to_string())
    });
    match result {
        Ok((draft, what)) => {
            let (id, actor) = (office.id, session.admin.login.clone());
            match state.db(move |s| s.save_draft(id, &actor, &draft, &what)).await {
                Ok(()) => Redirect::to(&format!("/admin/urzad/{}/ankieta", office.slug)).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(error) => {
            show(&state, &session, &office, Some(format!("Zmiana nie została wprowadzona: {error}.")), None).await
        }
    }
}

#[derive(Deserialize)]
pub struct PreviewQuery {
    wersja: Option<u32>,
}

/// The draft (or a published version) as residents see it; the form cannot be sent from here.
pub async fn preview(
    State(state): State<AppState>,
    Extension(office): Extension<Office>,
    Query(query): Query<PreviewQuery>,
) -> Response {
    let (slug, id) = (office.slug.clone(), office.id);
    let loaded = state
        .db(move |s| {
            let q = match query.wersja {
                Some(v) => std::sync::Arc::unwrap_or_clone(s.questionnaire_version(&slug, v)?),
                None => match s.draft(id)? {
                    Some(d) => d,
                    None => std::sync::Arc::unwrap_or_clone(s.current_questionnaire(&slug)?),
                },
            };
            Ok((q, s.departments(&slug)?))
        })
        .await;
    let (q, departments) = match loaded {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let posted = PostedForm::default();
    let form = SurveyForm {
        lang: survey::Lang::Pl,
        office: &office,
        questionnaire: &q,
        departments: &departments,
        posted: &posted,
        errors: &[],
    };
    let notice = format!(
        "Podgląd wersji {} – tak ankietę zobaczą mieszkańcy. Z podglądu nie można wysłać odpowiedzi.",
        q.version
    );
    let mut page = form.page(String::new(), Some(notice));
    page.preview = true;
    super::render(StatusCode::OK, &page)
}

pub async fn publish(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    let (id, actor, threshold) = (office.id, session.admin.login.clone(), state.suppression_threshold);
    let office_now = office.clone();
    let published = state
        .db(move |s| {
            if s.draft(id)?.is_none() {
                return Ok(None);
            }
            // The results to date under the version being replaced, archived in the same transaction as
            // the publication.
            let (figures, pdf) = crate::documents::archived_report::to_date(s, &office_now, threshold)?;
            s.publish_draft(id, &actor, &ReportFiles { figures: &figures, pdf: &pdf }).map(Some)
        })
        .await;
    match published {
        Ok(Some((version, report))) => {
            let notice = format!(
                "Opublikowano wersję {version} ankiety. Przed publikacją zarchiwizowano raport nr {report} z wynikami do dziś (Raporty → nr {report}). Odpowiedzi udzielone wcześniej pozostają bez zmian."
            );
            show(&state, &session, &office, None, Some(notice)).await
        }
        Ok(None) => admin_message(
            StatusCode::CONFLICT,
            "Brak projektu",
            "Nie ma projektu ankiety do opublikowania: najpierw wprowadź zmiany.",
        ),
        Err(e) => e.into_response(),
    }
}

pub async fn discard(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    let (id, actor) = (office.id, session.admin.login.clone());
    match state.db(move |s| s.discard_draft(id, &actor)).await {
        Ok(()) => {
            show(&state, &session, &office, None, Some("Projekt odrzucony; obowiązuje opublikowana wersja.".into()))
                .await
        }
        Err(e) => e.into_response(),
    }
}
