//! The kiosk's own service PIN between the real kiosk store and sync client and a real server on
//! loopback: the PIN shown once at enrolment opens the paired kiosk's service screen; a PIN set in the
//! panel (through the real panel form) reaches the kiosk at its next sync, and the old one stops working;
//! a PIN set on the kiosk reaches the server and its audit log. The same sync brings the office's
//! information clause for the kiosk's privacy screen.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::time::Instant;

use kiosk::service_pin::{Attempt, Expected, NewPin, NewPinStep, PinGate};
use kiosk::store::Store as KioskStore;
use kiosk::sync::{pair, sync_once};
use sync_server::http::AppState;
use sync_server::store::{NewAdmin, Store};

const PASSWORD: &str = "Bardzo-Dlugie-Haslo-1";

struct Server {
    addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

fn start_server(store: &Store) -> Server {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));
    Server { addr, _runtime: runtime }
}

/// What the kiosk's service screen would say to `pin` now (a fresh gate: no earlier wrong tries).
fn try_on_kiosk(kiosk: &KioskStore, pin: &str) -> Attempt {
    let expected = Expected::choose(kiosk.service_pin_hash().unwrap(), None, kiosk.pairing().unwrap().is_some());
    PinGate::new(0, Instant::now()).try_pin(pin, &expected, Instant::now())
}

/// An admin's session in the real panel: the cookie and the CSRF token.
fn panel_login(base: &str, agent: &ureq::Agent) -> (String, String) {
    let r = agent
        .post(format!("{base}/admin/logowanie"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("login=sekretarz&password={PASSWORD}"))
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let mut page = agent.get(format!("{base}/admin/haslo")).header("Cookie", &cookie).call().unwrap();
    let page = page.body_mut().read_to_string().unwrap();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    (cookie, csrf)
}

#[test]
fn the_pin_shown_at_enrolment_opens_the_kiosk_and_changes_travel_both_ways() {
    let server_dir = tempfile::tempdir().unwrap();
    let server_store = Store::open(server_dir.path()).unwrap();
    let office = server_store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let hash = sync_server::password::hash(PASSWORD).unwrap();
    server_store
        .create_admin(&NewAdmin { login: "sekretarz", password_hash: &hash, office_slug: Some("urzad") })
        .unwrap();
    let server = start_server(&server_store);
    let base = format!("http://{}", server.addr);
    let kiosk_dir = tempfile::tempdir().unwrap();
    let kiosk = KioskStore::open(kiosk_dir.path()).unwrap();

    // Before pairing the kiosk has no PIN and nothing to protect: the screen opens so it can be paired.
    assert_eq!(try_on_kiosk(&kiosk, ""), Attempt::Opened);

    // Enrolment: a code and a PIN, shown once; pairing brings the PIN's hash to the kiosk.
    let enrolment = server_store.enroll_device(office.id, "sekretarz", "parter").unwrap();
    pair(&kiosk, &base, &enrolment.code).unwrap();
    assert_eq!(try_on_kiosk(&kiosk, &enrolment.pin), Attempt::Opened);
    assert_eq!(try_on_kiosk(&kiosk, "2468"), Attempt::Wrong { left: 4 }, "the old shared PIN opens nothing");

    // A new PIN in the panel (the real form); the kiosk takes it at its next sync.
    let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().new_agent();
    let (cookie, csrf) = panel_login(&base, &agent);
    let device = server_store.devices(office.id).unwrap().remove(0);
    let set_pin = |pin: &str| {
        let mut r = agent
            .post(format!("{base}/admin/urzad/urzad/kioski/{}/pin", device.id))
            .header("Cookie", &cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(format!("csrf={csrf}&pin={pin}"))
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    let (status, page) = set_pin("123456");
    assert_eq!(status, 422, "an easy PIN is refused");
    assert!(page.contains("ciągiem cyfr"), "{page}");
    let (status, page) = set_pin("739152");
    assert_eq!(status, 200, "{page}");
    assert_eq!(try_on_kiosk(&kiosk, "739152"), Attempt::Wrong { left: 4 }, "not before the sync");
    assert_eq!(kiosk.privacy_notice().unwrap(), None, "nothing before the first sync");
    sync_once(&kiosk).unwrap();
    assert_eq!(try_on_kiosk(&kiosk, "739152"), Attempt::Opened);
    // The same pass brought the office's information clause for the kiosk's privacy screen.
    let notice = kiosk.privacy_notice().unwrap().expect("the clause is kept for the privacy screen");
    assert!(notice.text.contains("Urząd Gminy Testowo"), "{}", notice.text);
    assert!(notice.url.ends_with("/urzad/prywatnosc"), "{}", notice.url);
    assert_eq!(try_on_kiosk(&kiosk, &enrolment.pin), Attempt::Wrong { left: 4 }, "the old PIN stops working");

    // A new PIN on the kiosk's service screen reaches the server with the next sync.
    let mut entry = NewPin::First;
    assert_eq!(entry.enter("582914"), NewPinStep::Confirm);
    let NewPinStep::Done(new_hash) = entry.enter("582914") else { panic!("the new PIN was refused") };
    kiosk.set_service_pin_here(&new_hash).unwrap();
    assert_eq!(try_on_kiosk(&kiosk, "582914"), Attempt::Opened, "in force on the kiosk at once");
    sync_once(&kiosk).unwrap();
    assert_eq!(kiosk.service_pin_unreported().unwrap(), None, "the server confirmed it");
    let on_server = server_store.device_pin_hash(device.id).unwrap().unwrap();
    assert!(sync_server::password::verify("582914", &on_server));
    let device = server_store.devices(office.id).unwrap().remove(0);
    assert_eq!(device.service_pin_set_by.as_deref(), Some("kiosk"));
    let log = server_store.audit_log(office.id, 50).unwrap();
    let changes: Vec<_> = log.iter().filter(|e| e.action == "zmiana PIN-u kiosku").map(|e| e.actor.as_str()).collect();
    assert_eq!(changes, ["parter", "sekretarz"], "newest first: the kiosk's change, then the panel's");
    // Another sync changes nothing and logs nothing more.
    sync_once(&kiosk).unwrap();
    assert_eq!(try_on_kiosk(&kiosk, "582914"), Attempt::Opened);
    assert_eq!(server_store.audit_log(office.id, 50).unwrap().len(), log.len());
}
