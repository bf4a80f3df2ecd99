//! "Generuj raport (z wyników pomiaru)": the report of a period on screen, its CSV export, and archiving it
//! with the admin's conclusions and corrective actions.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use survey::Channel;

use super::view::{AdminChrome, download, pdf_response};
use super::{admin_message, render};
use crate::documents::report_figures::{Report, generate};
use crate::http::AppState;
use crate::store::{Office, ReportFiles, ReportFilter, Session};
// Askama looks the templates' `|day` filter up as `filters::…` in this module.
use crate::local_time::filters;

/// The report's parameters as the form and the links carry them.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub department: String,
    pub channels: Vec<Channel>,
    pub conclusions: String,
}

impl Params {
    fn parse(query: &[u8]) -> Params {
        let mut p = Params::default();
        for (k, v) in form_urlencoded::parse(query) {
            match k.as_ref() {
                "od" => p.from = NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok(),
                "do" => p.to = NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok(),
                "komorka" => p.department = v.into_owned(),
                "kanal" => p.channels.extend(Channel::parse(&v)),
                "wnioski" => p.conclusions = v.trim().to_owned(),
                _ => {}
            }
        }
        p
    }

    /// The responses these parameters select, when a period is given.
    fn filter(&self, office_id: i64) -> Option<ReportFilter> {
        Some(ReportFilter {
            office_id,
            from: self.from?,
            to: self.to?,
            department: (!self.department.is_empty()).then(|| self.department.clone()),
            channels: self.channels.clone(),
        })
    }

    /// The query string of these parameters (for the CSV link and the archive form).
    pub fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let (Some(from), Some(to)) = (self.from, self.to) {
            q.append_pair("od", &from.to_string()).append_pair("do", &to.to_string());
        }
        if !self.department.is_empty() {
            q.append_pair("komorka", &self.department);
        }
        for c in &self.channels {
            q.append_pair("kanal", c.as_str());
        }
        q.finish()
    }
}

/// The period the form starts with: this year to date. The ordinance asks for a report at least yearly,
/// so the year so far is what an office looks at most; a finished quarter or year is one click away.
fn default_period(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today), today)
}

/// The first day of the calendar quarter `q` (1–4) of `year`.
fn quarter_start(year: i32, q: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 3 * (q - 1) + 1, 1)
}

/// Preset periods, each named for exactly what it covers: the year to date, the last four finished
/// calendar quarters ("III kwartał 2026"), the last finished year, and the last 12 full months.
fn presets(today: NaiveDate) -> Vec<(String, NaiveDate, NaiveDate)> {
    const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
    let (year_start, _) = default_period(today);
    let mut out = vec![(format!("od początku {} roku do dziś", today.year()), year_start, today)];
    // The quarter today is in is not finished: count back from the one before it.
    let (mut year, mut q) = (today.year(), today.month0() / 3 + 1);
    let mut quarters = Vec::new();
    for _ in 0..4 {
        (year, q) = if q == 1 { (year - 1, 4) } else { (year, q - 1) };
        let next = if q == 4 { quarter_start(year + 1, 1) } else { quarter_start(year, q + 1) };
        if let (Some(start), Some(next)) = (quarter_start(year, q), next) {
            quarters.push((format!("{} kwartał {year}", ROMAN[q as usize - 1]), start, next - Duration::days(1)));
        }
    }
    out.extend(quarters.into_iter().rev());
    if let (Some(start), Some(end)) =
        (NaiveDate::from_ymd_opt(today.year() - 1, 1, 1), NaiveDate::from_ymd_opt(today.year() - 1, 12, 31))
    {
        out.push((format!("cały {} rok", today.year() - 1), start, end));
    }
    let this_month = today.with_day(1).unwrap_or(today);
    if let Some(start) = this_month.checked_sub_months(chrono::Months::new(12)) {
        out.push(("ostatnie 12 pełnych miesięcy".to_owned(), start, this_month - Duration::days(1)));
    }
    out
}

pub struct ChannelChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/report_view.html")]
struct ReportPage {
    page: AdminChrome,
    slug: String,
    from: String,
    to: String,
    department: String,
    departments: Vec<(String, String)>,
    channels: Vec<ChannelChoice>,
    presets: Vec<(String, String)>,
    query: String,
    report: Option<Report>,
}

/// Computes the report of `params`, or says what is wrong with them.
async fn compute(state: &AppState, office: &Office, params: &Params) -> Result<Option<Report>, Response> {
    let Some(filter) = params.filter(office.id) else { return Ok(None) };
    if filter.from > filter.to {
        return Err(admin_message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Błędny okres",
            "Data początkowa jest późniejsza niż końcowa.",
        ));
    }
    let (office, threshold) = (office.clone(), state.suppression_threshold);
    state.db(move |s| generate(s, &office, filter, threshold).map(Some)).await.map_err(IntoResponse::into_response)
}

