//! The OpenAPI document of the sync API, served at `/api/v1/openapi.json`. The schemas come from the wire
//! types themselves (`survey`'s `openapi` feature derives them beside serde's), so the document cannot
//! drift from the JSON the server reads and writes; the operations are described here, one function per
//! route of the API's route table.

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::{AppError, validators};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Oceń Urząd – API synchronizacji kiosków",
        version = "1",
        description = "Wersja formatu: pole wire_version = 1. Kiosk zapisuje każdą odpowiedź lokalnie, wysyła \
                       ją w paczkach i uznaje za wysłaną dopiero po potwierdzeniu; ponowne wysłanie tej samej \
                       odpowiedzi jest bezpieczne (identyfikator UUIDv7). Opis: docs/sync-api.md."
    ),
    paths(
        operations::pair,
        operations::responses,
        operations::questionnaire,
        operations::privacy_notice,
        operations::heartbeat,
        operations::openapi_json
    ),
    // The wire types by name; the survey types they carry come along with them.
    components(schemas(
        survey::wire::UploadBatch,
        survey::wire::FilteredPress,
        survey::wire::DeviceClock,
        survey::wire::PairRequest,
        survey::wire::PairReply,
        survey::wire::Heartbeat,
        survey::wire::DeviceKind,
        survey::wire::HeartbeatReply,
        survey::wire::QuestionnairePackage,
        survey::wire::PrivacyNotice,
        survey::wire::UploadReceipt,
        survey::wire::ItemReceipt,
        survey::wire::Outcome,
        survey::wire::ApiError,
    )),
    tags((name = "kiosk", description = "Wymiana danych kiosku z serwerem")),
    modifiers(&KioskToken)
)]
struct ApiDoc;

/// The bearer token a kiosk gets when it pairs, named `kiosk` in the operations' `security`.
struct KioskToken;

impl Modify for KioskToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("Token otrzymany przy parowaniu"))
            .build();
        openapi.components.get_or_insert_default().add_security_scheme("kiosk", SecurityScheme::Http(scheme));
    }
}

/// The document as served: built once, on the first request.
static DOCUMENT: LazyLock<Result<String, String>> =
    LazyLock::new(|| ApiDoc::openapi().to_pretty_json().map_err(|e| e.to_string()));

/// The OpenAPI document as JSON.
pub fn document() -> Result<&'static str, AppError> {
    DOCUMENT.as_deref().map_err(|e| AppError::Internal(format!("dokument OpenAPI: {e}")))
}

/// `GET /api/v1/openapi.json`.
pub(super) async fn serve(headers: HeaderMap) -> Response {
    match document() {
        Ok(json) => validators::file(&headers, HeaderValue::from_static("application/json"), None, json),
        Err(e) => e.into_response(),
    }
}

/// The operations, one function per route of the API's route table. Only their descriptions are used;
/// the test below checks that every route of the router has one.
mod operations {
    #![expect(dead_code, reason = "the functions carry descriptions and are never called")]

    use survey::wire::{
        ApiError, Heartbeat, HeartbeatReply, PairReply, PairRequest, PrivacyNotice, QuestionnairePackage, UploadBatch,
        UploadReceipt,
    };

