//! The kiosk's screens, headless (Slint's testing backend with the software renderer), driven by
//! accessible labels as assistive technology would: a smiley answer, the full questionnaire, the idle
//! reset, the language switch and back, and the service screen. Each screen is rendered to a PNG in
//! `$KIOSK_SCREENSHOT_DIR` (default `target/kiosk-screens`), the pictures the manual shows.
//!
//! One test function: Slint's platform and translations are per process, so the scenarios run in order.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use i_slint_backend_testing::{ElementHandle, mock_elapsed_time};
use kiosk::Screen;
use kiosk::config::{Config, Mode};
use kiosk::flow::Flow;
use kiosk::store::Store;
use kiosk::ui::Kiosk;
use slint::ComponentHandle;
use survey::default_questionnaire::default_questionnaire;
use survey::wire::QuestionnairePackage;
use survey::{AnswerValue, QuestionKey};

mod window;
use window::{pump_until, screenshot, tap};

fn package() -> QuestionnairePackage {
    QuestionnairePackage {
        wire_version: 1,
        office_name: "Urząd Gminy Testowo".into(),
        questionnaire: default_questionnaire(),
        departments: vec![("usc".into(), "Urząd Stanu Cywilnego".into())],
    }
}

fn kiosk(config: Config, dir: &std::path::Path) -> (Kiosk, Store) {
    let store = Store::open(dir).unwrap();
    let flow = Flow::new(config.clone(), package(), "urzad", "parter");
    let k = Kiosk::new(config, flow, store.clone(), None).unwrap();
    k.window.window().set_size(slint::PhysicalSize::new(1024, 768));
    (k, store)
}

fn shown(k: &Kiosk, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(&k.window, label).next().is_some()
}

/// Lets the event loop turn, and time pass for the UI's timers, until `screen` shows.
fn wait_for_screen(k: &Kiosk, screen: Screen) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while k.window.get_screen() != screen {
        assert!(Instant::now() < deadline, "screen {screen:?} never came; still on {:?}", k.window.get_screen());
        slint::invoke_from_event_loop(|| {
            let _ = slint::quit_event_loop();
        })
        .unwrap();
        slint::run_event_loop().unwrap();
        mock_elapsed_time(Duration::from_millis(30));
        std::thread::yield_now();
    }
}

fn key(k: &str) -> QuestionKey {
    QuestionKey::parse(k).unwrap()
}

fn smiley_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (k, store) = kiosk(Config::default(), dir.path());
    assert_eq!(k.window.get_screen(), Screen::Start);
    assert!(shown(&k, "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?"));
    assert!(shown(&k, "Badanie jest anonimowe – odpowiedzi prezentujemy wyłącznie w zbiorczych zestawieniach."));
    screenshot(&k, "kiosk-start");
    tap(&k, "4 – dobrze");
    assert_eq!(k.window.get_screen(), Screen::Question);
    assert!(shown(&k, "W której komórce Urzędu załatwiał(a) Pan/Pani sprawę?"));
    screenshot(&k, "kiosk-follow-up");
    tap(&k, "Urząd Stanu Cywilnego");
    tap(&k, "tak");
    wait_for_screen(&k, Screen::Thanks);
    assert!(shown(&k, "Dziękujemy!"));
    screenshot(&k, "kiosk-thanks");
    // Committed before the thank-you appeared.
    let stored = store.pending(10).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].answers[&key("ogolna_ocena")], AnswerValue::Rating(4));
    assert_eq!(stored[0].answers[&key("komorka")], AnswerValue::Choice("usc".into()));
    assert_eq!(stored[0].answers[&key("sprawa_zalatwiona")], AnswerValue::Choice("tak".into()));
    // Back to the start after the thank-you.
    mock_elapsed_time(Duration::from_secs(5));
    assert_eq!(k.window.get_screen(), Screen::Start);
}