/// The report of `params`, or the page saying what is missing or wrong with them.
async fn required(state: &AppState, office: &Office, params: &Params) -> Result<Report, Response> {
    compute(state, office, params).await?.ok_or_else(no_period)
}

fn no_period() -> Response {
    admin_message(StatusCode::UNPROCESSABLE_ENTITY, "Brak okresu", "Wybierz okres raportu.")
}

pub async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let report = match compute(&state, &office, &params).await {
        Ok(r) => r,
        Err(page) => return page,
    };
    let id = office.id;
    let departments = match state.db(move |s| s.all_departments(id)).await {
        Ok(d) => d.into_iter().map(|d| (d.key, d.name)).collect(),
        Err(e) => return e.into_response(),
    };
    // The form starts filled in, so that one press on "Generuj raport" makes a report.
    let today = crate::local_time::local(Utc::now()).date();
    let (default_from, default_to) = default_period(today);
    let page = ReportPage {
        page: AdminChrome::new(&session, Some(&office), "raporty", "Generuj raport z wyników pomiaru"),
        slug: office.slug.clone(),
        from: params.from.unwrap_or(default_from).to_string(),
        to: params.to.unwrap_or(default_to).to_string(),
        department: params.department.clone(),
        departments,
        channels: Channel::ALL
            .iter()
            .map(|c| ChannelChoice { value: c.as_str(), label: c.label_pl(), checked: params.channels.contains(c) })
            .collect(),
        presets: presets(today)
            .into_iter()
            .map(|(label, from, to)| {
                let mut q = form_urlencoded::Serializer::new(String::new());
                (label, q.append_pair("od", &from.to_string()).append_pair("do", &to.to_string()).finish())
            })
            .collect(),
        query: params.query(),
        report,
    };
    render(StatusCode::OK, &page)
}

/// The period's responses as CSV (see [`crate::documents::export`]).
pub async fn csv(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let Some(filter) = params.filter(office.id) else {
        return no_period();
    };
    let (from, to) = (filter.from, filter.to);
    let (slug, actor) = (office.slug.clone(), session.admin.login.clone());
    let built = state
        .db(move |s| {
            let out = crate::documents::export::csv(s, &slug, &filter)?;
            s.audit(Some(filter.office_id), &actor, "eksport CSV", &format!("{from} – {to}"))?;
            Ok(out)
        })
        .await;
    match built {
        Ok(body) => download(
            "text/csv; charset=utf-8",
            &format!("odpowiedzi-{}-{from}-{to}.csv", office.slug),
            body.into_bytes(),
        ),
        Err(e) => e.into_response(),
    }
}

/// The report's figures and the period's responses as XLSX.
pub async fn xlsx(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let report = match required(&state, &office, &params).await {
        Ok(report) => report,
        Err(page) => return page,
    };
    let Some(filter) = params.filter(office.id) else {
        return no_period();
    };
    let (slug, actor) = (office.slug.clone(), session.admin.login.clone());
    let (from, to) = (filter.from, filter.to);
    let built = state
        .db(move |s| {
            let out = crate::documents::export::xlsx(s, &slug, &filter, &report)?;
            s.audit(Some(filter.office_id), &actor, "eksport XLSX", &format!("{from} – {to}"))?;
            Ok(out)
        })
        .await;
    match built {
        Ok(body) => download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("raport-{}-{from}-{to}.xlsx", office.slug),
            body,
        ),
        Err(e) => e.into_response(),
    }
}

/// The report as a PDF (not archived: archiving is a separate, deliberate step with conclusions).
pub async fn report_pdf(
    State(state): State<AppState>,
    Extension(office): Extension<Office>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let report = match required(&state, &office, &params).await {
        Ok(report) => report,
        Err(page) => return page,
    };
    let name = format!("raport-{}-{}-{}.pdf", office.slug, report.from, report.to);
    match tokio::task::spawn_blocking(move || crate::documents::report_pdf::report_pdf(&report, None)).await {
        Ok(Ok(pdf)) => pdf_response(pdf, &name),
        // The drawing failed, not the data: logged as the internal error it is.
        Ok(Err(e)) => crate::http::error::AppError::from(crate::store::StoreError::Document(e)).into_response(),
        Err(e) => crate::http::error::AppError::from_join(e).into_response(),
    }
}

