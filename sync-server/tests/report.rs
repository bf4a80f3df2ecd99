//! The measurement report against a fixed data set whose figures are computed by hand: the period and
//! the previous one, the department breakdown with small-cell suppression, matters settled, answers to
//! two questionnaire versions, and the walk over the period's responses the CSV export is written from.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::documents::report_figures::{ReportInput, build};
use sync_server::ingest::ingest;
use sync_server::store::{NewAdmin, ReportFiles, ReportFilter, Store};

fn key(k: &str) -> QuestionKey {
    QuestionKey::parse(k).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn answer(version: u32, at: (i32, u32, u32), overall: u8, dept: Option<&str>, settled: Option<&str>) -> Response {
    let mut r = Response::new("urzad", version, Channel::Web);
    r.captured_at = Utc.with_ymd_and_hms(at.0, at.1, at.2, 10, 0, 0).unwrap();
    r.answers.insert(key("ogolna_ocena"), AnswerValue::Rating(overall));
    if let Some(d) = dept {
        r.answers.insert(key("komorka"), AnswerValue::Choice(d.into()));
    }
    if let Some(s) = settled {
        r.answers.insert(key("sprawa_zalatwiona"), AnswerValue::Choice(s.into()));
    }
    r
}

fn data() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let office = store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    store.add_department("urzad", "usc", "Urząd Stanu Cywilnego").unwrap();
    store.add_department("urzad", "podatki", "Referat Podatków").unwrap();
    // Period 2026-01-01 – 2026-03-31 (90 days): usc 5, 4, 4, 5, 3; podatki 2, 1; not named 4.
    let now = [
        answer(1, (2026, 1, 5), 5, Some("usc"), Some("tak")),
        answer(1, (2026, 1, 20), 4, Some("usc"), Some("tak")),
        answer(1, (2026, 2, 3), 4, Some("usc"), Some("nie")),
        answer(1, (2026, 2, 14), 5, Some("usc"), Some("tak")),
        answer(1, (2026, 3, 1), 3, Some("usc"), None),
        answer(1, (2026, 3, 2), 2, Some("podatki"), None),
        answer(1, (2026, 3, 30), 1, Some("podatki"), None),
    ];
    for r in &now {
        ingest(&store, r).unwrap();
    }
    // The previous 90 days (2025-10-03 – 2025-12-31): 3 and 3; 2025-10-02 is before it. And one answer after the period.
    for r in [
        answer(1, (2025, 10, 2), 1, None, None),
        answer(1, (2025, 10, 3), 3, None, None),
        answer(1, (2025, 12, 31), 3, None, None),
        answer(1, (2026, 4, 1), 1, None, None),
    ] {
        ingest(&store, &r).unwrap();
    }
    // A new version (the draft of the default questionnaire published as version 2), then one answer to it.
    let hash = sync_server::password::hash("Bardzo-Dlugie-Haslo-1").unwrap();
    store.create_admin(&NewAdmin { login: "a", password_hash: &hash, office_slug: Some("urzad") }).unwrap();
    store.save_draft(office.id, "a", &survey::default_questionnaire::default_questionnaire(), "test").unwrap();
    store.publish_draft(office.id, "a", &ReportFiles { figures: "{}", pdf: b"" }).unwrap();
    let mut v2 = answer(2, (2026, 3, 31), 4, None, None);
    v2.answers.insert(key("inne_uwagi"), AnswerValue::Text("=HYPERLINK(\"http://zly.example\")".into()));
    ingest(&store, &v2).unwrap();
    (dir, store)
}

