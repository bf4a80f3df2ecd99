//! The report's sections beyond the ratings, against a fixed data set whose figures are worked out by
//! hand in the comments: every choice question of the period's versions (the respondent profile, and a
//! multiple-choice question added in a new version with no code change), small-cell suppression per
//! cell with its complementary rule, departments by area, and the PDF's text kept inside the page (read
//! back with `pdftotext -bbox`).

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use survey::{AnswerValue, Channel, ChoiceOption, LocalizedText, Question, QuestionKey, QuestionKind, Response};
use sync_server::documents::report_figures::{ChoiceTable, Report, generate};
use sync_server::ingest::ingest;
use sync_server::store::{NewAdmin, ReportFiles, ReportFilter, Store};

fn key(k: &str) -> QuestionKey {
    QuestionKey::parse(k).unwrap()
}

fn text(pl: &str) -> LocalizedText {
    LocalizedText { pl: pl.into(), en: pl.into(), uk: pl.into() }
}

/// A web response on `day` of March 2026 with the overall rating and the given answers.
fn response(version: u32, day: u32, overall: u8, answers: &[(&str, AnswerValue)]) -> Response {
    let mut r = Response::new("urzad", version, Channel::Web);
    r.captured_at = Utc.with_ymd_and_hms(2026, 3, day, 10, 0, 0).unwrap();
    r.answers.insert(key("ogolna_ocena"), AnswerValue::Rating(overall));
    for (k, v) in answers {
        r.answers.insert(key(k), v.clone());
    }
    r
}

fn choice(v: &str) -> AnswerValue {
    AnswerValue::Choice(v.into())
}

const LONG_WORD: &str = "Zdecydowanie";

/// The data set (all in March 2026):
/// - version 1 (the default questionnaire), Referat Podatków, 5 responses: overall 2, 3, 4, 4, 2;
///   "Lokalizacja urzędu" 3 from each; women 3, men 2.
/// - one response naming no department: overall 1, a woman.
/// - version 2 adds the multiple-choice "Cel wizyty"; USC, 6 responses: overall 5, 5, 4, 4, 3, 5;
///   "Lokalizacja" 5, 4, 4, 5, 3, 4; "Wiedza merytoryczna" from two of them (5, 4); women 3, men 2 (one
///   says nothing); purpose: documents and information ×3, documents only ×2, nothing ×1.
fn data() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let office = store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    store.add_department("urzad", "usc", "Urząd Stanu Cywilnego").unwrap();
    store.add_department("urzad", "podatki", "Referat Podatków").unwrap();
    for (i, (overall, sex)) in
        [(2, "kobieta"), (3, "kobieta"), (4, "kobieta"), (4, "mezczyzna"), (2, "mezczyzna")].into_iter().enumerate()
    {
        let r = response(
            1,
            2 + i as u32,
            overall,
            &[("komorka", choice("podatki")), ("lokalizacja", AnswerValue::Rating(3)), ("plec", choice(sex))],
        );
        ingest(&store, &r).unwrap();
    }
    let mut lone = response(1, 9, 1, &[("plec", choice("kobieta"))]);
    // Comments the PDF must keep inside its page: 200 characters with no space, and a long address.
    lone.answers.insert(key("co_poprawic"), AnswerValue::Text(LONG_WORD.repeat(17).chars().take(200).collect()));
    lone.answers.insert(
        key("inne_uwagi"),
        AnswerValue::Text(format!(
            "Zobacz https://bip.testowo.example.gov.pl/{}/formularze?strona=12&sortuj=malejaco i popraw.",
            "katalog-dokumentow-do-pobrania".repeat(4)
        )),
    );
    ingest(&store, &lone).unwrap();

    // Version 2: the default questionnaire with a multiple-choice question added to the visit section.
    let hash = sync_server::password::hash("Bardzo-Dlugie-Haslo-1").unwrap();
    store.create_admin(&NewAdmin { login: "a", password_hash: &hash, office_slug: Some("urzad") }).unwrap();
    let mut draft = survey::default_questionnaire::default_questionnaire();
    let options = ["dokumenty", "podatki", "informacja"]
        .iter()
        .map(|k| ChoiceOption { key: key(k), label: text(&format!("cel: {k}")) })
        .collect();
    draft.sections[0].questions.push(Question {
        key: key("cel_wizyty"),
        text: text("W jakim celu przyszedł Pan / przyszła Pani do urzędu?"),
        required: false,
        kind: QuestionKind::MultipleChoice { options },
    });
    store.save_draft(office.id, "a", &draft, "test").unwrap();
    let (version, _) = store.publish_draft(office.id, "a", &ReportFiles { figures: "{}", pdf: b"" }).unwrap();
    assert_eq!(version, 2);
    let usc = [
        (5, 5, Some(5), Some("kobieta"), &["dokumenty", "informacja"][..]),
        (5, 4, Some(4), Some("kobieta"), &["dokumenty", "informacja"][..]),
        (4, 4, None, Some("kobieta"), &["dokumenty", "informacja"][..]),
        (4, 5, None, Some("mezczyzna"), &["dokumenty"][..]),
        (3, 3, None, Some("mezczyzna"), &["dokumenty"][..]),
        (5, 4, None, None, &[][..]),
    ];
    for (i, (overall, place, knowledge, sex, purposes)) in usc.into_iter().enumerate() {
        let mut answers = vec![("komorka", choice("usc")), ("lokalizacja", AnswerValue::Rating(place))];
        if let Some(k) = knowledge {
            answers.push(("wiedza", AnswerValue::Rating(k)));
        }
        if let Some(s) = sex {
            answers.push(("plec", choice(s)));
        }
        if !purposes.is_empty() {
            answers.push(("cel_wizyty", AnswerValue::Choices(purposes.iter().map(|p| (*p).to_owned()).collect())));
        }
        ingest(&store, &response(2, 10 + i as u32, overall, &answers)).unwrap();
    }
    (dir, store)
}