/// Archives the report of the parameters with the conclusions typed under it.
pub async fn archive(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let params = Params::parse(&body);
    let report = match required(&state, &office, &params).await {
        Ok(report) => report,
        Err(page) => return page,
    };
    let (id, actor, conclusions) = (office.id, session.admin.login.clone(), params.conclusions.clone());
    let (from, to) = (report.from.clone(), report.to.clone());
    let archived = state
        .db(move |s| {
            let (figures, pdf) = crate::documents::archived_report::files(&report, &conclusions)?;
            s.archive_report(id, &actor, (&from, &to), &ReportFiles { figures: &figures, pdf: &pdf }, &conclusions)
        })
        .await;
    match archived {
        Ok(report_id) => Redirect::to(&format!("/admin/urzad/{}/raporty/{report_id}", office.slug)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Most sheets printed in one file: enough for a quarter's pile, small enough to generate at once.
pub const MAX_SHEETS: u32 = 500;

/// "Pobierz ankietę do wydrukowania (pdf)": the current questionnaire as an A4 PDF; with `arkusze=N`, N
/// sheets numbered from `od` (serials `RRRR-NNNNN`), so that paper entry refuses a sheet typed twice; with
/// `jezyk=en|uk`, in English or Ukrainian (Polish by default).
pub async fn questionnaire_pdf(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    headers: axum::http::HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let number = |name: &str| {
        form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).and_then(|(_, v)| v.parse::<u32>().ok())
    };
    let sheets = number("arkusze").unwrap_or(0);
    if sheets > MAX_SHEETS {
        return admin_message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Za dużo arkuszy",
            &format!("Najwyżej {MAX_SHEETS} arkuszy w jednym pliku."),
        );
    }
    // The sheet's language; the report stays Polish, only the resident's sheet is translated.
    let lang = match form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "jezyk") {
        None => survey::Lang::Pl,
        Some((_, code)) => match survey::Lang::from_code(&code) {
            Some(lang) => lang,
            None => {
                return admin_message(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Nieznany język",
                    "Ankietę można wydrukować po polsku (pl), angielsku (en) lub ukraińsku (uk). Wybierz język z listy.",
                );
            }
        },
    };
    let first = number("od").unwrap_or(1);
    let year = Utc::now().format("%Y").to_string();
    let serials: Vec<String> = (first..first.saturating_add(sheets)).map(|n| format!("{year}-{n:05}")).collect();
    let survey_url = format!("{}/{}/", crate::http::public::banner::public_base(&headers), office.slug);
    let privacy_clause = crate::documents::privacy_notice::short_clause(
        &office,
        &crate::http::public::privacy_notice_url(&office, &headers),
    );
    let (slug, id, name, actor) = (office.slug.clone(), office.id, office.name.clone(), session.admin.login.clone());
    let built = state
        .db(move |s| {
            let questionnaire = s.current_questionnaire(&slug)?;
            let departments = s.departments(&slug)?;
            let logo = s.logo(id)?.and_then(|(bytes, mime)| crate::documents::logo::decode(&bytes, &mime));
            let sheet = crate::documents::printout::Sheet {
                office_name: &name,
                survey_url: &survey_url,
                privacy_clause: &privacy_clause,
                questionnaire: &questionnaire,
                departments: &departments,
                serials: serials.clone(),
                logo: logo.as_ref(),
                lang,
            };
            let pdf =
                crate::documents::printout::questionnaire_pdf(&sheet).map_err(crate::store::StoreError::Document)?;
            let what = match (serials.first(), serials.last()) {
                (Some(a), Some(b)) => format!("arkusze {a} – {b}"),
                _ => "bez numerów".to_owned(),
            };
            let what = format!("{what}, język: {}", lang.code());
            s.audit(Some(id), &actor, "pobranie ankiety do druku", &what)?;
            Ok(pdf)
        })
        .await;
    match built {
        Ok(pdf) => pdf_response(pdf, &format!("ankieta-{}-{}.pdf", office.slug, lang.code())),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_form_starts_with_the_year_to_date() {
        assert_eq!(default_period(day(2026, 12, 1)), (day(2026, 1, 1), day(2026, 12, 1)));
        assert_eq!(default_period(day(2027, 1, 1)), (day(2027, 1, 1), day(2027, 1, 1)));
    }

    #[test]
    fn presets_are_calendar_quarters_and_named_so() {
        let p = presets(day(2026, 12, 1));
        let named: Vec<(&str, NaiveDate, NaiveDate)> = p.iter().map(|(l, a, b)| (l.as_str(), *a, *b)).collect();
        assert_eq!(
            named,
            [
                ("od początku 2026 roku do dziś", day(2026, 1, 1), day(2026, 12, 1)),
                ("IV kwartał 2025", day(2025, 10, 1), day(2025, 12, 31)),
                ("I kwartał 2026", day(2026, 1, 1), day(2026, 3, 31)),
                ("II kwartał 2026", day(2026, 4, 1), day(2026, 6, 30)),
                ("III kwartał 2026", day(2026, 7, 1), day(2026, 9, 30)),
                ("cały 2025 rok", day(2025, 1, 1), day(2025, 12, 31)),
                ("ostatnie 12 pełnych miesięcy", day(2025, 12, 1), day(2026, 11, 30)),
            ]
        );
    }

    #[test]
    fn on_the_first_day_of_a_quarter_the_one_just_ended_is_offered() {
        let p = presets(day(2026, 4, 1));
        assert_eq!(p[4], ("I kwartał 2026".to_owned(), day(2026, 1, 1), day(2026, 3, 31)));
        assert_eq!(p[1], ("II kwartał 2025".to_owned(), day(2025, 4, 1), day(2025, 6, 30)));
    }
}
