//! The sync API's decoding and validation: any body sent by a paired kiosk as a batch of answers, and
//! the same body as a pairing request. Never a 5xx, and every refusal is structured JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocen_urzad_fuzz::{assert_not_server_error, harness};

fuzz_target!(|data: &[u8]| {
    let h = harness();
    let bearer = format!("Bearer {}", h.device_token);
    let reply = h.post("/api/v1/responses", "application/json", &[("authorization", &bearer)], data.to_vec());
    assert_not_server_error("the sync upload", &reply, data);
    let json = reply.headers.get("content-type").and_then(|v| v.to_str().ok()) == Some("application/json");
    assert!(json, "the sync upload answered {} without JSON", reply.status);
    assert!(serde_json::from_slice::<serde_json::Value>(&reply.body).is_ok(), "the sync upload's answer is not JSON");

    let reply = h.post("/api/v1/pair", "application/json", &[], data.to_vec());
    assert_not_server_error("pairing", &reply, data);
});
