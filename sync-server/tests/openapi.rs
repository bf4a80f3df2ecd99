//! The OpenAPI document against the JSON that really travels: a real server on a loopback port is paired
//! with, sent the frozen wire examples (`survey/tests/golden/`, every optional field filled in) and asked
//! for its questionnaire, and each body that goes in or comes out is checked against the schema the
//! document gives for that route and status. The check is strict where JSON Schema is lenient: a key that
//! serde writes and the schema does not name is an error, so a field left out of the document is caught.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use serde_json::{Value, json};
use sync_server::http::AppState;
use sync_server::store::Store;

/// Checks JSON values against the schemas of an OpenAPI 3.1 document (the subset utoipa writes).
struct Schemas<'a> {
    doc: &'a Value,
}

/// The keys of an object that a schema accounted for; `None` when it allows any key.
type Evaluated = Option<BTreeSet<String>>;

fn union(a: Evaluated, b: Evaluated) -> Evaluated {
    Some(a?.union(&b?).cloned().collect())
}

impl Schemas<'_> {
    /// Every error of `value` against `schema`, empty when it matches.
    fn check(&self, value: &Value, schema: &Value, at: &str) -> Vec<String> {
        let mut errors = Vec::new();
        let evaluated = self.eval(value, schema, at, &mut errors);
        if let (Value::Object(map), Some(named)) = (value, evaluated) {
            for key in map.keys().filter(|k| !named.contains(*k)) {
                errors.push(format!("{at}.{key}: the schema does not name it"));
            }
        }
        errors
    }

    fn eval(&self, value: &Value, schema: &Value, at: &str, errors: &mut Vec<String>) -> Evaluated {
        let schema = match schema {
            Value::Bool(true) => return None,
            Value::Bool(false) => {
                errors.push(format!("{at}: nothing is allowed here"));
                return None;
            }
            Value::Object(map) => map,
            other => panic!("{at}: not a schema: {other}"),
        };
        let mut evaluated: Evaluated = Some(BTreeSet::new());
        for (keyword, arg) in schema {
            match keyword.as_str() {
                "$ref" => {
                    let name = arg.as_str().unwrap().strip_prefix("#/components/schemas/").unwrap();
                    let target = &self.doc["components"]["schemas"][name];
                    assert!(!target.is_null(), "{at}: {name} does not resolve");
                    evaluated = union(evaluated, self.eval(value, target, at, errors));
                }
                "allOf" => {
                    for part in arg.as_array().unwrap() {
                        evaluated = union(evaluated, self.eval(value, part, at, errors));
                    }
                }
                "oneOf" => {
                    let mut matching = Vec::new();
                    let mut why = Vec::new();
                    for branch in arg.as_array().unwrap() {
                        let mut branch_errors = Vec::new();
                        let keys = self.eval(value, branch, at, &mut branch_errors);
                        if branch_errors.is_empty() {
                            matching.push(keys);
                        } else {
                            why.extend(branch_errors);
                        }
                    }
                    match matching.len() {
                        1 => evaluated = union(evaluated, matching.pop().unwrap()),
                        0 => errors.push(format!("{at}: matches no branch of oneOf: {why:?}")),
                        n => errors.push(format!("{at}: matches {n} branches of oneOf")),
                    }
                }
                "type" => {
                    let types: Vec<&str> = match arg {
                        Value::Array(list) => list.iter().map(|t| t.as_str().unwrap()).collect(),
                        one => vec![one.as_str().unwrap()],
                    };
                    let actual = match value {
                        Value::Null => "null",
                        Value::Bool(_) => "boolean",
                        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                        Value::Number(_) => "number",
                        Value::String(_) => "string",
                        Value::Array(_) => "array",
                        Value::Object(_) => "object",
                    };
                    let integer_as_number = actual == "integer" && types.contains(&"number");
                    if !types.contains(&actual) && !integer_as_number {
                        errors.push(format!("{at}: {actual}, the schema wants {types:?}"));
                    }
                }
                "enum" => {
                    if !arg.as_array().unwrap().contains(value) {
                        errors.push(format!("{at}: {value} is not one of {arg}"));
                    }
                }
                "format" => {
                    let text = value.as_str();
                    let ok = match (arg.as_str().unwrap(), text) {
                        ("uuid", Some(s)) => uuid::Uuid::parse_str(s).is_ok(),
                        ("date-time", Some(s)) => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
                        _ => true,
                    };
                    if !ok {
                        errors.push(format!("{at}: {value} is not a {arg}"));
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(v), Some(limit)) = (value.as_f64(), arg.as_f64()) {
                        let ok = if keyword == "minimum" { v >= limit } else { v <= limit };
                        if !ok {
                            errors.push(format!("{at}: {v} is beyond the {keyword} {limit}"));
                        }
                    }
                }
                "minItems" | "maxItems" => {
                    if let (Some(items), Some(limit)) = (value.as_array(), arg.as_u64()) {
                        let n = items.len() as u64;
                        if (keyword == "minItems" && n < limit) || (keyword == "maxItems" && n > limit) {
                            errors.push(format!("{at}: {n} items, {keyword} {limit}"));
                        }
                    }
                }
                "required" => {
                    if let Some(map) = value.as_object() {
                        for key in arg.as_array().unwrap().iter().map(|k| k.as_str().unwrap()) {
                            if !map.contains_key(key) {
                                errors.push(format!("{at}.{key}: required, missing"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Some(map) = value.as_object() {
                        for (key, property) in arg.as_object().unwrap() {
                            if let Some(v) = map.get(key) {
                                errors.extend(self.check(v, property, &format!("{at}.{key}")));
                                evaluated = evaluated.map(|mut e| {
                                    e.insert(key.clone());
                                    e
                                });
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Some(map) = value.as_object() {
                        let named = schema.get("properties").and_then(Value::as_object);
                        for (key, v) in map.iter().filter(|(k, _)| !named.is_some_and(|n| n.contains_key(*k))) {
                            errors.extend(self.check(v, arg, &format!("{at}.{key}")));
                        }
                        evaluated = None;
                    }
                }
                "propertyNames" => {
                    if let Some(map) = value.as_object() {
                        for key in map.keys() {
                            errors.extend(self.check(&json!(key), arg, &format!("{at}[{key:?}]")));
                        }
                    }
                }
                "prefixItems" | "items" => {
                    if let Some(items) = value.as_array() {
                        let prefix = schema.get("prefixItems").and_then(Value::as_array).map_or(0, Vec::len);
                        for (i, item) in items.iter().enumerate() {
                            let item_schema = match (keyword.as_str(), i < prefix) {
                                ("prefixItems", true) => &arg[i],
                                ("items", false) => arg,
                                _ => continue,
                            };
                            errors.extend(self.check(item, item_schema, &format!("{at}[{i}]")));
                        }
                    }
                }
                // Words for people; `pattern` needs a regular expression engine this test does without.
                "description" | "example" | "examples" | "title" | "default" | "pattern" => {}
                other => panic!("{at}: the checker does not know the keyword {other}: teach it before trusting it"),
            }
        }
        evaluated
    }

    /// The schema the document gives for `method path` answering `status`, or `None` for a body-less reply.
    fn response(&self, method: &str, path: &str, status: u16) -> Option<&Value> {
        let response = &self.doc["paths"][path][method]["responses"][status.to_string()];
        assert!(!response.is_null(), "{method} {path} is not documented to answer {status}");
        let schema = &response["content"]["application/json"]["schema"];
        (!schema.is_null()).then_some(schema)
    }

    fn request(&self, method: &str, path: &str) -> &Value {
        let schema = &self.doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
        assert!(!schema.is_null(), "{method} {path} has no documented request body");
        schema
    }
}

struct Server {
    base: String,
    agent: ureq::Agent,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn server() -> (Server, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    (Server { base, agent, _dir: dir, _runtime: runtime }, store)
}

/// A reply: status, ETag and the body as JSON (`Null` when empty).
struct Reply {
    status: u16,
    etag: Option<String>,
    body: Value,
}

impl Server {
    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>, etag: Option<&str>) -> Reply {
        let url = format!("{}{path}", self.base);
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut r = match (method, body) {
            ("get", None) => {
                let mut req = self.agent.get(url);
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                if let Some(e) = etag {
                    req = req.header("If-None-Match", e);
                }
                req.call().unwrap()
            }
            ("post", body) => {
                let mut req = self.agent.post(url).header("Content-Type", "application/json");
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                req.send(body.map(Value::to_string).unwrap_or_default()).unwrap()
            }
            other => panic!("{other:?}"),
        };
        let etag = r.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
        let text = r.body_mut().read_to_string().unwrap();
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() };
        Reply { status: r.status().as_u16(), etag, body }
    }
}

fn golden(name: &str) -> Value {
    let path = format!("{}/../survey/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn document(server: &Server) -> Value {
    let reply = server.call("get", "/api/v1/openapi.json", None, None, None);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["openapi"], "3.1.0");
    assert_eq!(reply.body["info"]["title"], "Oceń Urząd – API synchronizacji kiosków");
    // Asked again with its tag, as its own description says.
    let again = server.call("get", "/api/v1/openapi.json", None, None, reply.etag.as_deref());
    assert_eq!(again.status, 304);
    assert!(!reply.body["paths"]["/api/v1/openapi.json"]["get"]["responses"]["304"].is_null());
    reply.body
}

#[test]
fn what_goes_in_and_comes_out_matches_the_served_document() {
    let (server, store) = server();
    let doc = document(&server);
    let schemas = Schemas { doc: &doc };
    let exchange = |method: &str, path: &str, token: Option<&str>, body: Option<Value>, etag: Option<&str>| {
        if let Some(sent) = &body {
            let errors = schemas.check(sent, schemas.request(method, path), "request");
            assert!(errors.is_empty(), "{method} {path}: {errors:#?}");
        }
        let reply = server.call(method, path, token, body.as_ref(), etag);
        match schemas.response(method, path, reply.status) {
            Some(schema) => {
                let errors = schemas.check(&reply.body, schema, "reply");
                assert!(errors.is_empty(), "{method} {path} → {}: {errors:#?}\n{}", reply.status, reply.body);
            }
            None => assert!(reply.body.is_null(), "{method} {path} → {}: undocumented body", reply.status),
        }
        reply
    };

    // Pairing: a used code is refused with a documented error.
    let office = store.office("urzad").unwrap();
    let code = store.enroll_device(office.id, "test", "kiosk-parter").unwrap().code;
    let pair = json!({ "wire_version": 1, "code": code });
    let paired = exchange("post", "/api/v1/pair", None, Some(pair.clone()), None);
    assert_eq!(paired.status, 200);
    let token = paired.body["token"].as_str().unwrap().to_owned();
    assert_eq!(exchange("post", "/api/v1/pair", None, Some(pair), None).status, 403);
    let token = Some(token.as_str());

    // The frozen batch fills in every optional field (device clock, filtered presses, each kind of
    // answer); against this server's questionnaire most of it is refused, so the receipt carries
    // every outcome's shape, errors included.
    let batch = golden("upload_batch_v1.json");
    assert!(batch["device_clock"].is_object() && batch["filtered_presses"][0].is_object());
    let receipt = exchange("post", "/api/v1/responses", token, Some(batch.clone()), None);
    assert_eq!(receipt.status, 200);
    assert_eq!(receipt.body["results"][0]["outcome"], "rejected");
    assert!(receipt.body["results"][0]["errors"][0]["problem"].is_string());
    assert_eq!(exchange("post", "/api/v1/responses", None, Some(batch), None).status, 401);
    // Not a batch at all: refused before any schema applies, with the documented error.
    let bad = server.call("post", "/api/v1/responses", token, Some(&json!({ "wire_version": 1 })), None);
    assert_eq!(bad.status, 400);
    assert!(schemas.check(&bad.body, schemas.response("post", "/api/v1/responses", 400).unwrap(), "reply").is_empty());

    let package = exchange("get", "/api/v1/questionnaire", token, None, None);
    assert_eq!(package.status, 200);
    assert!(package.body["questionnaire"]["sections"][0]["questions"][0]["kind"]["type"].is_string());
    let unchanged = exchange("get", "/api/v1/questionnaire", token, None, package.etag.as_deref());
    assert_eq!(unchanged.status, 304);

    assert_eq!(exchange("post", "/api/v1/heartbeat", token, Some(golden("heartbeat_v1.json")), None).status, 200);
    // A tablet's heartbeat names its kind.
    assert_eq!(
        exchange("post", "/api/v1/heartbeat", token, Some(golden("heartbeat_v1_tablet.json")), None).status,
        200
    );
}

#[test]
fn the_frozen_replies_match_their_schemas() {
    let (server, _) = server();
    let doc = document(&server);
    let schemas = Schemas { doc: &doc };
    for (file, schema) in [
        ("upload_receipt_v1.json", "UploadReceipt"),
        ("api_error_v1.json", "ApiError"),
        ("pair_request_v1.json", "PairRequest"),
        ("pair_reply_v1.json", "PairReply"),
    ] {
        let errors = schemas.check(&golden(file), &json!({ "$ref": format!("#/components/schemas/{schema}") }), file);
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn the_check_catches_a_field_the_document_leaves_out() {
    let (server, _) = server();
    let doc = document(&server);
    let schemas = Schemas { doc: &doc };
    let batch_schema = json!({ "$ref": "#/components/schemas/UploadBatch" });
    let mut batch = golden("upload_batch_v1.json");
    assert!(schemas.check(&batch, &batch_schema, "batch").is_empty());
    // A document that forgot a field (as the hand-written one forgot `filtered_presses`).
    let mut forgetful = doc.clone();
    forgetful["components"]["schemas"]["UploadBatch"]["properties"].as_object_mut().unwrap().remove("filtered_presses");
    let errors = Schemas { doc: &forgetful }.check(&batch, &batch_schema, "batch");
    assert_eq!(errors, ["batch.filtered_presses: the schema does not name it"]);
    // Deep inside, behind a flattened struct (the device clock) and in an answer.
    batch["device_clock"]["timezone"] = json!("Europe/Warsaw");
    batch["responses"][0]["answers"]["ogolna_ocena"]["comment"] = json!("?");
    batch["filtered_presses"][0]["reason"] = json!("made_up");
    let errors = schemas.check(&batch, &batch_schema, "batch");
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let receipt_schema = json!({ "$ref": "#/components/schemas/UploadReceipt" });
    let mut receipt = golden("upload_receipt_v1.json");
    receipt["results"][0]["outcome"] = json!("lost");
    assert!(!schemas.check(&receipt, &receipt_schema, "receipt").is_empty());
}

#[test]
fn every_documented_operation_is_served() {
    let (server, _) = server();
    let doc = document(&server);
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let reply = server.call(method, path, None, None, None);
            // Refused for want of a token or a body, but routed: not 404 (no such path) nor 405.
            assert!(![404, 405].contains(&reply.status), "{method} {path} → {}", reply.status);
        }
    }
}