#[test]
fn the_report_matches_figures_computed_by_hand() {
    let (_dir, store) = data();
    let office = store.office("urzad").unwrap();
    let filter = ReportFilter {
        office_id: office.id,
        from: day(2026, 1, 1),
        to: day(2026, 3, 31),
        department: None,
        channels: vec![],
    };
    let before = ReportFilter { from: day(2025, 10, 3), to: day(2025, 12, 31), ..filter.clone() };
    let now = store.period_counts(&filter, "ogolna_ocena").unwrap();
    let previous = store.period_counts(&before, "ogolna_ocena").unwrap();
    let departments = vec![
        ("usc".to_string(), "Urząd Stanu Cywilnego".to_string()),
        ("podatki".to_string(), "Referat Podatków".to_string()),
    ];
    let questionnaire = store.current_questionnaire("urzad").unwrap();
    let versions: Vec<_> = now.versions.iter().map(|v| store.questionnaire_version("urzad", *v).unwrap()).collect();
    let keys: Vec<Option<String>> = now.overall_by_department.keys().cloned().collect();
    let department_ratings = store.period_department_ratings(&filter, &keys).unwrap();
    let report = |threshold| {
        build(ReportInput {
            capture_times_replaced: 0,
            office: "Urząd Gminy Testowo",
            from: filter.from,
            to: filter.to,
            scope: "wszystko".into(),
            questionnaire: &questionnaire,
            departments: &departments,
            now: &now,
            before: &previous,
            versions: &versions,
            department_ratings: &department_ratings,
            comments: store.period_comments(&filter, 10).unwrap(),
            filtered_presses: vec![("too_soon".into(), 9)],
            threshold,
        })
    };
    let r = report(5);

    // Overall: 5, 4, 4, 5, 3, 2, 1 and 4 (version 2) → n 8, sum 28, mean 3.5; satisfied 5/8, neutral 1/8,
    // dissatisfied 2/8; index (3.5 − 1) × 25 = 62.5. The previous period: 3, 3 → 3.0; change +0.50.
    assert_eq!(r.total, 8);
    assert_eq!(r.previous_total, 2);
    assert_eq!((r.previous_from.as_str(), r.previous_to.as_str()), ("2025-10-03", "2025-12-31"));
    assert_eq!(r.overall.n, 8);
    assert_eq!(r.overall.distribution, [1, 1, 1, 3, 2]);
    assert_eq!(r.overall.mean, Some(3.5));
    assert_eq!(r.overall.satisfied, Some(62.5));
    assert_eq!(r.overall.neutral, Some(12.5));
    assert_eq!(r.overall.dissatisfied, Some(25.0));
    assert_eq!(r.overall.index, Some(62.5));
    assert_eq!((r.overall.mean_text().as_str(), r.overall.satisfied_text().as_str()), ("3,50", "62,5"));
    assert_eq!(r.overall_change, Some(0.5));
    assert_eq!(r.overall_change_text(), "+0,50");

    // Departments: USC has 5 answers (mean 21/5 = 4.2), Podatki 2 (suppressed), 1 not named (suppressed).
    let dept = |name: &str| r.departments.iter().find(|d| d.name == name).unwrap();
    assert_eq!(dept("Urząd Stanu Cywilnego").figures.as_ref().unwrap().mean, Some(4.2));
    assert!(dept("Referat Podatków").figures.is_none(), "2 answers: below the threshold");
    assert!(dept("nie podano").figures.is_none());

    // Matters settled: tak 3, nie 1 of 4 → with a threshold of 1 (nothing hidden): 75 % and 25 %; "sprawa w
    // toku" nobody.
    let settled = |r: &sync_server::documents::report_figures::Report| {
        let table = r.choices.iter().find(|c| c.question.starts_with("Czy udało się")).unwrap().clone();
        table.rows.iter().map(|row| (row.label.clone(), row.count, row.percent)).collect::<Vec<_>>()
    };
    assert_eq!(
        settled(&report(1)),
        vec![
            ("tak".to_string(), Some(3), Some(75.0)),
            ("nie".to_string(), Some(1), Some(25.0)),
            ("sprawa w toku".to_string(), Some(0), Some(0.0))
        ]
    );
    // With the threshold of 5 fewer than 5 answered at all: the whole table is withheld.
    assert!(settled(&r).iter().all(|(_, n, p)| n.is_none() && p.is_none()));
    // Monthly trend: January 5, 4 → 4.5; February 4, 5 → 4.5; March 3, 2, 1, 4 → 2.5. Each month has fewer
    // than 5 answers, so under the threshold of 5 each is suppressed; with a threshold of 2 they show.
    assert!(r.months.iter().all(|(_, f)| f.is_none()), "months below the threshold are suppressed");
    assert_eq!(
        report(2).months.iter().map(|(m, f)| (m.as_str(), f.as_ref().unwrap().mean_text())).collect::<Vec<_>>(),
        [("2026-01", "4,50".to_string()), ("2026-02", "4,50".to_string()), ("2026-03", "2,50".to_string())]
    );
    // Two versions answered: the report says how questions are matched.
    assert!(r.versions_note.as_ref().unwrap().contains("wersje ankiety 1, 2"));
    assert_eq!(r.filtered_presses, vec![("za szybko po poprzednim naciśnięciu".to_string(), 9)]);

    // Only USC: the same figures restricted to its five answers.
    let usc = store
        .period_counts(&ReportFilter { department: Some("usc".into()), ..filter.clone() }, "ogolna_ocena")
        .unwrap();
    assert_eq!(usc.by_channel.values().sum::<u64>(), 5);
}