fn march(store: &Store) -> ReportFilter {
    ReportFilter {
        office_id: store.office("urzad").unwrap().id,
        from: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        department: None,
        channels: vec![],
    }
}

fn report(store: &Store, threshold: u64) -> Report {
    generate(store, &store.office("urzad").unwrap(), march(store), threshold).unwrap()
}

fn table<'r>(r: &'r Report, question: &str) -> &'r ChoiceTable {
    r.choices.iter().find(|c| c.question.starts_with(question)).unwrap_or_else(|| panic!("no table {question}"))
}

fn cells(t: &ChoiceTable) -> Vec<(&str, Option<u64>, Option<f64>)> {
    t.rows.iter().map(|row| (row.label.as_str(), row.count, row.percent.map(|p| (p * 100.0).round() / 100.0))).collect()
}

#[test]
fn every_choice_question_of_the_period_is_counted_with_its_percentages() {
    let (_dir, store) = data();
    let r = report(&store, 5);
    // Every choice question of the questionnaire, in the order asked: the visit's four (with the one the
    // new version added), the four of the profile.
    let asked: Vec<&str> = r.choices.iter().map(|c| c.question.as_str()).collect();
    assert_eq!(asked.len(), 9, "{asked:?}");
    assert!(asked[0].starts_with("W której komórce"), "{asked:?}");
    assert!(asked.contains(&"W jakim celu przyszedł Pan / przyszła Pani do urzędu?"));

    // Sex: 11 answered (one did not): women 3 + 1 + 3 = 7 (63.64 %), men 2 + 2 = 4: below 5, hidden. One
    // hidden cell of a table that adds up to the 11 shown: the smallest shown cell ("wolę nie podawać", 0)
    // is hidden with it, so 11 − 7 no longer gives the men's count.
    let sex = table(&r, "Płeć");
    assert!(!sex.multiple);
    assert_eq!((sex.base, sex.shown), (11, true));
    assert_eq!(
        cells(sex),
        vec![("kobieta", Some(7), Some(63.64)), ("mężczyzna", None, None), ("wolę nie podawać", None, None)]
    );

    // Departments as a choice question: USC 6 of 11 (54.55 %), Podatki 5 (45.45 %), "inna" nobody; the
    // one response naming none is not among the 11 answers.
    let departments = table(&r, "W której komórce");
    assert_eq!(departments.base, 11);
    assert_eq!(
        cells(departments),
        vec![
            ("Urząd Stanu Cywilnego", Some(6), Some(54.55)),
            ("Referat Podatków", Some(5), Some(45.45)),
            ("inna", Some(0), Some(0.0))
        ]
    );

    // Purpose (multiple choice, only in version 2): asked of USC's 6 respondents; documents 5 (83.33 %),
    // information 3 (hidden: below 5; no companion, since the cells add up to no total shown), taxes 0.
    let purpose = table(&r, "W jakim celu");
    assert!(purpose.multiple);
    assert_eq!(purpose.base, 6);
    assert_eq!(
        cells(purpose),
        vec![
            ("cel: dokumenty", Some(5), Some(83.33)),
            ("cel: podatki", Some(0), Some(0.0)),
            ("cel: informacja", None, None)
        ]
    );

    // A threshold of 1 hides nothing, and the multiple choice's percentages then add up to over 100 %.
    let open = report(&store, 1);
    let purpose = table(&open, "W jakim celu");
    assert_eq!(cells(purpose)[2], ("cel: informacja", Some(3), Some(50.0)));
    assert!(purpose.rows.iter().filter_map(|r| r.percent).sum::<f64>() > 100.0);
    assert_eq!(cells(table(&open, "Płeć"))[1], ("mężczyzna", Some(4), Some(36.36)));

    // Fewer answers than the threshold at all: the table is withheld whole ("Czy udało się…" nobody).
    let settled = table(&r, "Czy udało się");
    assert_eq!((settled.base, settled.shown), (0, false));
}

