//! Who may use which panel route: one table, [`ROUTES`], keyed by method and route pattern, read by the
//! layer [`require_permission`] on every logged-in route. A route missing from the table is refused to
//! everyone, the operator included (deny unless listed), so a new route stays closed until someone
//! decides who may use it. The panel's navigation asks the same table which links to show.

use axum::Extension;
use axum::extract::{MatchedPath, Request};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::admin_message;
use crate::store::{Role, Session};

use Role::{DataEntry, OfficeAdmin, Operator, Supervisor};

/// Every role.
const EVERYONE: &[Role] = &Role::ALL;
/// Changes across offices.
const OPERATOR: &[Role] = &[Operator];
/// Changes to one office.
const ADMINS: &[Role] = &[Operator, OfficeAdmin];
/// Reading one office's figures, reports and log.
const READERS: &[Role] = &[Operator, OfficeAdmin, Supervisor];
/// Typing in and correcting paper sheets.
const PAPER: &[Role] = &[Operator, OfficeAdmin, DataEntry];

/// One route of the panel and who may use it.
#[derive(Debug, Clone, Copy)]
pub struct RouteAccess {
    /// `GET` or `POST` (a `GET` route answers `HEAD` too).
    pub method: &'static str,
    /// The route's pattern as the router has it (`/admin/urzad/{slug}/pulpit`).
    pub path: &'static str,
    pub roles: &'static [Role],
    /// Usable while the account must still change a generated password (everything else leads to the
    /// password page until then).
    pub before_password_change: bool,
}

const fn route(method: &'static str, path: &'static str, roles: &'static [Role]) -> RouteAccess {
    RouteAccess { method, path, roles, before_password_change: false }
}

const fn always(method: &'static str, path: &'static str) -> RouteAccess {
    RouteAccess { method, path, roles: EVERYONE, before_password_change: true }
}