#[test]
fn the_export_walks_every_response_of_the_period() {
    let (_dir, store) = data();
    let office = store.office("urzad").unwrap();
    let filter = ReportFilter {
        office_id: office.id,
        from: day(2026, 1, 1),
        to: day(2026, 3, 31),
        department: None,
        channels: vec![],
    };
    let mut ids = Vec::new();
    store.for_each_response(&filter, |r| ids.push(r.id)).unwrap();
    assert_eq!(ids.len(), 8);
}

#[test]
fn filtered_presses_of_the_period_are_counted_beside_the_answers() {
    let (_dir, store) = data();
    let office = store.office("urzad").unwrap();
    let code = store.enroll_device(office.id, "a", "wyjscie").unwrap();
    let (device, _token) = store.pair_device(&code).unwrap().unwrap();
    let press = |day: u32, reason| survey::wire::FilteredPress {
        id: uuid::Uuid::now_v7(),
        captured_at: Utc.with_ymd_and_hms(2026, 2, day, 9, 0, 0).unwrap(),
        button: 1,
        reason,
    };
    use survey::wire::FilterReason::{Burst, TooSoon};
    let presses = [press(1, TooSoon), press(1, TooSoon), press(2, Burst)];
    let counted: Vec<_> = presses.iter().map(|p| (p, p.captured_at)).collect();
    store.record_filtered_presses(&device, &counted).unwrap();
    let filter = ReportFilter {
        office_id: office.id,
        from: day(2026, 2, 1),
        to: day(2026, 2, 1),
        department: None,
        channels: vec![],
    };
    assert_eq!(store.period_filtered_presses(&filter).unwrap(), vec![("too_soon".to_string(), 2)]);
}

fn quarter(store: &Store) -> ReportFilter {
    ReportFilter {
        office_id: store.office("urzad").unwrap().id,
        from: day(2026, 1, 1),
        to: day(2026, 3, 31),
        department: None,
        channels: vec![],
    }
}

#[test]
fn days_and_hours_are_the_offices_local_time() {
    let (_dir, store) = data();
    // 23:30 UTC on 31 March is 01:30 on 1 April in Warsaw (summer time): outside the quarter. 23:30 UTC on
    // 31 December is 00:30 on 1 January (winter time): inside it, in January.
    let mut late_march = answer(2, (2026, 3, 31), 5, None, None);
    late_march.captured_at = Utc.with_ymd_and_hms(2026, 3, 31, 23, 30, 0).unwrap();
    let mut new_year = answer(2, (2025, 12, 31), 1, None, None);
    new_year.captured_at = Utc.with_ymd_and_hms(2025, 12, 31, 23, 30, 0).unwrap();
    ingest(&store, &late_march).unwrap();
    ingest(&store, &new_year).unwrap();
    let counts = store.period_counts(&quarter(&store), "ogolna_ocena").unwrap();
    assert_eq!(counts.by_channel.values().sum::<u64>(), 9, "8 as before, plus the new-year answer");
    assert_eq!(counts.overall_by_month["2026-01"].distribution, [1, 0, 0, 1, 1]);
    let mut ids = Vec::new();
    store.for_each_response(&quarter(&store), |r| ids.push(r.id)).unwrap();
    assert!(ids.contains(&new_year.id) && !ids.contains(&late_march.id), "the export uses the same days");
}