#[test]
fn departments_show_their_areas_each_cell_suppressed_on_its_own() {
    let (_dir, store) = data();
    let r = report(&store, 5);
    let area = |title: &str| r.areas.iter().position(|a| a.title == title).unwrap();
    let (image, competence) = (area("Wizerunek Urzędu"), area("Kompetencje urzędników"));
    let row = |name: &str| r.departments.iter().find(|d| d.name == name).unwrap();
    let usc = row("Urząd Stanu Cywilnego");
    let taxes = row("Referat Podatków");
    let none = row("nie podano");

    // Overall: USC 6 (mean 26/6 = 4.33), Podatki 5, not named 1. The one hidden cell (1) would be the total
    // 12 minus 6 minus 5, so the smallest shown one (Podatki, 5) is hidden with it.
    assert_eq!(usc.figures.as_ref().unwrap().n, 6);
    assert!((usc.figures.as_ref().unwrap().mean.unwrap() - 26.0 / 6.0).abs() < 1e-9);
    assert!(taxes.figures.is_none(), "complementary suppression");
    assert!(none.figures.is_none(), "one response");

    // Image: USC's six rated the location 5, 4, 4, 5, 3, 4 → 25/6; Podatki's five 3 each → 3.0.
    assert_eq!(usc.areas.len(), r.areas.len());
    let usc_image = usc.areas[image].as_ref().unwrap();
    assert_eq!(usc_image.n, 6);
    assert!((usc_image.mean.unwrap() - 25.0 / 6.0).abs() < 1e-9);
    assert_eq!(taxes.areas[image].as_ref().unwrap().mean, Some(3.0));
    // Competence: only two of USC rated it (two ratings): hidden, though USC's overall is shown.
    assert!(usc.areas[competence].is_none());
    // Nobody of Podatki rated it: shown as no figure ("–"), not as a suppressed cell.
    let nobody = taxes.areas[competence].as_ref().unwrap();
    assert_eq!((nobody.n, nobody.mean_text().as_str()), (0, "–"));
    // With a threshold of 2 the two ratings (5 and 4) show: 4.5.
    let low = report(&store, 2);
    let usc_low = low.departments.iter().find(|d| d.name == "Urząd Stanu Cywilnego").unwrap();
    assert_eq!(usc_low.areas[competence].as_ref().unwrap().mean, Some(4.5));
}

