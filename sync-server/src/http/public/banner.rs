//! The "Oceń Urząd" banner kit: the banner as SVG and PNG in a few common sizes, and a page with the HTML
//! snippet an office pastes into its homepage. The PNG is drawn by the server from the same SVG, with an
//! embedded font, so it looks the same on every machine.

use std::sync::{Arc, LazyLock};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use resvg::{tiny_skia, usvg};
use survey::Lang;

use super::i18n::words;
use super::view::{Chrome, office_url};
use super::{LangQuery, office, render};
use crate::http::{AppState, validators};
use crate::store::Office;

/// The sizes offered: the common web banner formats that fit an office homepage's side or top bar.
pub const SIZES: [(u32, u32); 4] = [(300, 100), (468, 60), (728, 90), (250, 250)];

static FONTS: LazyLock<Arc<usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(crate::documents::fonts::REGULAR.to_vec());
    db.load_font_data(crate::documents::fonts::BOLD.to_vec());
    Arc::new(db)
});

const TITLE: &str = "Oceń Urząd";
const SUBTITLE: &str = "Ankieta satysfakcji klienta";

/// The alternative text of the banner image, naming the office.
pub fn alt_text(office: &Office) -> String {
    format!("Oceń Urząd – ankieta satysfakcji klienta: {}", office.name)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The banner as SVG, `width` × `height` pixels. Wide banners put the smiley left of the text, square ones
/// above it. Font sizes are chosen so the text fits with DejaVu Sans' widths (bold ≈ 0.7 em a letter).
pub fn svg(width: u32, height: u32, alt: &str) -> String {
    let (w, h) = (f64::from(width), f64::from(height));
    let wide = w >= 2.0 * h;
    let (icon, icon_x, icon_y, text_x, anchor, title_y, title_size, sub_size);
    if wide {
        icon = h * 0.72;
        icon_x = (h - icon) / 2.0;
        icon_y = icon_x;
        text_x = h * 1.02;
        let room = w - text_x - h * 0.12;
        title_size = (h * 0.36).min(room / (TITLE.chars().count() as f64 * 0.7));
        sub_size = (title_size * 0.5).min(room / (SUBTITLE.chars().count() as f64 * 0.6));
        anchor = "start";
        title_y = h / 2.0 - title_size * 0.05;
    } else {
        icon = h * 0.42;
        icon_x = (w - icon) / 2.0;
        icon_y = h * 0.1;
        text_x = w / 2.0;
        let room = w * 0.9;
        title_size = (h * 0.14).min(room / (TITLE.chars().count() as f64 * 0.7));
        sub_size = (title_size * 0.55).min(room / (SUBTITLE.chars().count() as f64 * 0.6));
        anchor = "middle";
        title_y = icon_y + icon + title_size * 1.25;
    }
    let sub_y = title_y + sub_size * 1.5;
    let scale = icon / 64.0;
    let alt = xml_escape(alt);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{alt}">
<title>{alt}</title>
<rect width="{width}" height="{height}" rx="{r:.1}" fill="#0b3d91"/>
<g transform="translate({icon_x:.1} {icon_y:.1}) scale({scale:.4})" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round">
<circle cx="32" cy="32" r="26"/><circle cx="23" cy="26" r="3" fill="#fff" stroke="none"/><circle cx="41" cy="26" r="3" fill="#fff" stroke="none"/>
<path d="M19 37c3 7 8 10 13 10s10-3 13-10"/>
</g>
<text x="{text_x:.1}" y="{title_y:.1}" text-anchor="{anchor}" font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-weight="bold" font-size="{title_size:.1}" fill="#fff">{TITLE}</text>
<text x="{text_x:.1}" y="{sub_y:.1}" text-anchor="{anchor}" font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="{sub_size:.1}" fill="#fff">{SUBTITLE}</text>
</svg>
"##,
        r = h.min(w) * 0.08,
    )
}

