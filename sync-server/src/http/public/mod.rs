//! The public pages: the office's home page with the "Oceń Urząd" entry, the web survey, the thank-you
//! page and the accessibility statement. Server-rendered HTML that works without JavaScript.
//!
//! Addresses: `/` (the office, or the list of offices), `/{slug}/`, `/{slug}/ankieta` (GET: form, POST:
//! submission), `/{slug}/dziekujemy`, `/{slug}/deklaracja-dostepnosci`, `/{slug}/prywatnosc` (the
//! information clause, RODO), `/{slug}/wyniki` (published results, `results.rs`), `/static/style.css`.

pub(crate) mod banner;
pub mod form;
pub mod fresh_form;
pub mod i18n;
pub mod rate_limit;
mod results;
pub mod view;

use std::net::SocketAddr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use survey::validation::{Problem, ValidationContext, ValidationError};
use survey::wire::Outcome;
use survey::{Channel, Lang, Questionnaire};
use uuid::Uuid;

use self::form::PostedForm;
use self::i18n::words;
use self::view::{
    Chrome, HomePage, MessagePage, OfficesPage, PrivacyPage, StatementPage, SurveyForm, ThanksPage, office_url,
};
use super::{AppError, AppState, validators};
use crate::ingest;
use crate::store::Office;

/// Largest survey submission accepted. The default questionnaire filled to the brim, comments at their
/// longest in Ukrainian (2 bytes a letter, percent-encoded to 6), stays under it.
pub const MAX_SUBMISSION_BYTES: usize = 64 * 1024;

/// How long a served form stays valid. Its token is the response id and its time the capture time.
const FORM_VALID_HOURS: i64 = 24;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/static/style.css", get(stylesheet))
        .route("/static/favicon.svg", get(favicon))
        .route("/{slug}", get(office_without_slash))
        .route("/{slug}/", get(home))
        .route("/{slug}/ankieta", get(survey_form).post(submit).layer(DefaultBodyLimit::max(MAX_SUBMISSION_BYTES)))
        .route("/{slug}/dziekujemy", get(thanks))
        .route("/{slug}/deklaracja-dostepnosci", get(statement))
        .route("/{slug}/prywatnosc", get(privacy))
        .route("/{slug}/logo", get(logo))
        .route("/{slug}/wyniki", get(results::list))
        .route("/{slug}/wyniki/{id}", get(results::one))
        .route("/{slug}/wyniki/{id}/pdf", get(results::pdf))
        .route("/{slug}/baner", get(banner::kit_page))
        .route("/{slug}/baner/{file}", get(banner::image))
        .layer(axum::middleware::map_response(show_failure))
}

/// The public pages show every failure as a Polish page with what to do (see `http::error`).
pub(crate) async fn show_failure(response: Response) -> Response {
    super::error::as_page(response, |status, title, message| message_page(status, Lang::Pl, None, title, message))
}

#[derive(Deserialize, Default)]
pub(crate) struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    fn lang(&self) -> Lang {
        self.lang.as_deref().and_then(Lang::from_code).unwrap_or_default()
    }
}

