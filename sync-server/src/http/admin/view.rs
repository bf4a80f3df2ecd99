//! The frame of admin pages (navigation, the logout form) and small pages shared by the panel.

use askama::Template;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{access, render};
use crate::store::{Office, Role, Session};

/// A link of the panel's navigation.
pub struct NavLink {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// What every admin page shows around its content.
pub struct AdminChrome {
    pub title: String,
    pub login: String,
    pub csrf: String,
    pub office_name: String,
    pub nav: Vec<NavLink>,
    /// A message shown above the content (after a save, say).
    pub notice: Option<String>,
    /// The manual's section about this page.
    pub help: String,
    /// The account's role: the page shows only the links and forms it may use ([`AdminChrome::may`]).
    pub role: Role,
    /// New alerts of the account's office (the operator: of the server), and the page that lists them,
    /// when the account may open it: the badge shown on every page.
    pub new_alerts: u64,
    pub alerts_href: Option<String>,
}

/// The pages of one office, in the order of the navigation: (path under the office, label). A path
/// starting with `../../` is the account's own page, under `/admin/`.
pub const OFFICE_PAGES: [(&str, &str); 14] = [
    ("pulpit", "Pulpit"),
    ("papier", "Wprowadź ankietę papierową"),
    ("papier/lista", "Wprowadzone ankiety"),
    ("kioski", "Kioski"),
    ("ankieta", "Ankieta"),
    ("uwagi", "Uwagi"),
    ("raporty", "Raporty"),
    ("dane", "Dane urzędu"),
    ("dziennik", "Dziennik zdarzeń"),
    ("alerty", "Alerty"),
    ("konta", "Konta"),
    ("../../powiadomienia", "Moje powiadomienia"),
    ("../../sesje", "Moje sesje"),
    ("../../haslo", "Zmień hasło"),
];

/// The account's own pages, linked from the operator's pages too.
const OWN_PAGES: [(&str, &str); 3] =
    [("powiadomienia", "Moje powiadomienia"), ("sesje", "Moje sesje"), ("haslo", "Zmień hasło")];

impl AdminChrome {
    /// The frame of a page of `office` (or of the account's own pages when `None`); `current` is the path
    /// under the office of the page shown. Only the pages the account's role may open are linked (by
    /// the same table that lets it in, `access::ROUTES`).
    pub fn new(session: &Session, office: Option<&Office>, current: &str, title: &str) -> AdminChrome {
        let role = session.admin.role;
        let mut nav = Vec::new();
        if role == Role::Operator {
            nav.push(NavLink { href: "/admin/".into(), label: "Urzędy", current: current == "urzedy" });
            nav.push(NavLink {
                href: "/admin/alerty".into(),
                label: "Alerty serwera",
                current: current == "alerty-serwera",
            });
        }
        let own = |(path, label): &(&str, &'static str)| NavLink {
            href: format!("/admin/{path}"),
            label,
            current: *path == current,
        };
        match office {
            Some(o) => {
                nav.extend(OFFICE_PAGES.iter().filter_map(|(path, label)| match path.strip_prefix("../../") {
                    Some(own_path) => Some(own(&(own_path, *label))),
                    None => access::allows(role, &Method::GET, &format!("/admin/urzad/{{slug}}/{path}")).then(|| {
                        NavLink { href: format!("/admin/urzad/{}/{path}", o.slug), label, current: *path == current }
                    }),
                }))
            }
            None => nav.extend(OWN_PAGES.iter().map(own)),
        }
        let alerts_href = match (role, office) {
            (Role::Operator, _) => Some("/admin/alerty".to_owned()),
            (_, Some(o)) if access::allows(role, &Method::GET, "/admin/urzad/{slug}/alerty") => {
                Some(format!("/admin/urzad/{}/alerty", o.slug))
            }
            _ => None,
        };
        AdminChrome {
            new_alerts: session.new_alerts,
            alerts_href,
            title: title.to_owned(),
            login: session.admin.login.clone(),
            csrf: session.csrf.clone(),
            office_name: office.map_or_else(|| "Wszystkie urzędy".to_owned(), |o| o.name.clone()),
            nav,
            notice: None,
            help: format!("/admin/pomoc/{}", section_for(current)),
            role,
        }
    }