fn full_questionnaire() {
    let dir = tempfile::tempdir().unwrap();
    let (k, store) = kiosk(Config { mode: Mode::Full, ..Config::default() }, dir.path());
    tap(&k, "5 – bardzo dobrze");
    assert!(shown(&k, "Pytanie 2 / 38"));
    tap(&k, "Inna");
    assert!(shown(&k, "Jak często załatwia Pan/Pani sprawy w Urzędzie?"));
    tap(&k, "Wstecz");
    assert!(shown(&k, "W której komórce Urzędu załatwiał(a) Pan/Pani sprawę?"));
    tap(&k, "Pomijam pytanie");
    tap(&k, "kilka razy w roku");
    screenshot(&k, "kiosk-full-question");
    // 35 questions are left; the 36th tap comes after the last answer, while it is on its way to disk.
    for _ in 0..36 {
        if k.window.get_screen() != Screen::Question {
            break;
        }
        tap(&k, "Pomijam pytanie");
    }
    // No time has passed for the UI, so the storage thread's report cannot have been picked up: a late tap
    // must not show the thank-you before the answer is committed, nor start the idle countdown again.
    assert_eq!(k.window.get_screen(), Screen::Question, "thanked before the answer was committed");
    mock_elapsed_time(Duration::from_secs(60));
    assert_eq!(k.window.get_screen(), Screen::Question, "sent back to the start before the thank-you");
    wait_for_screen(&k, Screen::Thanks);
    let stored = store.pending(10).unwrap();
    assert_eq!(stored[0].answers[&key("ogolna_ocena")], AnswerValue::Rating(5));
    assert_eq!(stored[0].answers[&key("komorka")], AnswerValue::Choice("inna".into()));
    assert_eq!(stored[0].answers[&key("czestotliwosc")], AnswerValue::Choice("kilka_razy_w_roku".into()));
    assert_eq!(stored[0].answers.len(), 3);
}

fn idle_reset_and_languages() {
    let dir = tempfile::tempdir().unwrap();
    let (k, store) = kiosk(Config::default(), dir.path());
    tap(&k, "English");
    assert_eq!(k.window.get_language(), "en");
    assert!(shown(&k, "Overall, how do you rate the service at the office?"));
    assert!(shown(&k, "The survey is anonymous – answers are only ever shown in aggregate figures."));
    screenshot(&k, "kiosk-start-en");
    tap(&k, "Українська");
    assert!(shown(&k, "Як загалом Ви оцінюєте обслуговування в установі?"));
    assert!(shown(&k, "Опитування анонімне – відповіді представляються лише у зведених даних."));
    tap(&k, "Polski");
    assert!(shown(&k, "Badanie jest anonimowe – odpowiedzi prezentujemy wyłącznie w zbiorczych zestawieniach."));

    // A questionnaire left in the middle, in English: after 45 s back to the start, in Polish, the part
    // answered saved.
    tap(&k, "English");
    tap(&k, "2 – poor");
    assert_eq!(k.window.get_screen(), Screen::Question);
    mock_elapsed_time(Duration::from_secs(46));
    assert_eq!(k.window.get_screen(), Screen::Start);
    assert_eq!(k.window.get_language(), "pl");
    assert!(shown(&k, "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?"));
    pump_until(&k, "the part answered, stored", |_| store.status().unwrap().pending == 1);
    let partial = store.pending(10).unwrap();
    assert_eq!(partial.len(), 1);
    assert_eq!(partial[0].answers.len(), 1);
    assert_eq!(partial[0].answers[&key("ogolna_ocena")], AnswerValue::Rating(2));
}

fn type_pin(k: &Kiosk, pin: &str) {
    for d in pin.chars() {
        tap(k, &d.to_string());
    }
    tap(k, "Zatwierdź PIN");
    pump_until(k, "the PIN checked", |k| k.window.get_service_message() != "Sprawdzam PIN…");
}

/// The corner held: the service screen, once the storage thread said how it opens.
fn open_service(k: &Kiosk) {
    k.window.invoke_service_requested();
    assert_eq!(k.window.get_screen(), Screen::Service);
    pump_until(k, "the service screen's status", |k| !k.window.get_service_status().is_empty());
}

