//! The kiosks' sync API under `/api/v1/`: pairing, upload of answers, the questionnaire to ask, the
//! office's information clause (RODO), and the heartbeat. JSON in, JSON out; every error is an [`ApiError`] with a stable code and a Polish message.
//! Documented in `docs/sync-api.md` and by the OpenAPI document at `/api/v1/openapi.json` ([`openapi`]).

pub mod openapi;

pub mod pairing_limit;

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Extension, Json, Router};
use survey::Response as SurveyResponse;
use survey::wire::{
    ApiError, DeviceClock, FilteredPress, Heartbeat, HeartbeatReply, MAX_BATCH, PairReply, PairRequest, PrivacyNotice,
    QuestionnairePackage, UploadReceipt, WIRE_VERSION, check_wire_version,
};

use super::{AppError, AppState};
use crate::ingest::{KioskBatch, Unreadable, ingest_kiosk_batch};
use crate::store::{DeviceReport, PairedDevice, PairingRefused};

/// Largest upload accepted: a full batch of long answers fits.
pub const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;

/// Largest pairing request or heartbeat accepted. Either is a few hundred bytes; anything near this is not
/// from a kiosk, and reading it would only cost memory.
pub const MAX_SMALL_BYTES: usize = 4 * 1024;

/// A path of the API and the handlers that answer there.
type Route = (&'static str, fn() -> MethodRouter<AppState>);

/// Every route of the API, each with the body limit of what it takes (those that read no body have the
/// application's default, `http/mod.rs`). The router is built from this table alone, and a test checks
/// that each path is described in the OpenAPI document: a route cannot be added without its description.
const ROUTES: [Route; 6] = [
    ("/api/v1/pair", || post(pair).layer(DefaultBodyLimit::max(MAX_SMALL_BYTES))),
    ("/api/v1/responses", || post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))),
    ("/api/v1/questionnaire", || get(questionnaire)),
    ("/api/v1/privacy-notice", || get(privacy_notice)),
    ("/api/v1/heartbeat", || post(heartbeat).layer(DefaultBodyLimit::max(MAX_SMALL_BYTES))),
    ("/api/v1/openapi.json", || get(openapi::serve)),
];

pub fn router() -> Router<AppState> {
    ROUTES
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| router.route(path, methods()))
        .layer(axum::middleware::map_response(super::error::as_json))
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (status, Json(ApiError::new(code, message))).into_response()
}

/// An upload's JSON body, or the structured error saying why it could not be read.
fn body<T>(payload: Result<Json<T>, JsonRejection>) -> Result<T, Response> {
    body_within(payload, MAX_UPLOAD_BYTES, " Wyślij mniejsze paczki.")
}

/// A JSON body of a route limited to `limit` bytes, or the structured error saying why it could not be
/// read; `advice` follows the message about a body over the limit.
fn body_within<T>(payload: Result<Json<T>, JsonRejection>, limit: usize, advice: &str) -> Result<T, Response> {
    payload.map(|Json(v)| v).map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            error(status, "too_large", format!("Za dużo danych naraz (najwyżej {limit} bajtów).{advice}"))
        } else {
            error(StatusCode::BAD_REQUEST, "bad_json", format!("Nieprawidłowe dane JSON: {}", rejection.body_text()))
        }
    })
}

/// The kiosk making the request, by its bearer token. A revoked or unknown token is refused at once.
pub struct Kiosk(pub PairedDevice);

impl FromRequestParts<AppState> for Kiosk {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let unauthorized = || {
            error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Nieznany lub odwołany token kiosku. Sparuj kiosk ponownie kodem z panelu administracyjnego.",
            )
        };
        let Some(token) = token else { return Err(unauthorized()) };
        match state.db(move |s| s.device_by_token(&token)).await {
            Ok(Some(device)) => Ok(Kiosk(device)),
            Ok(None) => Err(unauthorized()),
            Err(e) => Err(e.into_response()),
        }
    }
}

