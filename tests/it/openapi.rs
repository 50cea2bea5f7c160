//! docs/openapi.yaml against the real server: the same routes, and every response it gives has a
//! documented status and matches its documented schema. Either side drifting fails here.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::env::{decided, expired, lead};
use crate::serve::{Backing, TestServer, env_on};
use crate::test_server::on_both_stores;

fn document() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.yaml")).unwrap();
    serde_yaml_ng::from_str(&text).expect("docs/openapi.yaml is valid YAML")
}

/// Follows a local `$ref`.
fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.strip_prefix('#').expect("local refs only");
            resolve(
                doc,
                doc.pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling {r}")),
            )
        }
        None => node,
    }
}

/// Checks `value` against the subset of JSON Schema the document uses: type (one or a list),
/// required, properties, items, enum.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
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
        let fits = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
        if !fits {
            return Err(format!("{at}: {actual} where the document says {types:?}"));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        return Err(format!("{at}: {value} is not in the documented enum"));
    }
    if let Value::Object(fields) = value {
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = key.as_str().unwrap();
            if !fields.contains_key(key) {
                return Err(format!("{at}: required field {key} is missing"));
            }
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (key, sub) in props {
                if let Some(v) = fields.get(key) {
                    check(doc, sub, v, &format!("{at}.{key}"))?;
                }
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(doc, item_schema, item, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

#[test]
fn the_document_lists_exactly_the_served_routes() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let served: BTreeSet<(String, String)> = leads::server::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, served);
}

fn every_response_the_server_gives_is_documented_and_matches_its_schema(backing: Backing) {
    let doc = document();
    let Some(env) = env_on(backing) else {
        return;
    };
    env.import(&[
        lead("a", 1),
        lead("b", 2),
        lead("c", 3),
        expired("gone", 4),
        decided("acc", 5, "accept"),
    ]);
    let server = TestServer::start(&env);

    let huge = format!(r#"{{"reason":"other","note":"{}"}}"#, "x".repeat(20_000));
    // (method, documented path, request path, key, body): successes and each error this server
    // gives, per operation.
    let calls: Vec<(&str, &str, String, Option<&str>, &str)> = vec![
        ("GET", "/v1/leads", "/v1/leads".into(), None, ""),
        (
            "GET",
            "/v1/leads",
            "/v1/leads?status=pending&limit=1".into(),
            None,
            "",
        ),
        ("GET", "/v1/leads", "/v1/leads?limit=0".into(), None, ""),
        ("GET", "/v1/leads/{id}", "/v1/leads/a".into(), None, ""),
        ("GET", "/v1/leads/{id}", "/v1/leads/zzz".into(), None, ""),
        (
            "POST",
            "/v1/leads/{id}/accept",
            "/v1/leads/a/accept".into(),
            Some("k1"),
            "{}",
        ),
        (
            "POST",
            "/v1/leads/{id}/accept",
            "/v1/leads/a/accept".into(),
            Some("k1"),
            "{}",
        ),
        (
            "POST",
            "/v1/leads/{id}/accept",
            "/v1/leads/a/accept".into(),
            Some("k2"),
            "{}",
        ),
        (
            "POST",
            "/v1/leads/{id}/accept",
            "/v1/leads/gone/accept".into(),
            Some("k3"),
            "{}",
        ),
        (
            "POST",
            "/v1/leads/{id}/accept",
            "/v1/leads/b/accept".into(),
            None,
            "{}",
        ),
        (
            "POST",
            "/v1/leads/{id}/accept",
            "/v1/leads/b/accept".into(),
            Some("k1"),
            "{}",
        ),
        (
            "POST",
            "/v1/leads/{id}/reject",
            "/v1/leads/b/reject".into(),
            Some("k4"),
            r#"{"reason":"too_busy"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/reject",
            "/v1/leads/c/reject".into(),
            Some("k5"),
            r#"{"reason":"nope"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/reject",
            "/v1/leads/c/reject".into(),
            Some("k6"),
            "{bad",
        ),
        (
            "POST",
            "/v1/leads/{id}/reject",
            "/v1/leads/c/reject".into(),
            Some("k7"),
            &huge,
        ),
        (
            "GET",
            "/v1/response-rate",
            "/v1/response-rate".into(),
            None,
            "",
        ),
        (
            "POST",
            "/v1/leads/{id}/messages",
            "/v1/leads/acc/messages".into(),
            Some("m1"),
            r#"{"from":"pro","channel":"platform","text":"Hi Ms. Lin"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/messages",
            "/v1/leads/acc/messages".into(),
            Some("m1"),
            r#"{"from":"pro","channel":"platform","text":"Hi Ms. Lin"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/messages",
            "/v1/leads/acc/messages".into(),
            Some("m1"),
            r#"{"from":"pro","channel":"phone"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/messages",
            "/v1/leads/acc/messages".into(),
            Some("m2"),
            r#"{"from":"pro","channel":"fax"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/messages",
            "/v1/leads/c/messages".into(),
            Some("m3"),
            r#"{"from":"pro","channel":"phone"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/messages",
            "/v1/leads/zzz/messages".into(),
            Some("m4"),
            r#"{"from":"pro","channel":"phone"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/messages",
            "/v1/leads/acc/messages".into(),
            None,
            r#"{"from":"pro","channel":"phone"}"#,
        ),
        (
            "GET",
            "/v1/leads/{id}/messages",
            "/v1/leads/acc/messages".into(),
            None,
            "",
        ),
        (
            "GET",
            "/v1/leads/{id}/messages",
            "/v1/leads/zzz/messages".into(),
            None,
            "",
        ),
        // The lead with its conversation.
        ("GET", "/v1/leads/{id}", "/v1/leads/acc".into(), None, ""),
        (
            "POST",
            "/v1/leads/{id}/outcome",
            "/v1/leads/acc/outcome".into(),
            Some("o1"),
            r#"{"result":"won","value":{"amount":450000,"currency":"TWD"},"reason":null}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/outcome",
            "/v1/leads/acc/outcome".into(),
            Some("o2"),
            r#"{"result":"maybe"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/outcome",
            "/v1/leads/c/outcome".into(),
            Some("o3"),
            r#"{"result":"lost"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/outcome",
            "/v1/leads/zzz/outcome".into(),
            Some("o4"),
            r#"{"result":"lost"}"#,
        ),
        (
            "POST",
            "/v1/leads/{id}/outcome",
            "/v1/leads/acc/outcome".into(),
            None,
            r#"{"result":"lost"}"#,
        ),
        ("GET", "/v1/leads/{id}", "/v1/leads/acc".into(), None, ""),
    ];
    let mut statuses_seen = BTreeSet::new();
    for (method, documented, path, key, body) in calls {
        let response = match method {
            "GET" => server.get(&path),
            _ => server.post(&path, key, body),
        };
        let status = response.status().as_u16().to_string();
        let operation = &doc["paths"][documented][method.to_lowercase()];
        let answer = operation["responses"].get(&status).unwrap_or_else(|| {
            panic!("{method} {path} answered {status}, which the document does not list")
        });
        let answer = resolve(&doc, answer);
        let schema = &answer["content"]["application/json"]["schema"];
        let value: Value = response
            .json()
            .unwrap_or_else(|_| panic!("{method} {path}: body is not JSON"));
        if let Err(e) = check(&doc, schema, &value, &format!("{method} {path} {status}")) {
            panic!("{e}\n{}", serde_json::to_string_pretty(&value).unwrap());
        }
        statuses_seen.insert(status);
    }
    // The calls above reach every status this server gives.
    assert_eq!(
        statuses_seen,
        ["200", "201", "400", "404", "409", "413", "422"]
            .map(String::from)
            .into(),
    );
    // 401 too, with the documented Error body.
    let anonymous = reqwest::blocking::get(format!("{}/v1/leads", server.base)).unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let body: Value = anonymous.json().unwrap();
    check(
        &doc,
        &json!({"$ref": "#/components/schemas/Error"}),
        &body,
        "401",
    )
    .unwrap();
}

// The same document holds for the server on either store.
on_both_stores!(every_response_the_server_gives_is_documented_and_matches_its_schema);