fn service_screen() {
    let dir = tempfile::tempdir().unwrap();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    let (k, store) = kiosk(Config { server: "http://127.0.0.1:9".into(), ..Config::default() }, dir.path());
    // The kiosk's own PIN, as pairing leaves it.
    store.service_pin_from_server(&kiosk::service_pin::hash_new("739152").unwrap(), None).unwrap();
    open_service(&k);
    type_pin(&k, "2468");
    assert!(shown(&k, "Nieprawidłowy PIN. Pozostałe próby przed przerwą: 4."));
    assert!(!k.window.get_service_unlocked(), "the old shared PIN opens nothing");
    for d in ["7", "3", "9", "1", "5", "2", "2"] {
        tap(&k, d);
    }
    tap(&k, "Usuń cyfrę");
    tap(&k, "Zatwierdź PIN");
    pump_until(&k, "the PIN checked", |k| k.window.get_service_unlocked());
    assert!(k.window.get_service_status().contains("Odpowiedzi oczekujące: 0"));
    screenshot(&k, "kiosk-service");

    // A new PIN: an easy one is refused, then one typed twice is kept and waits to be reported.
    tap(&k, "Zmień PIN");
    type_pin(&k, "123456");
    assert!(k.window.get_service_message().contains("ciągiem cyfr"), "{}", k.window.get_service_message());
    type_pin(&k, "582914");
    assert!(shown(&k, "Powtórz nowy PIN: "));
    type_pin(&k, "582914");
    assert_eq!(k.window.get_service_message(), "PIN zmieniony. Serwer dostanie go przy najbliższej synchronizacji.");
    let unreported = store.service_pin_unreported().unwrap().unwrap();
    assert!(kiosk::service_pin::verify("582914", &unreported));
    assert_eq!(store.service_pin_hash().unwrap(), Some(unreported));
    assert!(k.window.get_service_unlocked() && !k.window.get_pin_keypad());

    // Pairing from the screen: the code typed on the keypad, no server reachable here.
    for key in ["K", "7", "P", "X", "M", "2", "Q", "D"] {
        tap(&k, key);
    }
    assert_eq!(k.window.get_pairing_code(), "K7PX-M2QD");
    tap(&k, "Usuń znak");
    assert_eq!(k.window.get_pairing_code(), "K7PX-M2Q");
    tap(&k, "Sparuj z serwerem");
    pump_until(&k, "the pairing's outcome", |k| k.window.get_service_message().starts_with("Nie udało się sparować"));
    assert!(
        k.window.get_service_message().contains("brak połączenia z serwerem"),
        "{}",
        k.window.get_service_message()
    );
    tap(&k, "Zamknij");
    assert_eq!(k.window.get_screen(), Screen::Start);

    // Five wrong PINs: a pause in which even the right one is not checked.
    open_service(&k);
    for _ in 0..4 {
        type_pin(&k, "739152");
    }
    type_pin(&k, "739152");
    assert!(
        k.window.get_service_message().starts_with("Zbyt wiele błędnych prób."),
        "{}",
        k.window.get_service_message()
    );
    type_pin(&k, "582914");
    assert!(!k.window.get_service_unlocked());
    assert!(k.window.get_service_message().starts_with("Zbyt wiele błędnych prób."));
    assert_eq!(store.service_pin_failures().unwrap(), 5, "kept for a restart");
    tap(&k, "Zamknij");
}