    /// Sparowanie kiosku jednorazowym kodem z panelu
    #[utoipa::path(
        post,
        tag = "kiosk",
        path = "/api/v1/pair",
        request_body = PairRequest,
        responses(
            (status = 200, description = "Token kiosku (pokazywany tylko raz)", body = PairReply),
            (status = 400, description = "Nieprawidłowe dane lub wersja formatu (ApiError)", body = ApiError),
            (status = 403, description = "Nieznany, użyty lub wygasły kod, albo kiosk odwołany (ApiError)", body = ApiError),
            (status = 500, description = "Błąd serwera (ApiError)", body = ApiError),
            (status = 503, description = "Brak miejsca na dysku serwera (ApiError)", body = ApiError),
        )
    )]
    fn pair() {}

    /// Wysłanie paczki odpowiedzi (najwyżej 500)
    ///
    /// Każda potwierdzona odpowiedź jest już trwale zapisana; ponowne wysłanie tej samej paczki jest bezpieczne.
    #[utoipa::path(
        post,
        tag = "kiosk",
        path = "/api/v1/responses",
        request_body = UploadBatch,
        security(("kiosk" = [])),
        responses(
            (status = 200, description = "Los każdej odpowiedzi, w kolejności wysłania; potwierdzone odpowiedzi są już trwale zapisane", body = UploadReceipt),
            (status = 400, description = "Nieprawidłowe dane lub wersja formatu (ApiError)", body = ApiError),
            (status = 401, description = "Nieznany lub odwołany token (ApiError)", body = ApiError),
            (status = 413, description = "Za dużo danych lub odpowiedzi w paczce (ApiError)", body = ApiError),
            (status = 500, description = "Błąd serwera (ApiError)", body = ApiError),
            (status = 503, description = "Brak miejsca na dysku serwera; kiosk ponowi próbę (ApiError)", body = ApiError),
        )
    )]
    fn responses() {}

    /// Obecna ankieta urzędu i komórki (z ETag)
    #[utoipa::path(
        get,
        tag = "kiosk",
        path = "/api/v1/questionnaire",
        security(("kiosk" = [])),
        params(("If-None-Match" = Option<String>, Header, description = "ETag z poprzedniej odpowiedzi")),
        responses(
            (status = 200, description = "Ankieta", body = QuestionnairePackage,
                headers(("ETag" = String, description = "Znacznik tej wersji ankiety"))),
            (status = 304, description = "Bez zmian od podanego ETag",
                headers(("ETag" = String, description = "Znacznik tej wersji ankiety"))),
            (status = 401, description = "Nieznany lub odwołany token (ApiError)", body = ApiError),
            (status = 404, description = "Urząd kiosku nie istnieje (ApiError)", body = ApiError),
            (status = 500, description = "Błąd serwera (ApiError)", body = ApiError),
            (status = 503, description = "Brak miejsca na dysku serwera (ApiError)", body = ApiError),
        )
    )]
    fn questionnaire() {}

    /// Klauzula informacyjna urzędu (art. 13 RODO) i adres jej strony
    #[utoipa::path(
        get,
        tag = "kiosk",
        path = "/api/v1/privacy-notice",
        security(("kiosk" = [])),
        responses(
            (status = 200, description = "Tekst klauzuli (po polsku) i adres strony z nią", body = PrivacyNotice),
            (status = 401, description = "Nieznany lub odwołany token (ApiError)", body = ApiError),
            (status = 404, description = "Urząd kiosku nie istnieje (ApiError)", body = ApiError),
            (status = 500, description = "Błąd serwera (ApiError)", body = ApiError),
            (status = 503, description = "Brak miejsca na dysku serwera (ApiError)", body = ApiError),
        )
    )]
    fn privacy_notice() {}

    /// Stan kiosku: wersja, oczekujące odpowiedzi, zegar, wolne miejsce
    #[utoipa::path(
        post,
        tag = "kiosk",
        path = "/api/v1/heartbeat",
        request_body = Heartbeat,
        security(("kiosk" = [])),
        responses(
            (status = 200, description = "Czas serwera", body = HeartbeatReply),
            (status = 400, description = "Nieprawidłowe dane (ApiError)", body = ApiError),
            (status = 401, description = "Nieznany lub odwołany token (ApiError)", body = ApiError),
            (status = 500, description = "Błąd serwera (ApiError)", body = ApiError),
            (status = 503, description = "Brak miejsca na dysku serwera (ApiError)", body = ApiError),
        )
    )]
    fn heartbeat() {}

    /// Ten dokument (OpenAPI)
    #[utoipa::path(
        get,
        tag = "kiosk",
        path = "/api/v1/openapi.json",
        params(("If-None-Match" = Option<String>, Header, description = "ETag z poprzedniej odpowiedzi")),
        responses(
            (status = 200, description = "Dokument OpenAPI API synchronizacji", body = Object,
                headers(("ETag" = String, description = "Znacznik tej wersji dokumentu"))),
            (status = 304, description = "Bez zmian od podanego ETag",
                headers(("ETag" = String, description = "Znacznik tej wersji dokumentu"))),
        )
    )]
    fn openapi_json() {}
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    fn parsed() -> Value {
        serde_json::from_str(document().unwrap()).unwrap()
    }

    #[test]
    fn every_route_of_the_router_is_described_and_nothing_else() {
        let doc = parsed();
        let described: BTreeSet<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
        let routed: BTreeSet<&str> = super::super::ROUTES.iter().map(|(path, _)| *path).collect();
        assert_eq!(routed, described);
    }

    #[test]
    fn every_wire_type_has_a_schema_and_every_reference_resolves() {
        let doc = parsed();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for name in [
            // survey::wire
            "UploadBatch",
            "FilteredPress",
            "FilterReason",
            "DeviceClock",
            "PairRequest",
            "PairReply",
            "Heartbeat",
            "DeviceKind",
            "HeartbeatReply",
            "PrivacyNotice",
            "QuestionnairePackage",
            "UploadReceipt",
            "ItemReceipt",
            "Outcome",
            "ApiError",
            // the survey types they carry
            "Response",
            "CaptureClock",
            "Channel",
            "AnswerValue",
            "QuestionKey",
            "Questionnaire",
            "Section",
            "Question",
            "QuestionKind",
            "RatingPurpose",
            "ChoiceOption",
            "LocalizedText",
            "ValidationError",
            "Problem",
        ] {
            assert!(schemas.contains_key(name), "no schema for {name}");
        }
        fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(r)) = map.get("$ref") {
                        out.push(r);
                    }
                    map.values().for_each(|v| refs(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 20);
        for r in found {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("odd reference {r}"));
            assert!(schemas.contains_key(name), "{r} does not resolve");
        }
    }

    #[test]
    fn the_kiosk_token_guards_every_route_but_pairing_and_this_document() {
        let doc = parsed();
        assert_eq!(doc["components"]["securitySchemes"]["kiosk"]["scheme"], "bearer");
        for (path, operations) in doc["paths"].as_object().unwrap() {
            for (method, operation) in operations.as_object().unwrap() {
                let guarded = operation["security"] == serde_json::json!([{ "kiosk": [] }]);
                let open = ["/api/v1/pair", "/api/v1/openapi.json"].contains(&path.as_str());
                assert_eq!(guarded, !open, "{method} {path}");
            }
        }
    }
}
