//! Paper entry in the admin panel: any form body posted by a logged-in admin with a valid CSRF token
//! (`@TOKEN@` becomes a fresh form token).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocen_urzad_fuzz::{assert_not_server_error, harness, with_fresh_token};

fuzz_target!(|data: &[u8]| {
    let h = harness();
    let mut body = format!("csrf={}&", h.csrf).into_bytes();
    body.extend(with_fresh_token(data));
    let reply =
        h.post("/admin/urzad/urzad/papier", "application/x-www-form-urlencoded", &[("cookie", &h.cookie)], body);
    assert_not_server_error("paper entry", &reply, data);
});
