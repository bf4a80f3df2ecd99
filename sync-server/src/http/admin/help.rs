//! "Pomoc": the user manual (`docs/instrukcja`, embedded at build time) as pages of the panel, its
//! screenshots, and the whole manual as a PDF. Every admin page links to its section (see
//! [`super::view::section_for`]). The manual is public, like the repository it comes from: an admin who cannot log in
//! reads it too.

use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::http::validators;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/manual.rs"));
}

pub use embedded::CHAPTERS;

pub use super::view::{PAGES, section_for};

/// A heading's anchor: lowercase ASCII, Polish letters without their marks, words joined by hyphens.
pub fn anchor(heading: &str) -> String {
    let mut out = String::new();
    for c in heading.to_lowercase().chars() {
        let c = match c {
            'ą' => 'a',
            'ć' => 'c',
            'ę' => 'e',
            'ł' => 'l',
            'ń' => 'n',
            'ó' => 'o',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// A link of the manual as the panel serves it: chapters and pictures under `/admin/pomoc/`.
fn rewrite(url: &str) -> String {
    if url.contains("://") || url.starts_with('#') || url.starts_with('/') || url.starts_with("mailto:") {
        return url.to_owned();
    }
    let (path, fragment) = url.split_once('#').map_or((url, None), |(p, f)| (p, Some(f)));
    let path = path.strip_prefix("./").unwrap_or(path);
    // From a translation ("en/…") "../" leads back to the Polish chapters.
    let path = path.strip_prefix("../").unwrap_or(path);
    let target = match path.strip_suffix(".md") {
        Some(stem) => format!("/admin/pomoc/{stem}"),
        None => format!("/admin/pomoc/{path}"),
    };
    match fragment {
        Some(f) => format!("{target}#{f}"),
        None => target,
    }
}

/// The chapter's title and its HTML: headings get anchors, links and pictures point into the panel.
pub fn render(markdown: &str) -> (String, String) {
    let mut title = String::new();
    let mut in_heading: Option<HeadingLevel> = None;
    let mut heading_text = String::new();
    let mut events = Vec::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some(level);
                heading_text.clear();
            }
            Event::End(TagEnd::Heading(level)) => {
                in_heading = None;
                if level == HeadingLevel::H1 && title.is_empty() {
                    // The page's <h1> is the title; the chapter's own is not repeated.
                    title = heading_text.clone();
                    continue;
                }
                let tag = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => "h2",
                    HeadingLevel::H3 => "h3",
                    _ => "h4",
                };
                events.push(Event::Html(format!("<{tag} id=\"{}\">", anchor(&heading_text)).into()));
                events.push(Event::Text(heading_text.clone().into()));
                events.push(Event::Html(format!("</{tag}>\n").into()));
            }
            Event::Text(t) | Event::Code(t) if in_heading.is_some() => heading_text.push_str(&t),
            _ if in_heading.is_some() => {}
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                events.push(Event::Start(Tag::Link { link_type, dest_url: rewrite(&dest_url).into(), title, id }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                events.push(Event::Start(Tag::Image { link_type, dest_url: rewrite(&dest_url).into(), title, id }));
            }
            other => events.push(other),
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (title, html)
}

#[derive(Template)]
#[template(path = "admin/help.html")]
struct HelpPage {
    title: String,
    body: String,
    chapters: Vec<(&'static str, String, bool)>,
    pdf: bool,
    lang: &'static str,
}

fn chapter_title(markdown: &str) -> String {
    markdown.lines().find_map(|l| l.strip_prefix("# ")).unwrap_or_default().trim().to_owned()
}

/// A chapter of the English translation.
pub async fn english(Path(chapter): Path<String>) -> Response {
    show(format!("en/{chapter}"))
}

/// A chapter of the manual; without a name, its table of contents.
pub async fn page(chapter: Option<Path<String>>) -> Response {
    show(chapter.map_or_else(|| "README".to_owned(), |Path(c)| c))
}

fn show(wanted: String) -> Response {
    let Some((stem, markdown)) = CHAPTERS.iter().find(|(stem, _)| *stem == wanted) else {
        return super::admin_message(StatusCode::NOT_FOUND, "Nie znaleziono", "Nie ma takiego rozdziału instrukcji.");
    };
    let (title, body) = render(markdown);
    let chapters = CHAPTERS
        .iter()
        .filter(|(s, _)| *s != "README" && !s.starts_with("en/"))
        .map(|(s, md)| (*s, chapter_title(md), s == stem))
        .collect();
    let lang = if stem.starts_with("en/") { "en" } else { "pl" };
    let page = HelpPage { title, body, chapters, pdf: embedded::PDF.is_some(), lang };
    super::render(StatusCode::OK, &page)
}

/// The whole manual on one page (Polish chapters in order, with a linked table of contents), from
/// which `scripts/screenshots` prints the PDF. Anchors get their chapter's name in front, so that the
/// same heading in two chapters stays two targets.
pub async fn whole() -> Response {
    let mut toc = String::from("<nav aria-label=\"Spis treści\" class=\"toc\"><h2>Spis treści</h2><ol>");
    let mut body = String::new();
    for (stem, markdown) in CHAPTERS.iter().filter(|(s, _)| *s != "README" && !s.starts_with("en/")) {
        let (title, html) = render(markdown);
        // One level down (the chapter is the h2 here), deepest first so nothing moves twice.
        let html = html
            .replace("<h3 id=\"", &format!("<h4 id=\"{stem}-"))
            .replace("</h3>", "</h4>")
            .replace("<h2 id=\"", &format!("<h3 id=\"{stem}-"))
            .replace("</h2>", "</h3>");
        let html = relink(&html);
        toc.push_str(&format!("<li><a href=\"#{stem}\">{}</a></li>", escape(&title)));
        body.push_str(&format!(
            "<section class=\"chapter\"><h2 id=\"{stem}\">{}</h2>\n{html}</section>\n",
            escape(&title)
        ));
    }
    toc.push_str("</ol></nav>");
    let page = HelpPage {
        title: "Instrukcja obsługi Oceń Urząd".into(),
        body: format!("{toc}\n{body}"),
        chapters: Vec::new(),
        pdf: false,
        lang: "pl",
    };
    super::render(StatusCode::OK, &page)
}

/// Links between chapters as links within the one page.
fn relink(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("href=\"/admin/pomoc/") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "href=\"/admin/pomoc/".len()..];
        let end = after.find('"').unwrap_or(after.len());
        let target = &after[..end];
        let local = match target.split_once('#') {
            Some((stem, anchor)) => format!("#{stem}-{anchor}"),
            None => format!("#{target}"),
        };
        out.push_str(&format!("href=\"{local}"));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, std::iter::once(Event::Text(text.into())));
    out
}

/// A screenshot of the manual.
pub async fn image(Path(name): Path<String>, headers: HeaderMap) -> Response {
    match embedded::IMAGES.iter().find(|(n, _)| *n == name) {
        Some((_, png)) => {
            validators::file(&headers, HeaderValue::from_static("image/png"), Some("public, max-age=3600"), *png)
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The whole manual as a PDF.
pub async fn pdf(headers: HeaderMap) -> Response {
    match embedded::PDF {
        Some(pdf) => validators::respond(&headers, validators::tag(pdf), None, || {
            super::view::pdf_response(pdf.to_vec(), "instrukcja-ocen-urzad.pdf")
        }),
        None => super::admin_message(
            StatusCode::NOT_FOUND,
            "Brak pliku",
            "Ta wersja programu została zbudowana bez instrukcji w PDF (polecenie scripts/screenshots ją tworzy).",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_plain_ascii() {
        assert_eq!(anchor("Dziennik zdarzeń"), "dziennik-zdarzen");
        assert_eq!(anchor("RODO – najważniejsze zasady"), "rodo-najwazniejsze-zasady");
        assert_eq!(anchor("Żółć: źle?"), "zolc-zle");
    }

    #[test]
    fn links_and_pictures_point_into_the_panel() {
        let (title, html) =
            render("# Tytuł\n\n## Sekcja A\n\nZob. [raporty](08-raporty.md#archiwum) i ![ekran](img/raport.png).\n");
        assert_eq!(title, "Tytuł");
        assert!(html.contains("<h2 id=\"sekcja-a\">Sekcja A</h2>"), "{html}");
        assert!(html.contains("href=\"/admin/pomoc/08-raporty#archiwum\""), "{html}");
        assert!(html.contains("src=\"/admin/pomoc/img/raport.png\""), "{html}");
    }
}