async fn pair(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    payload: Result<Json<PairRequest>, JsonRejection>,
) -> Response {
    let request = match body_within(payload, MAX_SMALL_BYTES, "") {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = check_wire_version(request.wire_version) {
        return (StatusCode::BAD_REQUEST, Json(e)).into_response();
    }
    let peer = connect.map(|Extension(ConnectInfo(addr))| addr.ip());
    let client = crate::http::client_key::client_address(peer, &headers, state.behind_proxy);
    if let Err(wait) = state.pairings.try_code(client) {
        return too_many_attempts(pairing_limit::seconds(wait));
    }
    match state.db(move |s| s.pair_device(&request.code)).await {
        Ok(Ok(paired)) => {
            state.pairings.paired(client);
            Json(PairReply {
                wire_version: WIRE_VERSION,
                token: paired.token,
                office: paired.device.office_slug,
                device: paired.device.name,
                service_pin_hash: paired.service_pin_hash,
            })
            .into_response()
        }
        Ok(Err(refused)) => {
            let (code, message) = match refused {
                PairingRefused::UnknownOrUsedCode => {
                    ("unknown_code", "Nieznany lub już użyty kod parowania. Wygeneruj nowy kod w panelu (Kioski).")
                }
                PairingRefused::Expired => {
                    ("expired_code", "Kod parowania wygasł. Wygeneruj nowy kod w panelu (Kioski).")
                }
                PairingRefused::Revoked => ("revoked", "Ten kiosk został odwołany w panelu administracyjnym."),
            };
            error(StatusCode::FORBIDDEN, code, message)
        }
        Err(e) => e.into_response(),
    }
}

/// A kiosk's batch read item by item: an answer or a press that cannot be read (a number out of range, an
/// unknown reason, a newer kiosk's field) is refused alone in the receipt instead of failing the whole
/// batch, which the kiosk would otherwise send again for ever. The format is [`survey::wire::UploadBatch`].
#[derive(serde::Deserialize)]
struct ReceivedBatch {
    wire_version: u32,
    responses: Vec<serde_json::Value>,
    #[serde(default)]
    device_clock: Option<serde_json::Value>,
    #[serde(default)]
    filtered_presses: Vec<serde_json::Value>,
}

/// Longest reader's message kept in a receipt: it may quote what was sent, which can be long.
const DETAIL_MAX_CHARS: usize = 200;

fn read_item<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, Unreadable> {
    let id = value.get("id").and_then(|id| id.as_str()).and_then(|id| uuid::Uuid::parse_str(id).ok());
    serde_json::from_value(value)
        .map_err(|e| Unreadable { id, detail: e.to_string().chars().take(DETAIL_MAX_CHARS).collect() })
}

/// The refusal of a client that sent too many wrong pairing codes, with the seconds it must wait.
fn too_many_attempts(seconds: u64) -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        format!(
            "Zbyt wiele błędnych kodów parowania z tego adresu w ciągu minuty. Sprawdź kod w panelu (Kioski) i spróbuj ponownie za {seconds} s."
        ),
    );
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

