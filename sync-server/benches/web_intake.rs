//! What one complete web survey costs the server: the resident opens the form (GET) and sends every
//! question of the default questionnaire answered (POST), through real HTTP on loopback, to the real
//! `sync-server` program (its own process, so its CPU time is its own), storing into a real SQLite file
//! with `synchronous=FULL`. Beside it, in the same run, the CPU cost of raw inserts of the same rows
//! (response and answer rows, no checks, no counts, no HTTP), committed in groups as the server commits.
//! Prints the server's CPU per submission, the raw cost per response and their ratio; asserts nothing
//! about speed. Run: `cargo bench -p sync-server --bench web_intake`.
//!
//! For repeatable figures on a loaded machine, instruction counts instead of CPU time:
//! `WEB_INTAKE_SUBMISSIONS=300 WEB_INTAKE_SERVER_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=/tmp/server.cg"`
//! runs the server under the given command (split at spaces); the raw inserts are counted the same way
//! by running the benchmark itself under `valgrind --tool=callgrind --toggle-collect='*raw_inserts*'`.

// A benchmark's setup may unwrap: a panic is how it reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use rusqlite::params;
use survey::default_questionnaire::default_questionnaire;
use survey::{Question, QuestionKind};
use sync_server::store::{DB_FILE, NewAdmin, Store};

/// Submissions by default; `WEB_INTAKE_SUBMISSIONS` sets another number (a run under valgrind).
const DEFAULT_SUBMISSIONS: usize = 3000;
const CLIENTS: usize = 16;
/// Group size of the raw inserts: about what the group commit gathers under this load.
const RAW_GROUP: usize = 16;

/// User plus system CPU time of a process (`/proc/PID/stat`, clock ticks of 10 ms).
fn cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) start at the closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

/// The form fields answering `question`, as a browser sends them.
fn fields(question: &Question, i: usize) -> Vec<(String, String)> {
    let name = format!("q_{}", question.key.as_str());
    let values: Vec<String> = match &question.kind {
        QuestionKind::Rating { .. } => vec![(1 + i % 5).to_string()],
        QuestionKind::SingleChoice { options } => vec![options[i % options.len()].key.as_str().to_owned()],
        QuestionKind::MultipleChoice { options } => {
            let mut chosen = vec![options[i % options.len()].key.as_str().to_owned()];
            let second = options[(i + 1) % options.len()].key.as_str().to_owned();
            if second != chosen[0] {
                chosen.push(second);
            }
            chosen
        }
        QuestionKind::Department => vec![survey::questionnaire::OTHER_DEPARTMENT.to_owned()],
        QuestionKind::FreeText { .. } => vec!["Więcej ławek w poczekalni i dłuższe godziny w czwartki.".to_owned()],
    };
    values.into_iter().map(|v| (name.clone(), v)).collect()
}