/// Lets the sites the office named show this page in a frame (the survey embedded in the office's own
/// homepage); without any, the default policy (no framing) stays.
fn framable_by(office: &Office, mut response: Response) -> Response {
    if !office.embed_origins.is_empty() {
        let csp = crate::http::content_security_policy(&format!("'self' {}", office.embed_origins));
        if let Ok(value) = axum::http::HeaderValue::from_str(&csp) {
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

pub(crate) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => AppError::Internal(format!("szablon strony: {e}")).into_response(),
    }
}

/// A page with one message, for refusals and errors people see.
pub fn message_page(status: StatusCode, lang: Lang, office: Option<&Office>, title: &str, message: &str) -> Response {
    let page = MessagePage { page: Chrome::new(lang, title.to_owned(), office, "/"), message: message.to_owned() };
    render(status, &page)
}

async fn office(state: &AppState, slug: String, lang: Lang) -> Result<Office, Response> {
    match state.db(move |s| s.office(&slug)).await {
        Ok(office) => Ok(office),
        Err(AppError::NotFound(_)) => {
            let w = words(lang);
            Err(message_page(StatusCode::NOT_FOUND, lang, None, w.not_found, w.not_found))
        }
        Err(e) => Err(e.into_response()),
    }
}

async fn root(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    // An office reached by its own host name shows its home page at `/`.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.rsplit_once(':').map_or(h, |(name, _port)| name).to_owned());
    let by_host = match host {
        Some(host) => state.db(move |s| s.office_by_host(&host)).await,
        None => Ok(None),
    };
    match by_host {
        Ok(Some(office)) => return home_page(&state, &office, lang).await,
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    let offices = match state.db(|s| s.offices()).await {
        Ok(offices) => offices,
        Err(e) => return e.into_response(),
    };
    if let [only] = offices.as_slice() {
        return Redirect::to(&office_url(only, "", lang)).into_response();
    }
    let page = OfficesPage {
        page: Chrome::new(lang, format!("Oceń Urząd – {}", words(lang).offices_heading), None, "/"),
        offices: offices.iter().map(|o| (office_url(o, "", lang), o.name.clone())).collect(),
    };
    render(StatusCode::OK, &page)
}

async fn office_without_slash(Path(slug): Path<String>, Query(q): Query<LangQuery>) -> Redirect {
    Redirect::permanent(&view::with_lang(&format!("/{slug}/"), q.lang()))
}

async fn home_page(state: &AppState, office: &Office, lang: Lang) -> Response {
    let id = office.id;
    let has_results = match state.db(move |s| s.has_publications(id)).await {
        Ok(has) => has,
        Err(e) => return e.into_response(),
    };
    let page = HomePage {
        results_url: has_results.then(|| office_url(office, "wyniki", lang)),
        page: Chrome::new(
            lang,
            format!("{} – {}", words(lang).rate_the_office, office.name),
            Some(office),
            &format!("/{}/", office.slug),
        ),
        survey_url: office_url(office, "ankieta", lang),
        address: office.address.clone(),
        email: office.email.clone(),
        phone: office.phone.clone(),
        opening_hours: office
            .opening_hours
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        website: office.website.clone(),
        bip_url: office.bip_url.clone(),
        epuap: office.epuap.clone(),
    };
    framable_by(office, render(StatusCode::OK, &page))
}

async fn home(State(state): State<AppState>, Path(slug): Path<String>, Query(q): Query<LangQuery>) -> Response {
    match office(&state, slug, q.lang()).await {
        Ok(office) => home_page(&state, &office, q.lang()).await,
        Err(page) => page,
    }
}

async fn thanks(State(state): State<AppState>, Path(slug): Path<String>, Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    match office(&state, slug, lang).await {
        Ok(office) => {
            let path = format!("/{}/dziekujemy", office.slug);
            let page =
                ThanksPage { page: Chrome::new(lang, words(lang).thanks_heading.to_owned(), Some(&office), &path) };
            framable_by(&office, render(StatusCode::OK, &page))
        }
        Err(page) => page,
    }
}

async fn statement(State(state): State<AppState>, Path(slug): Path<String>, Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    let office = match office(&state, slug, lang).await {
        Ok(office) => office,
        Err(page) => return page,
    };
    let id = office.id;
    let statement = match state.db(move |s| s.accessibility_statement(id)).await {
        Ok(statement) => statement,
        Err(e) => return e.into_response(),
    };
    let path = format!("/{}/deklaracja-dostepnosci", office.slug);
    let chrome =
        Chrome::new(lang, format!("{} – {}", words(lang).accessibility_statement, office.name), Some(&office), &path);
    render(StatusCode::OK, &StatementPage::new(chrome, &office, statement))
}

/// The office's information clause (RODO art. 13): the admin's text or the default made from the
/// office's data. The clause is Polish; a page in another language says so above it.
async fn privacy(State(state): State<AppState>, Path(slug): Path<String>, Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    match office(&state, slug, lang).await {
        Ok(office) => {
            let path = format!("/{}/{}", office.slug, view::PRIVACY_PAGE);
            let text = crate::documents::privacy_notice::text(&office);
            let page = PrivacyPage {
                page: Chrome::new(
                    lang,
                    format!("{} – {}", words(lang).privacy_heading, office.name),
                    Some(&office),
                    &path,
                ),
                paragraphs: crate::documents::privacy_notice::paragraphs(&text),
            };
            framable_by(&office, render(StatusCode::OK, &page))
        }
        Err(page) => page,
    }
}

/// The address at which residents read the office's information clause: on the office's own host name
/// when it has one (served there over HTTPS by the office's proxy), otherwise on the host the request
/// came to.
pub(crate) fn privacy_notice_url(office: &Office, headers: &HeaderMap) -> String {
    let path = format!("/{}/{}", office.slug, view::PRIVACY_PAGE);
    match &office.host {
        Some(host) => format!("https://{host}{path}"),
        None => format!("{}{path}", banner::public_base(headers)),
    }
}

async fn logo(State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap) -> Response {
    let office = match office(&state, slug, Lang::Pl).await {
        Ok(office) => office,
        Err(page) => return page,
    };
    let id = office.id;
    match state.db(move |s| s.logo(id)).await {
        Ok(Some((bytes, mime))) => {
            let mime = HeaderValue::from_str(&mime).unwrap_or(HeaderValue::from_static("image/png"));
            validators::file(&headers, mime, Some("public, max-age=300"), bytes)
        }
        Ok(None) => {
            let w = words(Lang::Pl);
            message_page(StatusCode::NOT_FOUND, Lang::Pl, Some(&office), w.not_found, w.not_found)
        }
        Err(e) => e.into_response(),
    }
}

async fn stylesheet(headers: HeaderMap) -> Response {
    let css = HeaderValue::from_static("text/css; charset=utf-8");
    validators::file(&headers, css, Some("public, max-age=3600"), include_str!("../../../static/style.css"))
}

async fn favicon(headers: HeaderMap) -> Response {
    let svg = HeaderValue::from_static("image/svg+xml");
    validators::file(&headers, svg, Some("public, max-age=86400"), include_str!("../../../static/favicon.svg"))
}

/// Everything a survey page needs from the store.
struct SurveyData {
    office: Office,
    questionnaire: std::sync::Arc<Questionnaire>,
    departments: Vec<(String, String)>,
    ctx: ValidationContext,
}

/// The office, its current questionnaire and its departments in one trip to the store (one hand-off to
/// the blocking pool, not one per query); with `ctx`, also what validating a submission needs.
async fn survey_data(state: &AppState, slug: String, lang: Lang, ctx: bool) -> Result<SurveyData, Response> {
    let loaded = state
        .db(move |s| {
            let office = s.office(&slug)?;
            let questionnaire = s.current_questionnaire(&slug)?;
            let departments = s.departments(&slug)?;
            let ctx = ValidationContext {
                departments: if ctx {
                    departments.iter().map(|(k, _)| k.clone()).collect()
                } else {
                    Default::default()
                },
                keys_in_other_versions: if ctx {
                    s.keys_outside_version(&slug, questionnaire.version)?
                } else {
                    Default::default()
                },
            };
            Ok(SurveyData { office, questionnaire, departments, ctx })
        })
        .await;
    match loaded {
        Ok(data) => Ok(data),
        Err(AppError::NotFound(_)) => {
            let w = words(lang);
            Err(message_page(StatusCode::NOT_FOUND, lang, None, w.not_found, w.not_found))
        }
        Err(e) => Err(e.into_response()),
    }
}

impl SurveyData {
    fn form<'a>(&'a self, lang: Lang, posted: &'a PostedForm, errors: &'a [ValidationError]) -> SurveyForm<'a> {
        SurveyForm {
            lang,
            office: &self.office,
            questionnaire: &self.questionnaire,
            departments: &self.departments,
            posted,
            errors,
        }
    }

    fn page(
        &self,
        status: StatusCode,
        lang: Lang,
        posted: &PostedForm,
        errors: &[ValidationError],
        notice: Option<String>,
    ) -> Response {
        // A fresh token whenever the form is shown without its previous one being usable.
        let token = posted.token.filter(|t| token_time(*t).is_some()).unwrap_or_else(Uuid::now_v7);
        let form = self.form(lang, posted, errors);
        framable_by(&self.office, render(status, &form.page(token.to_string(), notice)))
    }
}

