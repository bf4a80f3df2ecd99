//! The printable questionnaire checked with real PDF tools: `qpdf --check` finds the file sound, and the
//! text `pdftotext` extracts holds the Polish questions, the numbered options paper entry reads, and no
//! question split across two pages.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use survey::default_questionnaire::default_questionnaire;
use sync_server::documents::printout::{Sheet, questionnaire_pdf};

fn pdf(serials: Vec<String>) -> (tempfile::TempDir, std::path::PathBuf) {
    pdf_with(serials, None)
}

fn pdf_with(
    serials: Vec<String>,
    logo: Option<&sync_server::documents::logo::Pixels>,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let q = default_questionnaire();
    let departments = vec![
        ("usc".to_string(), "Urząd Stanu Cywilnego".to_string()),
        ("podatki".to_string(), "Referat Podatków i Opłat".to_string()),
    ];
    let sheet = Sheet {
        office_name: "Urząd Gminy Książki",
        survey_url: "https://ksiazki.example.pl/ksiazki/",
        privacy_clause: "Administratorem danych osobowych jest Urząd Gminy Książki. Pełna informacja: https://ksiazki.example.pl/ksiazki/prywatnosc",
        questionnaire: &q,
        departments: &departments,
        serials,
        logo,
    };
    let bytes = questionnaire_pdf(&sheet).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ankieta.pdf");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn pages(path: &std::path::Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/install-deps");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().split('\u{c}').filter(|p| !p.trim().is_empty()).map(str::to_owned).collect()
}

#[test]
fn the_sheet_is_a_sound_pdf_with_every_question_in_polish_on_one_page() {
    let (_dir, path) = pdf(vec![]);
    let check =
        Command::new("qpdf").arg("--check").arg(&path).output().expect("qpdf is installed by scripts/install-deps");
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));

    let pages = pages(&path);
    assert!(pages.len() >= 2, "the whole questionnaire takes more than a page");
    // Wrapped lines joined again, so that a sentence broken across lines is found whole.
    let all = pages.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    for text in [
        "Badanie satysfakcji klienta",
        "Urząd Gminy Książki",
        "Badanie jest anonimowe – odpowiedzi prezentujemy wyłącznie w zbiorczych zestawieniach.",
        "https://ksiazki.example.pl/ksiazki/",
        "Administratorem danych osobowych jest Urząd Gminy Książki. Pełna informacja: https://ksiazki.example.pl/ksiazki/prywatnosc",
        "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie? (wymagane)",
        "1 Urząd Stanu Cywilnego",
        "3 inna",
        "0 nie dotyczy / nie mam zdania",
        "Metryczka",
        "wolę nie podawać",
        "Zgodność z przepisami",
        "Strona 1 z",
    ] {
        assert!(all.contains(text), "the sheet lacks „{text}” in:\n{}", pages[0]);
    }
    // Every question starts on exactly one page (its options are laid out in the same block, which the
    // layout never splits). Keep a copy to look at when `PRINTOUT_SAMPLE` names a file.
    if let Some(sample) = std::env::var_os("PRINTOUT_SAMPLE") {
        std::fs::copy(&path, sample).unwrap();
    }
    let q = default_questionnaire();
    for (n, (_, question)) in q.questions().enumerate() {
        let label = format!("{}. {}", n + 1, question.text.pl.split_whitespace().next().unwrap());
        let starts = |page: &String| page.lines().any(|line| line.trim_start().starts_with(&label));
        let on: Vec<usize> = pages.iter().enumerate().filter(|(_, p)| starts(p)).map(|(i, _)| i).collect();
        assert_eq!(on.len(), 1, "question {label} is on pages {on:?}");
    }
}

#[test]
fn a_batch_numbers_every_sheet() {
    let (_dir, single) = pdf(vec![]);
    let one = pages(&single).len();
    let (_dir2, batch) = pdf(vec!["2026-00001".into(), "2026-00002".into()]);
    let pages = pages(&batch);
    assert_eq!(pages.len(), 2 * one);
    assert!(pages[0].contains("Numer arkusza: 2026-00001"));
    assert!(pages[one].contains("Numer arkusza: 2026-00002"));
}

/// The top-right corner of the first page (where the QR code stands) drawn by poppler at 300 dpi, as
/// grey levels.
fn top_right_corner_pixels(path: &std::path::Path) -> (usize, usize, Vec<u8>) {
    let prefix = path.with_extension("");
    let status = Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "300",
            "-x",
            "1900",
            "-y",
            "0",
            "-W",
            "580",
            "-H",
            "450",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(path)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) is installed by scripts/install-deps");
    assert!(status.success());
    let decoder =
        png::Decoder::new(std::io::BufReader::new(std::fs::File::open(prefix.with_extension("png")).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    // One grey level per pixel, whichever colour type poppler chose (the page is black and white).
    let channels = info.color_type.samples();
    (info.width as usize, info.height as usize, buf.chunks(channels).map(|px| px[0]).collect())
}

#[test]
fn the_qr_code_on_the_sheet_leads_to_the_online_survey_and_the_file_is_small() {
    let (_dir, path) = pdf(vec!["2026-00007".into()]);
    let (width, height, pixels) = top_right_corner_pixels(&path);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the corner");
    let (_meta, content) = grids[0].decode().unwrap();
    assert_eq!(content, "https://ksiazki.example.pl/ksiazki/");
    // The embedded fonts are subsets (assets/fonts/README.md): a sheet stays far below a whole font's size.
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 200_000, "the sheet is {size} bytes");
}

#[test]
fn the_offices_logo_is_printed_on_every_sheet() {
    // A 60 × 30 logo: a red square on the left half, transparent on the right.
    let mut data = Vec::new();
    for _ in 0..30 {
        for x in 0..60 {
            data.extend(if x < 30 { [200, 0, 0, 255] } else { [0, 0, 0, 0] });
        }
    }
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, 60, 30);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header().unwrap().write_image_data(&data).unwrap();
    let logo = sync_server::documents::logo::decode(&png_bytes, "image/png").unwrap();
    let (_dir, path) = pdf_with(vec!["2026-00001".into(), "2026-00002".into()], Some(&logo));
    if let Some(sample) = std::env::var_os("PRINTOUT_LOGO_SAMPLE") {
        std::fs::copy(&path, sample).unwrap();
    }
    let check = Command::new("qpdf").arg("--check").arg(&path).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let list = Command::new("pdfimages").arg("-list").arg(&path).output().unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    // Header lines, then one line per image drawn: the logo on the first page of each of the two sheets.
    let drawn: Vec<&str> = list.lines().skip(2).filter(|l| l.contains(" 60 ") && l.contains(" 30 ")).collect();
    assert_eq!(drawn.len(), 2, "{list}");
    // The heading moved right of the logo, the text is all there.
    let text = pages(&path).join(" ");
    assert!(text.contains("Numer arkusza: 2026-00002"));
}
