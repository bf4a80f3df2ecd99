//! Validators for what changes only with the program or an upload (style sheets, pictures, the manual, the
//! API document): an ETag from a hash of the content, so that a browser holding a copy asks with
//! `If-None-Match` and gets an empty `304 Not Modified` instead of the file again. On mobile data that
//! is the point; the hash costs microseconds (the 1.5 MB manual about a millisecond), so it is not kept.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The strong ETag of `content`: its BLAKE3 hash, quoted.
pub fn tag(content: &[u8]) -> String {
    format!("\"{}\"", blake3::hash(content).to_hex())
}

/// Whether the request's `If-None-Match` names `etag`. Weak comparison, as RFC 9110 (§13.1.2) asks for
/// this header: a copy that was compressed on the way came with the weak form `W/"…"` of the same tag.
pub fn not_modified(request: &HeaderMap, etag: &str) -> bool {
    let opaque = |t: &str| t.strip_prefix("W/").unwrap_or(t).to_owned();
    let ours = opaque(etag);
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || opaque(t) == ours)
}

/// `304 Not Modified` when the client already has the content tagged `etag`, otherwise the `full` response.
/// Either way with the ETag and, when given, the `Cache-Control` (a 304 repeats them so caches keep both).
pub fn respond(
    request: &HeaderMap,
    etag: String,
    cache_control: Option<&'static str>,
    full: impl FnOnce() -> Response,
) -> Response {
    let mut response = if not_modified(request, &etag) { StatusCode::NOT_MODIFIED.into_response() } else { full() };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(cache) = cache_control {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    response
}

/// `content` as `content_type`, with its ETag and, when given, `Cache-Control`; `304` when the client
/// has it already.
pub fn file<B>(
    request: &HeaderMap,
    content_type: HeaderValue,
    cache_control: Option<&'static str>,
    content: B,
) -> Response
where
    B: AsRef<[u8]> + Into<Body>,
{
    respond(request, tag(content.as_ref()), cache_control, || {
        ([(header::CONTENT_TYPE, content_type)], content.into()).into_response()
    })
}

/// Makes the ETag of a compressed response weak. A strong tag promises these exact bytes (RFC 9110
/// §8.8.1), which the gzip or Brotli copy no longer is; the weak form still answers `If-None-Match`.
pub async fn weaken_when_encoded(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if headers.contains_key(header::CONTENT_ENCODING)
        && let Some(strong) = headers.get(header::ETAG).and_then(|v| v.to_str().ok()).filter(|t| t.starts_with('"'))
        && let Ok(weak) = HeaderValue::from_str(&format!("W/{strong}"))
    {
        headers.insert(header::ETAG, weak);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::IF_NONE_MATCH, HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static("")));
        }
        headers
    }

    #[test]
    fn if_none_match_is_compared_weakly_and_may_list_several_tags() {
        let etag = tag(b"body { color: black }");
        assert!(etag.starts_with('"') && etag.ends_with('"'));
        assert!(not_modified(&asking(&[&etag]), &etag));
        assert!(not_modified(&asking(&[&format!("W/{etag}")]), &etag));
        assert!(not_modified(&asking(&[&format!("\"old\", {etag}")]), &etag));
        assert!(not_modified(&asking(&["\"old\"", &etag]), &etag));
        assert!(not_modified(&asking(&["*"]), &etag));
        assert!(!not_modified(&asking(&["\"old\""]), &etag));
        assert!(!not_modified(&asking(&[]), &etag));
        assert_ne!(tag(b"a"), tag(b"b"));
    }
}