/// "Informacja o danych": a Polish default before the first sync, then the office's clause with the QR
/// code of its address, big and scrollable; back to the start by the button or after a longer wait.
fn privacy_screen() {
    let dir = tempfile::tempdir().unwrap();
    let (k, store) = kiosk(Config::default(), dir.path());
    tap(&k, "Informacja o danych");
    assert_eq!(k.window.get_screen(), Screen::Privacy);
    assert!(shown(&k, kiosk::privacy::DEFAULT_TEXT));
    assert!(!k.window.get_privacy_has_qr() && !shown(&k, "Kod QR z adresem pełnej informacji o danych"));
    tap(&k, "Powrót do ankiety");
    assert_eq!(k.window.get_screen(), Screen::Start);

    // As the sync leaves it: the office's clause (longer than the screen) and its address.
    let mut text = String::from(
        "Administratorem Pana/Pani danych osobowych jest Urząd Gminy Testowo, ul. Główna 1, 00-001 Testowo.",
    );
    for point in [
        "Z inspektorem ochrony danych może się Pan/Pani skontaktować pod adresem iod@testowo.example.",
        "Dane przetwarzamy w celu zbadania satysfakcji klientów (art. 6 ust. 1 lit. e RODO).",
        "Ma Pan/Pani prawo dostępu do danych, ich sprostowania, ograniczenia przetwarzania i sprzeciwu.",
        "Ma Pan/Pani prawo wniesienia skargi do Prezesa Urzędu Ochrony Danych Osobowych.",
        "Podanie danych jest dobrowolne. Dane nie służą do zautomatyzowanego podejmowania decyzji.",
    ]
    .iter()
    .cycle()
    .take(12)
    {
        text.push_str("\n\n");
        text.push_str(point);
    }
    let url = "https://ankieta.testowo.example/urzad/prywatnosc";
    store.set_privacy_notice(&survey::wire::PrivacyNotice { text: text.clone(), url: url.into() }).unwrap();
    tap(&k, "Informacja o danych");
    pump_until(&k, "the office's clause", |k| shown(k, &text));
    assert!(shown(&k, url));
    assert!(k.window.get_privacy_has_qr() && shown(&k, "Kod QR z adresem pełnej informacji o danych"));
    assert!(k.window.get_privacy_qr().size().width > 0);
    screenshot(&k, "kiosk-privacy");
    // Left open: it stays while someone may be reading, then gives way to the start screen.
    mock_elapsed_time(Duration::from_secs(kiosk::privacy::IDLE_SECONDS - 5));
    assert_eq!(k.window.get_screen(), Screen::Privacy);
    mock_elapsed_time(Duration::from_secs(10));
    assert_eq!(k.window.get_screen(), Screen::Start);
}

struct Lit(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl kiosk::panel::Feedback for Lit {
    fn thank_you(&self, answer_id: &str) {
        self.0.lock().unwrap().push(answer_id.to_owned());
    }
    fn filtered(&self, reason: &str) {
        self.0.lock().unwrap().push(format!("filtered {reason}"));
    }
}

fn panel_on_the_touchscreen() {
    let dir = tempfile::tempdir().unwrap();
    let (k, store) = kiosk(Config::default(), dir.path());
    let (press, presses) = std::sync::mpsc::channel();
    let lit = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    k.attach_panel(kiosk::panel::Panel::simulated(presses, Box::new(Lit(lit.clone()))));
    press.send(4).unwrap();
    wait_for_screen(&k, Screen::Thanks);
    let stored = store.pending(10).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].channel, survey::Channel::KioskButtons);
    assert_eq!(stored[0].answers[&key("ogolna_ocena")], AnswerValue::Rating(4));
    assert_eq!(*lit.lock().unwrap(), vec![stored[0].id.to_string()], "the LED lit after the commit");
    // A second press at once is too soon: recorded as filtered, not an answer.
    press.send(1).unwrap();
    pump_until(&k, "the filtered press, recorded", |_| {
        store.status().unwrap().filtered == vec![("too_soon".to_string(), 1)]
    });
    assert_eq!(store.status().unwrap().filtered, vec![("too_soon".to_string(), 1)]);
    assert_eq!(store.pending(10).unwrap().len(), 1);

    // The panel test on the service screen: a press shows its button and answers nothing.
    open_service(&k);
    press.send(2).unwrap();
    pump_until(&k, "the panel test", |k| k.window.get_service_message().starts_with("Test panelu"));
    assert_eq!(k.window.get_service_message(), "Test panelu: naciśnięto przycisk 2.");
    assert_eq!(store.pending(10).unwrap().len(), 1);
}