async fn upload(
    State(state): State<AppState>,
    Kiosk(device): Kiosk,
    payload: Result<Json<ReceivedBatch>, JsonRejection>,
) -> Response {
    let batch = match body(payload) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if let Err(e) = check_wire_version(batch.wire_version) {
        return (StatusCode::BAD_REQUEST, Json(e)).into_response();
    }
    for (count, what) in [(batch.responses.len(), "odpowiedzi"), (batch.filtered_presses.len(), "naciśnięć")] {
        if count > MAX_BATCH {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "batch_too_large",
                format!("Za dużo pozycji ({what}) w jednej paczce ({count}, najwyżej {MAX_BATCH})."),
            );
        }
    }
    let received_at = chrono::Utc::now();
    // A clock that cannot be read corrects nothing; the capture times are then checked as given.
    let clock: Option<DeviceClock> = batch.device_clock.and_then(|c| serde_json::from_value(c).ok());
    let responses: Vec<_> = batch.responses.into_iter().map(read_item::<SurveyResponse>).collect();
    let presses: Vec<_> = batch.filtered_presses.into_iter().map(read_item::<FilteredPress>).collect();
    // Everything stored is committed durably before the receipt is sent; a failure of the database as a
    // whole (the disk, say) fails the request, and the kiosk sends the batch again: what was stored is
    // then "already stored".
    let receipt = state
        .db(move |s| {
            let batch = KioskBatch {
                device: &device,
                received_at,
                clock: clock.as_ref(),
                responses: &responses,
                presses: &presses,
            };
            let receipt = ingest_kiosk_batch(s, &batch)?;
            s.device_seen(device.id, None)?;
            Ok(receipt)
        })
        .await;
    match receipt {
        Ok(receipt) => Json(UploadReceipt {
            wire_version: WIRE_VERSION,
            results: receipt.responses,
            filtered_results: receipt.presses,
        })
        .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn questionnaire(State(state): State<AppState>, Kiosk(device): Kiosk, headers: HeaderMap) -> Response {
    let loaded = state
        .db(move |s| {
            let office = s.office(&device.office_slug)?;
            s.device_seen(device.id, None)?;
            Ok(QuestionnairePackage {
                wire_version: WIRE_VERSION,
                office_name: office.name,
                questionnaire: std::sync::Arc::unwrap_or_clone(s.current_questionnaire(&device.office_slug)?),
                departments: s.departments(&device.office_slug)?,
            })
        })
        .await;
    let package = match loaded {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Ok(json) = serde_json::to_vec(&package) else {
        return AppError::Internal("serializacja ankiety".into()).into_response();
    };
    let etag = format!("\"{}\"", blake3::hash(&json).to_hex());
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    ([(header::CONTENT_TYPE, "application/json".to_owned()), (header::ETAG, etag)], json).into_response()
}

/// The information clause of the kiosk's office, for its "Informacja o danych" screen.
async fn privacy_notice(State(state): State<AppState>, Kiosk(device): Kiosk, headers: HeaderMap) -> Response {
    let loaded = state
        .db(move |s| {
            let office = s.office(&device.office_slug)?;
            s.device_seen(device.id, None)?;
            Ok(office)
        })
        .await;
    match loaded {
        Ok(office) => Json(PrivacyNotice {
            text: crate::documents::privacy_notice::text(&office),
            url: super::public::privacy_notice_url(&office, &headers),
        })
        .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn heartbeat(
    State(state): State<AppState>,
    Kiosk(device): Kiosk,
    payload: Result<Json<Heartbeat>, JsonRejection>,
) -> Response {
    let beat = match body_within(payload, MAX_SMALL_BYTES, "") {
        Ok(b) => b,
        Err(e) => return e,
    };
    // A PIN changed on the kiosk comes as the kiosk made its hash; one the kiosk and this server could
    // not verify would lock the service screen, so it is refused and the kiosk keeps the one it has.
    if let Some(hash) = &beat.service_pin_hash
        && !crate::kiosk_pin::is_usable_hash(hash)
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unusable_service_pin_hash",
            "Nowy PIN kiosku nie został przyjęty: skrót PIN-u nie jest w formacie argon2id. Ustaw PIN w panelu (Kioski).",
        );
    }
    let now = chrono::Utc::now();
    let reported_pin = beat.service_pin_hash;
    let kind = beat.device_kind;
    let report = DeviceReport {
        version: beat.app_version.chars().take(40).collect(),
        pending: i64::try_from(beat.pending).unwrap_or(i64::MAX),
        clock_offset_secs: beat.clock.wall.signed_duration_since(now).num_seconds(),
        free_disk_bytes: beat.free_disk_bytes.and_then(|b| i64::try_from(b).ok()),
    };
    let seen = state
        .db(move |s| {
            if let Some(hash) = &reported_pin {
                s.device_pin_reported(&device, hash)?;
            }
            s.device_seen(device.id, Some(&report))?;
            if let Some(kind) = kind {
                s.device_kind_reported(device.id, kind)?;
            }
            s.device_pin_hash(device.id)
        })
        .await;
    match seen {
        Ok(service_pin_hash) => {
            Json(HeartbeatReply { wire_version: WIRE_VERSION, server_time: now, service_pin_hash }).into_response()
        }
        Err(e) => e.into_response(),
    }
}
