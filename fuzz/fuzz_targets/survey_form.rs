//! The web survey's form handler: any body posted to the survey (`@TOKEN@` becomes a fresh form token).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocen_urzad_fuzz::{assert_not_server_error, harness, with_fresh_token};

fuzz_target!(|data: &[u8]| {
    let h = harness();
    let body = with_fresh_token(data);
    let reply = h.post("/urzad/ankieta", "application/x-www-form-urlencoded", &[], body);
    assert_not_server_error("the web survey", &reply, data);
});