/// A write that fails (a full or broken memory card, simulated by a trigger refusing inserts) is not
/// thanked for; once writing works again the next client is thanked, and between the two the kiosk takes
/// the questionnaire the sync fetched meanwhile.
fn a_failed_save_is_not_thanked() {
    let dir = tempfile::tempdir().unwrap();
    let (k, store) = kiosk(Config::default(), dir.path());
    let db = rusqlite::Connection::open(dir.path().join(kiosk::store::DB_FILE)).unwrap();
    db.execute_batch(
        "CREATE TRIGGER full_card BEFORE INSERT ON answers BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;",
    )
    .unwrap();
    tap(&k, "4 – dobrze");
    tap(&k, "Urząd Stanu Cywilnego");
    tap(&k, "tak");
    wait_for_screen(&k, Screen::NotSaved);
    assert!(shown(&k, "Przepraszamy, nie udało się zapisać odpowiedzi."));
    assert!(!shown(&k, "Dziękujemy!"));
    screenshot(&k, "kiosk-not-saved");
    assert!(store.pending(10).unwrap().is_empty());

    db.execute_batch("DROP TRIGGER full_card").unwrap();
    let mut renamed = package();
    renamed.office_name = "Urząd Gminy Nowa Nazwa".into();
    store.set_questionnaire(&renamed, "\"v2\"").unwrap();
    wait_for_screen(&k, Screen::Start);
    pump_until(&k, "the questionnaire the sync fetched", |k| shown(k, "Urząd Gminy Nowa Nazwa"));
    tap(&k, "5 – bardzo dobrze");
    tap(&k, "Urząd Stanu Cywilnego");
    tap(&k, "tak");
    wait_for_screen(&k, Screen::Thanks);
    assert_eq!(store.pending(10).unwrap().len(), 1);
}

/// A problem the system reports (`kiosk::problem`) replaces the survey with a Polish notice saying which
/// kiosk this is, and the survey comes back by itself once the file is emptied.
fn problem_screen() {
    let dir = tempfile::tempdir().unwrap();
    let (k, _store) = kiosk(Config::default(), dir.path());
    let file = dir.path().join("problem.txt");
    let identity = kiosk::problem::identity(Some("parter"), Some("urzad"), "https://ankieta.gmina.pl");
    k.watch_problems(file.clone(), identity.clone());
    assert_eq!(k.window.get_screen(), Screen::Start, "no file, no problem");
    let text = "Nie można zamontować partycji danych kiosku (/var/lib/ocen-urzad-kiosk). Odpowiedzi nie są zapisywane.";
    std::fs::write(&file, format!("{text}\n")).unwrap();
    mock_elapsed_time(kiosk::problem::RECHECK);
    assert_eq!(k.window.get_screen(), Screen::Problem);
    assert!(shown(&k, "Kiosk jest chwilowo nieczynny"));
    assert!(shown(&k, text));
    assert!(shown(&k, &identity));
    assert!(!shown(&k, "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?"), "no survey under the notice");
    screenshot(&k, "kiosk-problem");
    std::fs::write(&file, "").unwrap();
    mock_elapsed_time(kiosk::problem::RECHECK);
    assert_eq!(k.window.get_screen(), Screen::Start);
    assert!(shown(&k, "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?"));
}

#[test]
fn kiosk_screens() {
    // The testing backend without an event loop, with mock time, and with the software renderer so that
    // screens can be rendered to pictures.
    let backend = i_slint_backend_testing::TestingBackend::new(i_slint_backend_testing::TestingBackendOptions {
        mock_time: true,
        // The event loop's queue: the storage thread's answers come back through it.
        threading: true,
        renderer_name: Some("software".into()),
    });
    slint::platform::set_platform(Box::new(backend)).unwrap();
    smiley_answer();
    full_questionnaire();
    idle_reset_and_languages();
    service_screen();
    privacy_screen();
    panel_on_the_touchscreen();
    a_failed_save_is_not_thanked();
    problem_screen();
}
