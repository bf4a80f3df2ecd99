//! The office's published survey results: `/{slug}/wyniki` lists the reports an admin published (newest
//! period first), `/{slug}/wyniki/{id}` shows one, built from the archived figures exactly as its PDF
//! (`/{slug}/wyniki/{id}/pdf`, made when it was published). A report not published, or withdrawn,
//! answers "not found" like an address that never existed. The figures stay Polish, as the report does;
//! the frame around them follows the chosen language.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use survey::Lang;

use super::i18n::words;
use super::view::{Chrome, office_url};
use super::{LangQuery, message_page, office, render};
use crate::documents::public_report::PublicReport;
use crate::documents::report_figures::Report;
use crate::http::AppState;
use crate::local_time::date_pl;
use crate::local_time::iso_day_text;
use crate::store::Office;

/// A published report as listed.
pub struct Listed {
    pub url: String,
    pub pdf_url: String,
    pub period: String,
    pub approved_on: String,
}

#[derive(Template)]
#[template(path = "results.html")]
struct ListPage {
    page: Chrome,
    office_name: String,
    results: Vec<Listed>,
}

#[derive(Template)]
#[template(path = "result.html")]
struct ResultPage {
    page: Chrome,
    list_url: String,
    pdf_url: String,
    r: PublicReport,
}

fn not_found(lang: Lang, office: &Office) -> Response {
    let w = words(lang);
    message_page(StatusCode::NOT_FOUND, lang, Some(office), w.not_found, w.not_found)
}

pub async fn list(State(state): State<AppState>, Path(slug): Path<String>, Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    let office = match office(&state, slug, lang).await {
        Ok(office) => office,
        Err(page) => return page,
    };
    let id = office.id;
    let publications = match state.db(move |s| s.publications(id)).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let results = publications
        .iter()
        .map(|p| Listed {
            url: format!("/{}/wyniki/{}", office.slug, p.report_id),
            pdf_url: format!("/{}/wyniki/{}/pdf", office.slug, p.report_id),
            period: match &p.period_from {
                Some(from) => format!("{} – {}", iso_day_text(from), iso_day_text(&p.period_to)),
                None => format!("wyniki do {}", iso_day_text(&p.period_to)),
            },
            approved_on: date_pl(p.sign_off.approved_on),
        })
        .collect();
    let page = ListPage {
        page: Chrome::new(
            lang,
            format!("Wyniki badania satysfakcji klientów – {}", office.name),
            Some(&office),
            &format!("/{}/wyniki", office.slug),
        ),
        office_name: office.name.clone(),
        results,
    };
    render(StatusCode::OK, &page)
}

fn report_id(params: &std::collections::HashMap<String, String>) -> Option<i64> {
    params.get("id").and_then(|id| id.parse().ok())
}

pub async fn one(
    State(state): State<AppState>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = q.lang();
    let office = match office(&state, params.get("slug").cloned().unwrap_or_default(), lang).await {
        Ok(office) => office,
        Err(page) => return page,
    };
    let Some(id) = report_id(&params) else { return not_found(lang, &office) };
    let office_id = office.id;
    let found = state
        .db(move |s| {
            let Some(publication) = s.publication(office_id, id)? else { return Ok(None) };
            Ok(s.archived_report(office_id, id)?.map(|r| (publication, r.figures)))
        })
        .await;
    let (publication, figures) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(lang, &office),
        Err(e) => return e.into_response(),
    };
    // Publishing refuses figures it cannot read, so this only fails if the archive was damaged since.
    let Ok(report) = serde_json::from_str::<Report>(&figures) else {
        return crate::http::AppError::Internal(format!("opublikowany raport nr {id} ma nieczytelne wyniki"))
            .into_response();
    };
    let r = PublicReport::of(&report, id, &publication.sign_off);
    let path = format!("/{}/wyniki/{id}", office.slug);
    let page = ResultPage {
        page: Chrome::new(
            lang,
            format!("Wyniki badania satysfakcji klientów, {} – {}", r.period, r.office),
            Some(&office),
            &path,
        ),
        list_url: office_url(&office, "wyniki", lang),
        pdf_url: format!("{path}/pdf"),
        r,
    };
    render(StatusCode::OK, &page)
}

/// The public PDF exactly as made when the report was published.
pub async fn pdf(
    State(state): State<AppState>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let office = match office(&state, params.get("slug").cloned().unwrap_or_default(), Lang::Pl).await {
        Ok(office) => office,
        Err(page) => return page,
    };
    let Some(id) = report_id(&params) else { return not_found(Lang::Pl, &office) };
    let office_id = office.id;
    match state.db(move |s| s.publication_pdf(office_id, id)).await {
        Ok(Some(pdf)) => {
            let mut response = crate::http::validators::file(
                &headers,
                HeaderValue::from_static("application/pdf"),
                Some("no-cache"),
                pdf,
            );
            let name = format!("inline; filename=\"wyniki-{}-raport-{id}.pdf\"", office.slug);
            if let Ok(value) = HeaderValue::from_str(&name) {
                response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Ok(None) => not_found(Lang::Pl, &office),
        Err(e) => e.into_response(),
    }
}