#[test]
fn complete_and_incomplete_responses_and_the_kiosk_hours_are_counted() {
    let (_dir, store) = data();
    let q = store.current_questionnaire("urzad").unwrap();
    // A complete kiosk answer: every rating question answered, one of them "nie dotyczy"; Tuesday
    // 2026-03-03 at 08:15 Warsaw (07:15 UTC). A buttons answer (overall only) on the same day at 14:05.
    let mut full = Response::new("urzad", 2, Channel::KioskTouch);
    full.captured_at = Utc.with_ymd_and_hms(2026, 3, 3, 7, 15, 0).unwrap();
    for (_, question) in q.questions() {
        if matches!(question.kind, survey::QuestionKind::Rating { .. }) {
            full.answers.insert(question.key.clone(), AnswerValue::Rating(4));
        }
    }
    full.answers.insert(key("wizerunek_waznosc"), AnswerValue::NotApplicable);
    assert!(survey::scoring::is_complete(&q, &full.answers));
    let mut press = Response::new("urzad", 2, Channel::KioskButtons);
    press.captured_at = Utc.with_ymd_and_hms(2026, 3, 3, 13, 5, 0).unwrap();
    press.answers.insert(key("ogolna_ocena"), AnswerValue::Rating(5));
    ingest(&store, &full).unwrap();
    ingest(&store, &press).unwrap();

    let counts = store.period_counts(&quarter(&store), "ogolna_ocena").unwrap();
    let kiosk = counts.completeness[&Channel::KioskTouch];
    assert_eq!((kiosk.complete, kiosk.incomplete), (1, 0));
    let buttons = counts.completeness[&Channel::KioskButtons];
    assert_eq!((buttons.complete, buttons.incomplete), (0, 1));
    // The eight web answers of the data set answer only the overall question.
    let web = counts.completeness[&Channel::Web];
    assert_eq!((web.complete, web.incomplete), (0, 8));
    // Tuesday is weekday 1; web answers are not on the kiosk map.
    assert_eq!(counts.kiosk_hours[1][8], 1);
    assert_eq!(counts.kiosk_hours[1][14], 1);
    assert_eq!(counts.kiosk_hours.iter().flatten().sum::<u64>(), 2);
    assert_eq!(counts.items[&key("wizerunek_waznosc")].not_applicable, 1);
}

#[test]
fn corrections_and_withdrawals_keep_the_counts_equal_to_a_recount() {
    let (_dir, store) = data();
    let office = store.office("urzad").unwrap();
    let mut sheet = answer(2, (2026, 2, 10), 2, Some("podatki"), Some("nie"));
    sheet.channel = Channel::Paper;
    sheet.paper_serial = Some("2026-00001".into());
    ingest(&store, &sheet).unwrap();
    assert!(store.report_counts_agree().unwrap());

    // Corrected to another department, rating and day, then another answer withdrawn.
    let mut corrected = sheet.clone();
    corrected.answers.insert(key("ogolna_ocena"), AnswerValue::Rating(5));
    corrected.answers.insert(key("komorka"), AnswerValue::Choice("usc".into()));
    corrected.captured_at = Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap();
    store.correct_response(office.id, "a", &corrected).unwrap();
    let january = Utc.with_ymd_and_hms(2026, 1, 20, 10, 0, 0).unwrap();
    let withdrawn = store.responses_of("urzad").unwrap().into_iter().find(|r| r.captured_at == january).unwrap();
    assert!(store.withdraw_response(office.id, "a", &withdrawn.id.to_string()).unwrap());
    assert!(store.report_counts_agree().unwrap());

    let counts = store.period_counts(&quarter(&store), "ogolna_ocena").unwrap();
    // 8 web answers, one withdrawn (20 January: 4), plus the corrected sheet (5, USC, March).
    assert_eq!(counts.by_channel[&Channel::Web], 7);
    assert_eq!(counts.by_channel[&Channel::Paper], 1);
    assert_eq!(counts.overall_by_department[&Some("usc".to_string())].distribution, [0, 0, 1, 1, 3]);
    assert_eq!(counts.overall_by_department[&Some("podatki".to_string())].distribution, [1, 1, 0, 0, 0]);
    assert_eq!(counts.overall_by_month["2026-02"].distribution, [0, 0, 0, 1, 1]);
}