/// The banner drawn to PNG.
pub fn png(width: u32, height: u32, alt: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options { fontdb: FONTS.clone(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&svg(width, height, alt), &options).map_err(|e| e.to_string())?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or("pusty rozmiar obrazu")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| e.to_string())
}

/// One offered banner on the kit page.
pub struct BannerView {
    pub width: u32,
    pub height: u32,
    pub svg_url: String,
    pub png_url: String,
    pub snippet: String,
}

#[derive(Template)]
#[template(path = "banner.html")]
struct BannerPage {
    page: Chrome,
    alt: String,
    banners: Vec<BannerView>,
}

/// The address the server is reached at, as the browser asking for the page sees it: the snippet goes
/// onto another site, so it needs absolute addresses.
pub(crate) fn public_base(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = match headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()) {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

pub async fn kit_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = q.lang();
    let office = match office(&state, slug, lang).await {
        Ok(office) => office,
        Err(page) => return page,
    };
    let base = public_base(&headers);
    let alt = alt_text(&office);
    let survey = format!("{base}{}", office_url(&office, "", Lang::Pl));
    let banners = SIZES
        .iter()
        .map(|&(width, height)| {
            let png_url = format!("/{}/baner/{width}x{height}.png", office.slug);
            BannerView {
                width,
                height,
                svg_url: format!("/{}/baner/{width}x{height}.svg", office.slug),
                snippet: format!(
                    r#"<a href="{survey}"><img src="{base}{png_url}" width="{width}" height="{height}" alt="{}"></a>"#,
                    xml_escape(&alt)
                ),
                png_url,
            }
        })
        .collect();
    let path = format!("/{}/baner", office.slug);
    let page = BannerPage {
        page: Chrome::new(lang, format!("{} – {}", words(lang).banner_heading, office.name), Some(&office), &path),
        alt,
        banners,
    };
    render(StatusCode::OK, &page)
}

pub async fn image(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let office = match office(&state, slug, Lang::Pl).await {
        Ok(office) => office,
        Err(page) => return page,
    };
    let parsed = file.rsplit_once('.').and_then(|(size, ext)| {
        let (w, h) = size.split_once('x')?;
        let size = (w.parse().ok()?, h.parse().ok()?);
        SIZES.contains(&size).then_some((size, ext))
    });
    let cache = Some("public, max-age=86400");
    match parsed {
        Some(((w, h), "svg")) => {
            validators::file(&headers, HeaderValue::from_static("image/svg+xml"), cache, svg(w, h, &alt_text(&office)))
        }
        Some(((w, h), "png")) => {
            let alt = alt_text(&office);
            // Drawn even for a client that has it, to learn its tag: a 304 saves data, not drawing.
            match tokio::task::spawn_blocking(move || png(w, h, &alt)).await {
                Ok(Ok(bytes)) => validators::file(&headers, HeaderValue::from_static("image/png"), cache, bytes),
                Ok(Err(e)) => crate::http::AppError::Internal(format!("baner PNG: {e}")).into_response(),
                Err(e) => crate::http::AppError::from_join(e).into_response(),
            }
        }
        _ => {
            let w = words(Lang::Pl);
            super::message_page(StatusCode::NOT_FOUND, Lang::Pl, Some(&office), w.not_found, w.not_found)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_draws_to_a_png_of_that_size() {
        for (w, h) in SIZES {
            let bytes = png(w, h, "Oceń Urząd – test").unwrap();
            assert_eq!(&bytes[1..4], b"PNG");
            // IHDR: width and height are big-endian u32 at bytes 16..24.
            assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), w);
            assert_eq!(u32::from_be_bytes(bytes[20..24].try_into().unwrap()), h);
        }
    }

    #[test]
    fn the_svg_names_the_office_and_escapes_it() {
        let svg = svg(300, 100, "Oceń Urząd – <Gmina & Syn>");
        assert!(svg.contains("<title>Oceń Urząd – &lt;Gmina &amp; Syn&gt;</title>"));
        assert!(svg.contains(">Oceń Urząd</text>"));
    }
}