/// The form as a resident first opens it: the kept page of this office and language with a new token
/// (`fresh_form`).
async fn survey_form(State(state): State<AppState>, Path(slug): Path<String>, Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    let data = match survey_data(&state, slug, lang, false).await {
        Ok(data) => data,
        Err(page) => return page,
    };
    let SurveyData { office, questionnaire, departments, .. } = data;
    let source = fresh_form::FormSource { office, questionnaire, departments };
    let posted = PostedForm { lang, ..PostedForm::default() };
    let form = SurveyForm {
        lang,
        office: &source.office,
        questionnaire: &source.questionnaire,
        departments: &source.departments,
        posted: &posted,
        errors: &[],
    };
    let token = Uuid::now_v7().to_string();
    match state.fresh_forms.page(&source, lang, &token, |token| form.page(token.to_owned(), None).render()) {
        Ok(html) => framable_by(&source.office, (StatusCode::OK, Html(html)).into_response()),
        Err(e) => AppError::Internal(format!("szablon strony: {e}")).into_response(),
    }
}

/// The capture time carried by a form token: the moment the form was served. `None` when the token is
/// not a UUIDv7 or was made more than [`FORM_VALID_HOURS`] ago or in the future (beyond clock skew).
fn token_time(token: Uuid) -> Option<DateTime<Utc>> {
    if token.get_version_num() != 7 {
        return None;
    }
    let (secs, nanos) = token.get_timestamp()?.to_unix();
    let at = DateTime::from_timestamp(i64::try_from(secs).ok()?, nanos)?;
    let age = Utc::now().signed_duration_since(at);
    (age >= -chrono::Duration::minutes(5) && age <= chrono::Duration::hours(FORM_VALID_HOURS)).then_some(at)
}