/// Each resident from an address of their own (the per-client limit stays on).
fn client(i: usize) -> String {
    format!("10.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256)
}

/// Runs `work` on [`CLIENTS`] threads, each with its own keep-alive connection; the results by client.
fn run_clients<T: Send + 'static>(work: impl Fn(usize, &ureq::Agent) -> T + Send + Sync + 'static) -> Vec<T> {
    let work = std::sync::Arc::new(work);
    let threads: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let work = std::sync::Arc::clone(&work);
            std::thread::spawn(move || {
                let agent: ureq::Agent =
                    ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
                work(c, &agent)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap() + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
        // An account exists, so the program's first start creates none (no password hashing in the run).
        let hash = sync_server::password::hash("Haslo-Do-Pomiaru-1").unwrap();
        store.create_admin(&NewAdmin { login: "pomiar", password_hash: &hash, office_slug: Some("urzad") }).unwrap();
    }
    let submissions: usize =
        std::env::var("WEB_INTAKE_SUBMISSIONS").map_or(DEFAULT_SUBMISSIONS, |n| n.parse().unwrap());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let wrapper = std::env::var("WEB_INTAKE_SERVER_WRAPPER").unwrap_or_default();
    let mut command = match wrapper.split_whitespace().collect::<Vec<_>>().split_first() {
        Some((program, args)) => {
            let mut command = std::process::Command::new(program);
            command.args(args).arg(env!("CARGO_BIN_EXE_sync-server"));
            command
        }
        None => std::process::Command::new(env!("CARGO_BIN_EXE_sync-server")),
    };
    let mut server = command
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .args(["--listen", &format!("127.0.0.1:{port}"), "--behind-proxy", "true"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = server.id().to_string();
    let base = format!("http://127.0.0.1:{port}");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let deadline = Instant::now() + Duration::from_secs(120);
    while agent.get(format!("{base}/healthz")).call().is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }

    let questionnaire = default_questionnaire();
    let questions: std::sync::Arc<Vec<Question>> =
        std::sync::Arc::new(questionnaire.questions().map(|(_, q)| q.clone()).collect());
    // First every resident opens the form, then every one sends it: the server's CPU time of each half
    // apart. The tokens stay valid for a day.
    let (cpu_before, started) = (cpu_time(&pid), Instant::now());
    let url = format!("{base}/urzad/ankieta");
    let form_url = url.clone();
    let forms: Vec<Vec<(usize, String, String)>> = run_clients(move |c, agent| {
        (c..submissions)
            .step_by(CLIENTS)
            .map(|i| {
                let mut form = agent.get(&form_url).header("X-Forwarded-For", &client(i)).call().unwrap();
                let html = form.body_mut().read_to_string().unwrap();
                (i, hidden(&html, "version"), hidden(&html, "token"))
            })
            .collect()
    });
    let get_cpu = cpu_time(&pid) - cpu_before;
    let html_bytes = agent.get(&url).call().unwrap().body_mut().read_to_string().unwrap().len();
    let cpu_between = cpu_time(&pid);
    let (forms, all_questions) = (std::sync::Arc::new(forms), std::sync::Arc::clone(&questions));
    run_clients(move |c, agent| {
        for (i, version, token) in &forms[c] {
            let mut body = form_urlencoded::Serializer::new(String::new());
            body.append_pair("lang", "pl")
                .append_pair("version", version)
                .append_pair("token", token)
                .append_pair("website", "");
            for q in all_questions.iter() {
                for (name, value) in fields(q, *i) {
                    body.append_pair(&name, &value);
                }
            }
            let reply = agent
                .post(&url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", &client(*i))
                .send(body.finish())
                .unwrap();
            assert_eq!(reply.status(), 303, "submission {i} was not accepted");
        }
    });
    let post_cpu = cpu_time(&pid) - cpu_between;
    let (elapsed, server_cpu) = (started.elapsed(), get_cpu + post_cpu);
    // SIGTERM, so that a wrapper (valgrind) writes its results; the server shuts down cleanly on it.
    std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    server.wait().unwrap();

    let store = Store::open(dir.path()).unwrap();
    let stored = store.responses_of("urzad").unwrap();
    assert_eq!(stored.len(), submissions, "every accepted survey is stored");
    let answers: usize = stored.iter().map(|r| r.answers.len()).sum();
    drop(store);
    let raw = raw_inserts(&stored);

    let per_submission = server_cpu.as_secs_f64() * 1000.0 / submissions as f64;
    let raw_per_response = raw.as_secs_f64() * 1000.0 / submissions as f64;
    println!(
        "web survey intake: {submissions} complete submissions (GET the form, POST all {} questions, {:.1} answers each), {CLIENTS} clients",
        questions.len(),
        answers as f64 / submissions as f64
    );
    println!(
        "  wall time {:.2} s, {:.0} submissions/s; form page {:.1} KB",
        elapsed.as_secs_f64(),
        submissions as f64 / elapsed.as_secs_f64(),
        html_bytes as f64 / 1024.0
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0 / submissions as f64;
    let (get_ms, post_ms) = (ms(get_cpu), ms(post_cpu));
    println!("  server CPU per submission (GET + POST)   {per_submission:.3} ms (GET {get_ms:.3}, POST {post_ms:.3})");
    println!("  raw inserts of the same rows, per response {raw_per_response:.3} ms (groups of {RAW_GROUP})");
    println!("  ratio {:.2} (goal: at most 2)", per_submission / raw_per_response);
}

/// CPU time of inserting the stored responses' rows again, raw, into a fresh database with the same
/// settings, in groups of [`RAW_GROUP`] per durable commit.
// Not inlined: a valgrind run counts its instructions by its name.
#[inline(never)]
fn raw_inserts(responses: &[survey::Response]) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let office_id = Store::open(dir.path()).unwrap().create_office("urzad", "Urząd").unwrap().id;
    let mut conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).unwrap();
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;").unwrap();
    let before = cpu_time("self");
    for group in responses.chunks(RAW_GROUP) {
        let tx = conn.transaction().unwrap();
        for r in group {
            let id = r.id.to_string();
            let payload = serde_json::to_string(r).unwrap();
            let at = r.captured_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            tx.prepare_cached(
                "INSERT INTO responses (id, office_id, questionnaire_version, channel, captured_at, received_at, device, paper_serial, payload)
                 VALUES (?1, ?2, 1, 'web', ?3, ?3, NULL, NULL, ?4)",
            )
            .unwrap()
            .execute(params![id, office_id, at, payload])
            .unwrap();
            let mut answer = tx
                .prepare_cached(
                    "INSERT INTO answers (response_id, question_key, rating, not_applicable, choice, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .unwrap();
            for (key, value) in &r.answers {
                let (rating, na, choices, text) = match value {
                    survey::AnswerValue::Rating(v) => (Some(*v), false, vec![None], None),
                    survey::AnswerValue::NotApplicable => (None, true, vec![None], None),
                    survey::AnswerValue::Choice(c) => (None, false, vec![Some(c.as_str())], None),
                    survey::AnswerValue::Choices(cs) => {
                        (None, false, cs.iter().map(|c| Some(c.as_str())).collect(), None)
                    }
                    survey::AnswerValue::Text(t) => (None, false, vec![None], Some(t.as_str())),
                };
                for choice in choices {
                    answer.execute(params![id, key.as_str(), rating, na, choice, text]).unwrap();
                }
            }
        }
        tx.commit().unwrap();
    }
    cpu_time("self") - before
}