/// Every route behind the login, and who may use it.
pub const ROUTES: &[RouteAccess] = &[
    route("GET", "/admin", EVERYONE),
    route("GET", "/admin/", EVERYONE),
    route("POST", "/admin/urzedy", OPERATOR),
    route("POST", "/admin/administratorzy", OPERATOR),
    route("POST", "/admin/hosty", OPERATOR),
    always("GET", "/admin/haslo"),
    always("POST", "/admin/haslo"),
    always("POST", "/admin/wyloguj"),
    route("GET", "/admin/sesje", EVERYONE),
    route("POST", "/admin/sesje/wyloguj-wszedzie", EVERYONE),
    route("GET", "/admin/urzad/{slug}/pulpit", READERS),
    route("GET", "/admin/urzad/{slug}/papier", PAPER),
    route("POST", "/admin/urzad/{slug}/papier", PAPER),
    route("GET", "/admin/urzad/{slug}/papier/lista", PAPER),
    route("GET", "/admin/urzad/{slug}/papier/{id}", PAPER),
    route("POST", "/admin/urzad/{slug}/papier/{id}", PAPER),
    // Withdrawing a sheet takes it out of every count: the administrator's decision, not a correction.
    route("POST", "/admin/urzad/{slug}/papier/{id}/wycofaj", ADMINS),
    route("GET", "/admin/urzad/{slug}/dane", ADMINS),
    route("POST", "/admin/urzad/{slug}/dane", ADMINS),
    route("POST", "/admin/urzad/{slug}/komorki", ADMINS),
    route("GET", "/admin/urzad/{slug}/prywatnosc", ADMINS),
    route("POST", "/admin/urzad/{slug}/prywatnosc", ADMINS),
    route("GET", "/admin/urzad/{slug}/deklaracja", ADMINS),
    route("POST", "/admin/urzad/{slug}/deklaracja", ADMINS),
    route("POST", "/admin/urzad/{slug}/logo", ADMINS),
    route("POST", "/admin/urzad/{slug}/logo/usun", ADMINS),
    route("GET", "/admin/urzad/{slug}/ankieta", ADMINS),
    route("POST", "/admin/urzad/{slug}/ankieta/zmiana", ADMINS),
    route("GET", "/admin/urzad/{slug}/ankieta/podglad", ADMINS),
    route("GET", "/admin/urzad/{slug}/ankieta/pdf", ADMINS),
    route("POST", "/admin/urzad/{slug}/ankieta/publikuj", ADMINS),
    route("POST", "/admin/urzad/{slug}/ankieta/odrzuc", ADMINS),
    // Comments may hold personal data until redacted: the administrator's, not the supervisor's.
    route("GET", "/admin/urzad/{slug}/uwagi", ADMINS),
    route("POST", "/admin/urzad/{slug}/uwagi/anonimizuj", ADMINS),
    route("GET", "/admin/urzad/{slug}/raporty", READERS),
    route("GET", "/admin/urzad/{slug}/raporty/nowy", READERS),
    route("GET", "/admin/urzad/{slug}/raporty/csv", READERS),
    route("GET", "/admin/urzad/{slug}/raporty/xlsx", READERS),
    route("GET", "/admin/urzad/{slug}/raporty/pdf", READERS),
    route("POST", "/admin/urzad/{slug}/raporty/archiwizuj", ADMINS),
    route("GET", "/admin/urzad/{slug}/raporty/{id}", READERS),
    route("GET", "/admin/urzad/{slug}/raporty/{id}/pdf", READERS),
    route("GET", "/admin/urzad/{slug}/raporty/{id}/publikacja", ADMINS),
    route("POST", "/admin/urzad/{slug}/raporty/{id}/publikuj", ADMINS),
    route("POST", "/admin/urzad/{slug}/raporty/{id}/wycofaj-publikacje", ADMINS),
    // The supervisor follows the corrective actions; the administrator records and updates them.
    route("GET", "/admin/urzad/{slug}/raporty/{id}/dzialania", READERS),
    route("POST", "/admin/urzad/{slug}/raporty/{id}/dzialania", ADMINS),
    route("GET", "/admin/urzad/{slug}/dzialania/{id}", ADMINS),
    route("POST", "/admin/urzad/{slug}/dzialania/{id}", ADMINS),
    route("GET", "/admin/urzad/{slug}/dziennik", READERS),
    route("GET", "/admin/urzad/{slug}/kioski", ADMINS),
    route("POST", "/admin/urzad/{slug}/kioski", ADMINS),
    route("POST", "/admin/urzad/{slug}/kioski/{id}/odwolaj", ADMINS),
    route("POST", "/admin/urzad/{slug}/kioski/{id}/pin", ADMINS),
    route("GET", "/admin/urzad/{slug}/konta", ADMINS),
    route("POST", "/admin/urzad/{slug}/konta", ADMINS),
    route("POST", "/admin/urzad/{slug}/konta/{id}/wylacz", ADMINS),
    route("POST", "/admin/urzad/{slug}/konta/{id}/wlacz", ADMINS),
    route("POST", "/admin/urzad/{slug}/konta/{id}/usun", ADMINS),
    route("POST", "/admin/urzad/{slug}/konta/{id}/haslo", ADMINS),
    // Alerts: the supervisor sees them; the administrator acknowledges, resolves and sets them up.
    route("GET", "/admin/urzad/{slug}/alerty", READERS),
    route("POST", "/admin/urzad/{slug}/alerty/{id}", ADMINS),
    route("GET", "/admin/urzad/{slug}/alerty/ustawienia", ADMINS),
    route("POST", "/admin/urzad/{slug}/alerty/ustawienia", ADMINS),
    // The server's own alerts (disk, backup), its mail and the test mail are the operator's.
    route("GET", "/admin/alerty", OPERATOR),
    route("POST", "/admin/alerty/{id}", OPERATOR),
    route("POST", "/admin/poczta/test", OPERATOR),
    // Each account manages its own subscription to alert mails.
    route("GET", "/admin/powiadomienia", EVERYONE),
    route("POST", "/admin/powiadomienia", EVERYONE),
    route("POST", "/admin/powiadomienia/{id}/usun", EVERYONE),
];

/// The table's line for a request, if any.
fn find(method: &Method, path: &str) -> Option<&'static RouteAccess> {
    let method = if method == Method::HEAD { "GET" } else { method.as_str() };
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