async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let w = words(Lang::Pl);
            let (status, message) = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                (StatusCode::PAYLOAD_TOO_LARGE, w.too_large)
            } else {
                (StatusCode::BAD_REQUEST, w.bad_form)
            };
            return message_page(status, Lang::Pl, None, message, message);
        }
    };
    let posted = PostedForm::parse(&body);
    let lang = posted.lang;
    let w = words(lang);
    let data = match survey_data(&state, slug, lang, true).await {
        Ok(data) => data,
        Err(page) => return page,
    };
    if super::cross_site::is_cross_site(&headers) {
        return message_page(StatusCode::FORBIDDEN, lang, Some(&data.office), w.cross_site, w.cross_site);
    }
    if posted.honeypot_filled {
        return data.page(StatusCode::BAD_REQUEST, lang, &posted, &[], Some(w.bad_form.to_owned()));
    }
    let peer = connect.map(|Extension(ConnectInfo(addr))| addr.ip());
    let client = super::client_key::client_address(peer, &headers, state.behind_proxy);
    if let Some(client) = client
        && !state.limiter.allows(client)
    {
        return data.page(StatusCode::TOO_MANY_REQUESTS, lang, &posted, &[], Some(w.too_many.to_owned()));
    }
    let Some(token) = posted.token else {
        return data.page(StatusCode::BAD_REQUEST, lang, &posted, &[], Some(w.bad_form.to_owned()));
    };
    let Some(captured_at) = token_time(token) else {
        return data.page(StatusCode::UNPROCESSABLE_ENTITY, lang, &posted, &[], Some(w.form_expired.to_owned()));
    };
    let current = data.questionnaire.version;
    if posted.version != Some(current) {
        let problem = Problem::WrongVersion { expected: current, got: posted.version.unwrap_or(0) };
        let notice = ValidationError { question: None, problem }.message(lang);
        return data.page(StatusCode::CONFLICT, lang, &posted, &[], Some(notice));
    }

    let (answers, mut errors) = posted.answers(&data.questionnaire);
    let response = survey::Response {
        id: token,
        office: data.office.slug.clone(),
        questionnaire_version: current,
        channel: Channel::Web,
        captured_at,
        device: None,
        paper_serial: None,
        answers,
        clock: None,
    };
    if !errors.is_empty() {
        // Fields that could not be read: the survey is not stored, and every other problem is shown too.
        errors.extend(ingest::problems(&data.questionnaire, &data.ctx, &response));
        return data.page(StatusCode::UNPROCESSABLE_ENTITY, lang, &posted, &errors, None);
    }

    // Validated and stored once, durably, with the surveys sent at the same moment (`ingest`).
    let outcome = ingest::ingest_web(&state.store, &data.office, &data.questionnaire, &data.ctx, response)
        .await
        .map_err(AppError::from);
    match outcome {
        Ok(Outcome::Stored) => {
            if let Some(client) = client {
                state.limiter.record(client);
            }
            Redirect::to(&office_url(&data.office, "dziekujemy", lang)).into_response()
        }
        // A double click or a resend of the same form: it is already counted.
        Ok(Outcome::AlreadyStored) => Redirect::to(&office_url(&data.office, "dziekujemy", lang)).into_response(),
        // The same form sent again with other answers: the first one counts.
        Ok(Outcome::Conflict) => {
            message_page(StatusCode::OK, lang, Some(&data.office), w.thanks_heading, w.already_sent)
        }
        Ok(Outcome::Rejected { errors }) => data.page(StatusCode::UNPROCESSABLE_ENTITY, lang, &posted, &errors, None),
        Err(AppError::DiskFull) => {
            data.page(StatusCode::SERVICE_UNAVAILABLE, lang, &posted, &[], Some(w.server_busy.to_owned()))
        }
        Err(e) => {
            tracing::error!(error = ?e, "nie udało się zapisać ankiety internetowej");
            data.page(StatusCode::INTERNAL_SERVER_ERROR, lang, &posted, &[], Some(w.server_error.to_owned()))
        }
    }
}
