//! Whether a form was sent from another site: the public survey and every form of the admin panel
//! refuse those.

use axum::http::{HeaderMap, header};

/// A form submitted from another site is refused: browsers say so in `Sec-Fetch-Site`, older ones in
/// `Origin`. Requests without either (non-browser clients) carry no ambient authority here and pass.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "cross-site";
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, rest)| rest) != Some(host),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, value.parse().unwrap());
        }
        h
    }

    #[test]
    fn browsers_say_where_a_form_came_from() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(is_cross_site(&headers(&[("origin", "https://zly.example"), ("host", "ankieta.gmina.pl")])));
        assert!(!is_cross_site(&headers(&[("origin", "https://ankieta.gmina.pl"), ("host", "ankieta.gmina.pl")])));
        assert!(is_cross_site(&headers(&[("origin", "null")])));
        assert!(!is_cross_site(&headers(&[])), "a client without either carries no ambient authority");
    }
}