    /// The same frame with its help link to `section` of the manual (a page deeper than the navigation,
    /// such as a report's publication, has its own section).
    pub fn with_help(mut self, section: &str) -> Self {
        self.help = format!("/admin/pomoc/{section}");
        self
    }

    /// Whether the account may open the office page `path` (under `/admin/urzad/{slug}/`), so that a page
    /// links to it; by the same table that lets requests in.
    pub fn may(&self, path: &str) -> bool {
        access::allows(self.role, &Method::GET, &format!("/admin/urzad/{{slug}}/{path}"))
    }

    /// Whether the account may send the office form `path`, so that a page shows the form.
    pub fn may_send(&self, path: &str) -> bool {
        access::allows(self.role, &Method::POST, &format!("/admin/urzad/{{slug}}/{path}"))
    }

    /// The same frame with a message shown above the content (after a save, say).
    pub fn with_notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice;
        self
    }
}

#[derive(Template)]
#[template(path = "admin/message.html")]
struct MessagePage<'a> {
    title: &'a str,
    message: &'a str,
}

/// A page with one message and a link back to the panel, for refusals and errors.
pub fn admin_message(status: StatusCode, title: &str, message: &str) -> Response {
    render(status, &MessagePage { title, message })
}

/// The number `{id}` of a page's address; `None` when it is not a number (the page then answers "not
/// found", as for a number nobody has).
pub fn path_id(params: &std::collections::HashMap<String, String>) -> Option<i64> {
    params.get("id").and_then(|id| id.parse().ok())
}

/// The answer for an archived report this office does not have (or an address that names none).
pub fn no_archived_report() -> Response {
    admin_message(StatusCode::NOT_FOUND, "Nie znaleziono", "Nie ma takiego raportu w archiwum tego urzędu.")
}

/// Where the help for an admin page (`current` of [`AdminChrome`]) is: chapter and anchor.
pub fn section_for(current: &str) -> &'static str {
    match current {
        "pulpit" => "02-pierwsze-uruchomienie#panel-administracyjny",
        "papier" => "07-ankieta-papierowa#wprowadzanie-arkusza",
        "papier/lista" => "07-ankieta-papierowa#lista-wprowadzonych-arkuszy",
        "kioski" => "05-kiosk#parowanie-kiosku-z-serwerem",
        "ankieta" => "09-zmiana-ankiety#edytor",
        "uwagi" => "10-konta-i-bezpieczenstwo#anonimizacja-uwag",
        "raporty" => "08-raporty#generowanie-raportu",
        "dane" => "03-dane-urzedu#nazwa-i-kontakt",
        "prywatnosc" => "03-dane-urzedu#klauzula-informacyjna",
        "deklaracja" => "03-dane-urzedu#deklaracja-dostepnosci",
        "dziennik" => "10-konta-i-bezpieczenstwo#dziennik-zdarzen",
        "haslo" => "02-pierwsze-uruchomienie#zmiana-hasla",
        "konta" => "10-konta-i-bezpieczenstwo#konta",
        "sesje" => "10-konta-i-bezpieczenstwo#moje-sesje",
        "alerty" => "13-alerty#alerty-w-panelu",
        "alerty/ustawienia" => "13-alerty#ustawienia-alertow",
        "alerty-serwera" => "13-alerty#alerty-serwera-i-poczta",
        "powiadomienia" => "13-alerty#moje-powiadomienia",
        "urzedy" => "10-konta-i-bezpieczenstwo#role",
        _ => "README",
    }
}

/// Every page name [`section_for`] knows, for the test that follows each link.
pub const PAGES: [&str; 19] = [
    "pulpit",
    "papier",
    "papier/lista",
    "kioski",
    "ankieta",
    "uwagi",
    "raporty",
    "dane",
    "prywatnosc",
    "deklaracja",
    "dziennik",
    "haslo",
    "urzedy",
    "konta",
    "sesje",
    "alerty",
    "alerty/ustawienia",
    "alerty-serwera",
    "powiadomienia",
];

/// A file to download.
pub fn download(content_type: &str, filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        body,
    )
        .into_response()
}

/// A PDF to download.
pub fn pdf_response(pdf: Vec<u8>, filename: &str) -> Response {
    download("application/pdf", filename, pdf)
}
