//! The report over a year of a busy office: 1,000,000 responses (four channels; web, kiosk touch and paper
//! answers fill in every question, button presses give the overall rating), stored through the same path
//! as kiosk batches (with the report counts kept beside them). Prints the storing rate, the on-screen
//! report's time (every section: ratings, every choice question, departments by area, and the page's
//! SVG charts), the PDF's time (with its vector charts), the XLSX export's time and the peak memory of
//! the report phase.
//! Asserts nothing about speed. Run: `cargo bench -p sync-server --bench report`
//! (`REPORT_BENCH_RESPONSES=100000` for a shorter run; the database takes about 6 GB at a million;
//! `REPORT_BENCH_DIR=DIR` keeps it there and reuses it on the next run instead of storing it again).

// A benchmark's setup may unwrap: a panic is how it reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use survey::{AnswerValue, Channel, QuestionKind, Response};
use sync_server::store::{Incoming, ReportFilter, Store};

/// Peak resident memory since the last reset, in MB (Linux: VmHWM).
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024.0
}

/// Resets the peak to the current resident size (writing 5 to clear_refs, Linux 4.0 and later).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn timed<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        last = Some(work());
        times.push(started.elapsed());
    }
    (median(times), last.unwrap())
}

fn main() {
    let total: usize = std::env::var("REPORT_BENCH_RESPONSES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let temporary = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let dir =
        std::env::var_os("REPORT_BENCH_DIR").map_or_else(|| temporary.path().to_owned(), std::path::PathBuf::from);
    let store = Store::open(&dir).unwrap();
    let departments = ["usc", "podatki", "budownictwo", "ewidencja", "kasa", "sekretariat"];
    let reused = store.office("urzad").is_ok();
    let office = if reused {
        store.office("urzad").unwrap()
    } else {
        let office = store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
        for d in departments {
            store.add_department("urzad", d, &format!("Referat {d}")).unwrap();
        }
        office
    };
    println!("report benchmark: {total} responses over 2025, four channels");
    if !reused {
        store_year(&store, total, &departments);
    }
    let size = std::fs::metadata(store.path()).unwrap().len() as f64 / 1e6;
    println!("database file: {size:.0} MB");

    let year = ReportFilter {
        office_id: office.id,
        from: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
        department: None,
        channels: vec![],
    };
    reset_peak();
    // On screen: the figures (every section: ratings, every choice question, departments by area) and
    // the page's charts drawn as SVG.
    let on_screen = |filter: &ReportFilter| {
        let report = sync_server::documents::report_figures::generate(&store, &office, filter.clone(), 5).unwrap();
        let svg = [
            report.channels_svg(),
            report.distribution_svg(),
            report.quadrant_svg(),
            report.trend_svg(),
            report.heatmap_svg(),
        ];
        (report, svg.iter().map(String::len).sum::<usize>())
    };
    let (screen, (report, svg_bytes)) = timed(5, || on_screen(&year));
    assert_eq!(report.total, total as u64);
    // The new sections are there and full: every choice question, six departments (and "nie podano"
    // when some named none) with their five areas.
    assert!(report.choices.len() >= 8 && report.choices.iter().all(|c| c.shown));
    assert!(report.departments.len() >= 6 && report.departments.iter().all(|d| d.areas.len() == 5));
    println!(
        "on-screen report over the year with every section and {} KB of SVG charts (median of 5): {:.0} ms",
        svg_bytes / 1024,
        screen.as_secs_f64() * 1000.0
    );
    let counts: i64 = rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row("SELECT count(*) FROM tally WHERE office_id = ?1 AND n <> 0", [office.id], |r| r.get(0))
        .unwrap();
    println!("report counts (tally rows, every scope): {counts}");
    let one_department = ReportFilter { department: Some("usc".into()), ..year.clone() };
    let (dept, _) = timed(5, || on_screen(&one_department));
    println!("the same for one department (median of 5): {:.0} ms", dept.as_secs_f64() * 1000.0);
    let (pdf_time, pdf) = timed(3, || {
        let report = sync_server::documents::report_figures::generate(&store, &office, year.clone(), 5).unwrap();
        sync_server::documents::report_pdf::report_pdf(&report, None).unwrap()
    });
    println!(
        "report PDF, generated from the database (median of 3): {:.0} ms, {:.0} KB",
        pdf_time.as_secs_f64() * 1000.0,
        pdf.len() as f64 / 1024.0
    );
    println!("peak memory of the report phase: {:.0} MB", peak_mb());

    let export_at = Instant::now();
    let xlsx = sync_server::documents::export::xlsx(&store, "urzad", &year, &report).unwrap();
    println!(
        "XLSX export of every response: {:.1} s, {:.0} MB (peak memory so far {:.0} MB)",
        export_at.elapsed().as_secs_f64(),
        xlsx.len() as f64 / 1e6,
        peak_mb()
    );
    if let Some(path) = std::env::var_os("REPORT_BENCH_PDF") {
        std::fs::write(path, &pdf).unwrap();
    }
}

/// Stores `total` responses spread over 2025 through the kiosk batch path, and prints the rate.
fn store_year(store: &Store, total: usize, departments: &[&str]) {
    let q = store.current_questionnaire("urzad").unwrap();
    let mut rng = StdRng::seed_from_u64(2026);
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();

    let stored_at = Instant::now();
    let mut batch = Vec::with_capacity(1000);
    for i in 0..total {
        let channel = match i % 20 {
            0..=4 => Channel::Web,
            5..=11 => Channel::KioskTouch,
            12..=16 => Channel::KioskButtons,
            _ => Channel::Paper,
        };
        let mut r = Response::new("urzad", 1, channel);
        // Spread over the year in order (as they arrive), in office hours.
        let day = (i * 365 / total) as i64;
        r.captured_at = start + chrono::Duration::days(day) + chrono::Duration::minutes(rng.gen_range(6 * 60..16 * 60));
        r.answers.insert(q.overall_question.clone(), AnswerValue::Rating(rng.gen_range(1..=5)));
        if channel != Channel::KioskButtons {
            for (_, question) in q.questions() {
                let answer = match &question.kind {
                    QuestionKind::Rating { not_applicable, .. } if *not_applicable && rng.gen_ratio(1, 20) => {
                        AnswerValue::NotApplicable
                    }
                    QuestionKind::Rating { .. } => AnswerValue::Rating(rng.gen_range(1..=5)),
                    QuestionKind::SingleChoice { options } => {
                        AnswerValue::Choice(options[rng.gen_range(0..options.len())].key.as_str().to_owned())
                    }
                    QuestionKind::MultipleChoice { options } => {
                        AnswerValue::Choices(vec![options[rng.gen_range(0..options.len())].key.as_str().to_owned()])
                    }
                    QuestionKind::Department => {
                        AnswerValue::Choice(departments[rng.gen_range(0..departments.len())].to_owned())
                    }
                    QuestionKind::FreeText { .. } if rng.gen_ratio(1, 30) => {
                        AnswerValue::Text("Proszę o dłuższe godziny pracy w czwartki.".into())
                    }
                    QuestionKind::FreeText { .. } => continue,
                };
                r.answers.entry(question.key.clone()).or_insert(answer);
            }
        }
        batch.push(r);
        if batch.len() == 1000 || i + 1 == total {
            let items: Vec<Incoming<'_>> = batch.iter().map(Incoming::as_given).collect();
            store.record_batch(&items).unwrap();
            batch.clear();
        }
    }
    let storing = stored_at.elapsed();
    println!(
        "stored {total} responses in {:.1} s ({:.0} responses/s, batches of 1000, synchronous=FULL)",
        storing.as_secs_f64(),
        total as f64 / storing.as_secs_f64()
    );
}