#[test]
fn the_page_and_the_pdf_show_the_new_sections_and_charts() {
    let (_dir, store) = data();
    let r = report(&store, 5);
    // The charts of the page are SVG that parses, each named by its title and description.
    for svg in [r.channels_svg(), r.distribution_svg(), r.trend_svg(), r.heatmap_svg()] {
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let ids: Vec<&str> = root.attribute("aria-labelledby").unwrap().split(' ').collect();
        for id in ids {
            let named = doc.descendants().find(|n| n.attribute("id") == Some(id)).unwrap();
            assert!(!named.text().unwrap_or("").trim().is_empty(), "{id} is empty");
        }
    }
    // The channel bars carry the table's numbers: 12 web answers, none elsewhere.
    let channels = roxmltree::Document::parse(&r.channels_svg())
        .unwrap()
        .descendants()
        .filter_map(|n| n.attribute("data-value").map(str::to_owned))
        .collect::<Vec<_>>();
    let expected: Vec<String> = r.by_channel.iter().map(|(_, n)| n.to_string()).collect();
    assert_eq!(channels, expected);
    assert!(r.by_channel.iter().any(|(_, n)| *n == 12));
}

/// Words of a PDF with their boxes, from `pdftotext -bbox`: (page width, page height, word, xMin, yMin,
/// xMax, yMax).
fn words(pdf: &[u8]) -> Vec<(f64, f64, String, [f64; 4])> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raport.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg("-bbox").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed");
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    let mut page = (0.0, 0.0);
    let mut found = Vec::new();
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            page = (attr(line, "width"), attr(line, "height"));
        } else if line.starts_with("<word ") {
            let word = line.split('>').nth(1).unwrap().split('<').next().unwrap().to_owned();
            let bbox = [attr(line, "xMin"), attr(line, "yMin"), attr(line, "xMax"), attr(line, "yMax")];
            found.push((page.0, page.1, word, bbox));
        }
    }
    found
}

#[test]
fn every_word_of_the_pdf_is_inside_its_page_even_long_comments() {
    let (_dir, store) = data();
    let r = report(&store, 5);
    let pdf = sync_server::documents::report_pdf::report_pdf(&r, Some("Wnioski: więcej miejsc parkingowych.")).unwrap();
    let found = words(&pdf);
    assert!(found.len() > 200, "too few words read back: {}", found.len());
    for (width, height, word, [x0, y0, x1, y1]) in &found {
        assert!(
            *x0 >= 0.0 && *y0 >= 0.0 && x1 <= width && y1 <= height,
            "{word} at {x0},{y0}–{x1},{y1} outside {width}×{height}"
        );
        // Inside the margins too (18 mm = 51 pt; a little for the font's side bearings).
        assert!(*x1 <= width - 50.0, "{word} runs into the right margin: {x1} of {width}");
    }
    // The comment without spaces is all there, broken into pieces across lines.
    let text: String = found.iter().map(|(_, _, w, _)| w.as_str()).collect();
    let comment: String = LONG_WORD.repeat(17).chars().take(200).collect();
    assert!(text.contains(&comment), "the long comment is not complete in the PDF");
    // The new sections are in it.
    for phrase in ["Pytaniawyboruimetryczka", "Komórki:ogólnaocenaiobszary", "Płeć", "Indeksogólnejoceny"] {
        assert!(text.contains(phrase), "{phrase} missing");
    }
}