/// Whether `role` may use the route `method` `path` (a pattern of [`ROUTES`]).
pub fn allows(role: Role, method: &Method, path: &str) -> bool {
    find(method, path).is_some_and(|r| r.roles.contains(&role))
}

/// The refusal of a route the account's role may not use.
pub fn refusal() -> Response {
    admin_message(
        StatusCode::FORBIDDEN,
        "Brak uprawnień",
        "Twoje konto nie ma uprawnień do tej strony ani czynności. Jeśli są Ci potrzebne, poproś administratora urzędu o zmianę roli konta.",
    )
}

/// The layer: lets a request through when the table lists its route for the session's role; until a
/// generated password is changed, leads every other route to the password page.
pub async fn require_permission(Extension(session): Extension<Session>, req: Request, next: Next) -> Response {
    let path = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let Some(entry) = find(req.method(), &path).filter(|r| r.roles.contains(&session.admin.role)) else {
        return refusal();
    };
    if session.admin.must_change_password && !entry.before_password_change {
        return Redirect::to("/admin/haslo").into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    // Test helpers may unwrap: a panic is how a test reports a broken premise.
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::Admin;
    use axum::Router;
    use axum::body::Body;
    use axum::middleware::from_fn;
    use axum::routing::get;
    use tower::ServiceExt;

    fn session(role: Role, must_change_password: bool) -> Session {
        Session {
            token_hash: String::new(),
            admin: Admin {
                id: 1,
                login: "jan".into(),
                password_hash: String::new(),
                role,
                office_id: (role != Operator).then_some(1),
                created_at: String::new(),
                must_change_password,
                disabled_at: None,
            },
            csrf: String::new(),
            new_alerts: 0,
        }
    }

    /// A router with one listed route and one that nobody added to the table.
    async fn status(role: Role, must_change: bool, path: &str) -> (StatusCode, String) {
        let app = Router::new()
            .route("/admin/haslo", get(|| async { "hasło" }))
            .route("/admin/sesje", get(|| async { "sesje" }))
            .route("/admin/nowa-strona", get(|| async { "nowa" }))
            .route_layer(from_fn(require_permission))
            .layer(Extension(session(role, must_change)));
        let response = app.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_route_missing_from_the_table_is_refused_to_every_role() {
        for role in Role::ALL {
            assert_eq!(status(role, false, "/admin/sesje").await.0, StatusCode::OK, "{role:?}");
            let (code, body) = status(role, false, "/admin/nowa-strona").await;
            assert_eq!(code, StatusCode::FORBIDDEN, "{role:?}");
            assert!(body.contains("Brak uprawnień"), "{body}");
        }
    }

    #[tokio::test]
    async fn a_password_to_change_leads_everywhere_to_the_password_page() {
        let (code, _) = status(Supervisor, true, "/admin/sesje").await;
        assert_eq!(code, StatusCode::SEE_OTHER);
        assert_eq!(status(Supervisor, true, "/admin/haslo").await, (StatusCode::OK, "hasło".to_owned()));
        // Refusal comes first: a route the role may not use is not even a redirect.
        assert_eq!(status(Supervisor, true, "/admin/nowa-strona").await.0, StatusCode::FORBIDDEN);
    }

    #[test]
    fn every_route_is_listed_once() {
        for (i, r) in ROUTES.iter().enumerate() {
            assert!(r.method == "GET" || r.method == "POST", "{r:?}");
            assert!(!r.roles.is_empty(), "{r:?}");
            assert!(ROUTES[..i].iter().all(|o| (o.method, o.path) != (r.method, r.path)), "{r:?} twice");
        }
        // A read-only role reads only, but for its own account: password, sessions, alert subscription.
        assert!(ROUTES.iter().filter(|r| r.roles.contains(&Supervisor)).all(|r| r.method == "GET"
            || r.path.starts_with("/admin/haslo")
            || r.path.starts_with("/admin/powiadomienia")
            || r.path == "/admin/wyloguj"
            || r.path == "/admin/sesje/wyloguj-wszedzie"));
    }
}
