//! `leads serve` as a real HTTP server on 127.0.0.1:0, driven by a real HTTP client.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};

use crate::env::{NOW, TestEnv, decided, expired, lead, with};
use crate::test_server::on_both_stores;
pub use crate::test_server::{Backing, TOKEN, TestServer, charges, env_on};

fn json_of(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().unwrap())
}

fn error_code(r: Response) -> (u16, String) {
    let (status, body) = json_of(r);
    (
        status,
        body["error"]["code"].as_str().unwrap_or("").to_string(),
    )
}

on_both_stores!(
    every_endpoint_and_error_code,
    a_customers_phone_and_email_are_given_only_once_the_lead_is_accepted,
    a_replayed_accept_returns_the_same_charge_and_charges_nothing_more,
    the_same_key_for_another_request_is_refused,
    fifty_concurrent_accepts_of_one_lead_make_exactly_one_charge,
    paging_through_1000_leads_yields_each_exactly_once_while_leads_arrive,
    it_refuses_to_run_without_tokens_and_stops_gracefully,
    a_message_is_stored_once_per_key_and_bad_ones_record_nothing,
    an_outcome_is_set_once_per_key_and_a_later_one_replaces_it,
);

fn fixture(backing: Backing) -> Option<TestEnv> {
    let env = env_on(backing)?;
    env.import(&[
        lead("a", 1),
        lead("b", 2),
        with(
            lead("c", 3),
            json!({"fee": {"amount": 25000, "currency": "TWD"}}),
        ),
        lead("late", 60),
        expired("gone", 5),
        decided("done", 4, "reject"),
    ]);
    Some(env)
}

fn every_endpoint_and_error_code(backing: Backing) {
    let Some(env) = fixture(backing) else {
        return;
    };
    let server = TestServer::start(&env);

    // GET /v1/leads: oldest first, filtered by status (as of now: "late" has lapsed).
    let (status, page) = json_of(server.get("/v1/leads"));
    assert_eq!(status, 200);
    let ids: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    // "done" and "gone" arrived at the same moment: ties go by id.
    assert_eq!(ids, ["late", "done", "gone", "c", "b", "a"]);
    assert_eq!(page["next_cursor"], Value::Null);
    let (_, page) = json_of(server.get("/v1/leads?status=pending"));
    assert_eq!(page["data"].as_array().unwrap().len(), 3);
    let (_, page) = json_of(server.get("/v1/leads?status=expired"));
    assert_eq!(page["data"][0]["id"], "late");
    assert_eq!(page["data"][0]["status"], "expired");
    for (query, code) in [
        ("?limit=0", "invalid_limit"),
        ("?limit=501", "invalid_limit"),
        ("?limit=x", "invalid_limit"),
        ("?cursor=zz", "invalid_cursor"),
        ("?status=open", "invalid_status"),
    ] {
        assert_eq!(
            error_code(server.get(&format!("/v1/leads{query}"))),
            (400, code.into()),
            "{query}"
        );
    }

    // GET /v1/leads/{id}
    let (status, a) = json_of(server.get("/v1/leads/a"));
    assert_eq!((status, a["id"].as_str()), (200, Some("a")));
    assert_eq!(
        error_code(server.get("/v1/leads/nope")),
        (404, "not_found".into())
    );

    // POST accept
    let (status, body) = json_of(server.post("/v1/leads/a/accept", Some("k-a"), "{}"));
    assert_eq!(status, 200);
    assert_eq!(body["lead"]["status"], "accepted");
    assert_eq!(body["charge"]["amount"], 18000);
    assert!(body["charge"]["id"].as_str().unwrap().starts_with("ch_"));
    assert_eq!(
        error_code(server.post("/v1/leads/b/accept", None, "{}")),
        (400, "idempotency_key_missing".into())
    );
    assert_eq!(
        error_code(server.post("/v1/leads/nope/accept", Some("k-n"), "")),
        (404, "not_found".into())
    );
    assert_eq!(
        error_code(server.post("/v1/leads/late/accept", Some("k-l"), "{}")),
        (409, "lead_expired".into())
    );
    assert_eq!(
        error_code(server.post("/v1/leads/gone/accept", Some("k-g"), "{}")),
        (409, "lead_expired".into())
    );
    assert_eq!(
        error_code(server.post("/v1/leads/done/accept", Some("k-d"), "{}")),
        (409, "already_decided".into())
    );
    // Another key for a lead already accepted: already decided, and no second charge.
    assert_eq!(
        error_code(server.post("/v1/leads/a/accept", Some("k-a2"), "{}")),
        (409, "already_decided".into())
    );
    assert_eq!(charges(&env).len(), 1);

    // POST reject
    let (status, body) = json_of(server.post(
        "/v1/leads/b/reject",
        Some("k-b"),
        r#"{"reason": "outside_area", "note": "far"}"#,
    ));
    assert_eq!(status, 200);
    assert_eq!(body["lead"]["decision"]["reason"], "outside_area");
    assert!(body.get("charge").is_none(), "rejecting is free");
    for (body, code, status) in [
        (r#"{"reason": "spam"}"#, "invalid_reason", 422),
        (r#"{"reason": "area"}"#, "invalid_reason", 422),
        (r#"{"note": "no reason"}"#, "invalid_reason", 422),
        (r#"{"reason": 5}"#, "invalid_reason", 422),
        ("{not json", "invalid_json", 400),
        ("[1, 2]", "invalid_json", 400),
        (r#"{"reason": "other", "note": 7}"#, "invalid_note", 400),
    ] {
        assert_eq!(
            error_code(server.post("/v1/leads/c/reject", Some(&format!("k-{body}")), body)),
            (status, code.into()),
            "{body}"
        );
    }
    let huge = format!(r#"{{"reason": "other", "note": "{}"}}"#, "x".repeat(20_000));
    assert_eq!(
        server
            .post("/v1/leads/c/reject", Some("k-huge"), &huge)
            .status()
            .as_u16(),
        413
    );

    // GET /v1/response-rate: the same rate code as `leads status` (over the SQLite store; a
    // database's figures are the same numbers).
    let (status, rate) = json_of(server.get("/v1/response-rate"));
    assert_eq!(status, 200);
    if env.database.is_none() {
        let local: Value = serde_json::from_str(&env.run(&["status", "--json"]).ok()).unwrap();
        assert_eq!(rate["responded"], local["responded"]);
        assert_eq!(rate["received"], local["received"]);
        assert_eq!(rate["rate"], local["rate"]);
    }
    // a, b and done answered, late and gone lapsed: 3 of 5 (c is still open).
    assert_eq!(
        (&rate["responded"], &rate["received"], &rate["rate"]),
        (&json!(3), &json!(5), &json!(0.6)),
        "{rate}"
    );
    assert_eq!(
        (rate["window_days"].clone(), rate["threshold"].clone()),
        (json!(30), json!(0.75))
    );

    // Unknown endpoints, and tokens.
    assert_eq!(
        error_code(server.get("/v1/nothing")),
        (404, "not_found".into())
    );
    let anonymous = Client::new()
        .get(format!("{}/v1/leads", server.base))
        .send()
        .unwrap();
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    assert_eq!(error_code(anonymous), (401, "unauthorized".into()));
    let wrong = Client::new()
        .get(format!("{}/v1/leads", server.base))
        .bearer_auth("test-token-0123456789abcdeX")
        .send()
        .unwrap();
    assert_eq!(error_code(wrong), (401, "unauthorized".into()));
    let other = Client::new()
        .get(format!("{}/v1/leads", server.base))
        .bearer_auth("other-token-that-is-long")
        .send()
        .unwrap();
    assert_eq!(other.status().as_u16(), 200, "every configured token works");

    // Health, for a load balancer: no token needed.
    for path in ["/healthz", "/readyz"] {
        let r = Client::new()
            .get(format!("{}{path}", server.base))
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
    }

    // The log has every request and never a token.
    std::thread::sleep(std::time::Duration::from_millis(100));
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("POST /v1/leads/a/accept 200"), "{log}");
    assert!(log.contains("GET /v1/leads 401"), "{log}");
    assert!(
        !log.contains(TOKEN) && !log.contains("other-token"),
        "a token reached the log"
    );
}

fn a_customers_phone_and_email_are_given_only_once_the_lead_is_accepted(backing: Backing) {
    let Some(env) = env_on(backing) else {
        return;
    };
    let contact =
        json!({"display_name": "Ms. Lin", "phone": "0912-345-678", "email": "lin@example.com"});
    env.import(&[
        with(lead("a", 1), json!({"customer": contact})),
        with(lead("b", 2), json!({"customer": contact})),
    ]);
    let server = TestServer::start(&env);
    let hidden = json!({"display_name": "Ms. Lin", "phone": null, "email": null});
    let (_, page) = json_of(server.get("/v1/leads?status=pending"));
    for l in page["data"].as_array().unwrap() {
        assert_eq!(l["customer"], hidden, "{l}");
    }
    let (_, b) = json_of(server.get("/v1/leads/b"));
    assert_eq!(b["customer"], hidden);
    let (_, rejected) =
        json_of(server.post("/v1/leads/b/reject", Some("kb"), r#"{"reason":"too_busy"}"#));
    assert_eq!(
        rejected["lead"]["customer"], hidden,
        "rejecting buys nothing"
    );
    let (status, accepted) = json_of(server.post("/v1/leads/a/accept", Some("ka"), "{}"));
    assert_eq!(status, 200);
    assert_eq!(accepted["lead"]["customer"], contact);
    let (_, a) = json_of(server.get("/v1/leads/a"));
    assert_eq!(a["customer"], contact);
}

fn a_replayed_accept_returns_the_same_charge_and_charges_nothing_more(backing: Backing) {
    let Some(env) = fixture(backing) else {
        return;
    };
    let server = TestServer::start(&env);
    let first = server.post("/v1/leads/c/accept", Some("key-1"), "{}");
    assert!(first.headers().get("idempotent-replayed").is_none());
    let (_, first) = json_of(first);
    let again = server.post("/v1/leads/c/accept", Some("key-1"), "{}");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let (status, again) = json_of(again);
    assert_eq!(status, 200);
    assert_eq!(again, first, "the stored response, byte for byte");
    assert_eq!(charges(&env).len(), 1);
    // A refusal is remembered too: the same key for the same request gets the same answer.
    assert_eq!(
        error_code(server.post(
            "/v1/leads/gone/reject",
            Some("key-2"),
            r#"{"reason":"other"}"#
        ))
        .0,
        409
    );
    let replay = server.post(
        "/v1/leads/gone/reject",
        Some("key-2"),
        r#"{"reason":"other"}"#,
    );
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
}

fn the_same_key_for_another_request_is_refused(backing: Backing) {
    let Some(env) = fixture(backing) else {
        return;
    };
    let server = TestServer::start(&env);
    assert_eq!(
        server
            .post("/v1/leads/a/accept", Some("key"), "{}")
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        error_code(server.post("/v1/leads/b/accept", Some("key"), "{}")),
        (422, "idempotency_key_reuse".into())
    );
    assert_eq!(
        error_code(server.post("/v1/leads/a/reject", Some("key"), r#"{"reason":"other"}"#)),
        (422, "idempotency_key_reuse".into())
    );
    assert_eq!(json_of(server.get("/v1/leads/b")).1["status"], "pending");
}

fn fifty_concurrent_accepts_of_one_lead_make_exactly_one_charge(backing: Backing) {
    let Some(env) = fixture(backing) else {
        return;
    };
    let server = Arc::new(TestServer::start(&env));
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let server = Arc::clone(&server);
            std::thread::spawn(move || {
                server
                    .post("/v1/leads/c/accept", Some(&format!("race-{i}")), "{}")
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        49,
        "{statuses:?}"
    );
    let charged = charges(&env);
    assert_eq!(charged.len(), 1);
    assert_eq!((charged[0].1.as_str(), charged[0].2.amount), ("c", 25000));
}

fn paging_through_1000_leads_yields_each_exactly_once_while_leads_arrive(backing: Backing) {
    let Some(env) = env_on(backing) else {
        return;
    };
    let leads: Vec<Value> = (0..1000)
        .map(|i| lead(&format!("p{i:04}"), 40 - i / 50))
        .collect();
    env.import(&leads);
    let server = TestServer::start(&env);
    let mut seen = std::collections::HashSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/leads?limit=97&cursor={c}"),
            None => "/v1/leads?limit=97".into(),
        };
        let (status, page) = json_of(server.get(&path));
        assert_eq!(status, 200);
        for l in page["data"].as_array().unwrap() {
            assert!(
                seen.insert(l["id"].as_str().unwrap().to_string()),
                "{} twice",
                l["id"]
            );
        }
        pages += 1;
        if pages == 3 {
            // New leads arrive mid-paging, newer than everything: they come on later pages.
            env.import(&[lead("new-1", 0), lead("new-2", 0)]);
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 1002);
    assert_eq!(pages, 11);
}

fn it_refuses_to_run_without_tokens_and_stops_gracefully(backing: Backing) {
    let Some(env) = fixture(backing) else {
        return;
    };
    let run = env
        .command()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("no API tokens") && err.contains("--tokens-file"),
        "{err}"
    );
    let short = env
        .command()
        .env("LEADS_SERVE_TOKENS", "abc")
        .args(["serve"])
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(2));
    assert!(
        !String::from_utf8_lossy(&short.stderr).contains("abc"),
        "the token itself is never printed"
    );
    let tokens = env.write("tokens", &format!("# shared queue\n\n{TOKEN}\n"));
    let file = env
        .command()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tokens-file",
            tokens.to_str().unwrap(),
            "--help",
        ])
        .output()
        .unwrap();
    assert!(file.status.success());

    // Any address but loopback gets a warning about clear text (binding only; nothing is sent).
    let mut public = Command::new(assert_cmd::cargo::cargo_bin("leads"))
        .args(["serve", "--listen", "0.0.0.0:0"])
        .env("LEADS_CONFIG", env.config_path())
        .env("LEADS_DATA_DIR", env.data_dir())
        .env("LEADS_SERVE_TOKENS", TOKEN)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(public.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    public.kill().unwrap();
    public.wait().unwrap();
    assert!(
        first.starts_with("warning: listening on 0.0.0.0:0 without TLS"),
        "{first}"
    );

    let server = TestServer::start(&env);
    assert_eq!(server.get("/v1/leads/a").status().as_u16(), 200);
    let log = Arc::clone(&server.log);
    assert_eq!(server.stop(), Some(0));
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(
        log.lock().unwrap().contains("stopped"),
        "{}",
        log.lock().unwrap()
    );
}

/// An accepted lead ("acc", decided 4 hours ago) and a pending one ("a").
fn conversation_fixture(backing: Backing) -> Option<TestEnv> {
    let env = env_on(backing)?;
    env.import(&[lead("a", 1), decided("acc", 4, "accept")]);
    Some(env)
}

fn messages_on(server: &TestServer, id: &str) -> Vec<Value> {
    let (status, body) = json_of(server.get(&format!("/v1/leads/{id}/messages")));
    assert_eq!(status, 200, "{body}");
    body["data"].as_array().unwrap().clone()
}

fn a_message_is_stored_once_per_key_and_bad_ones_record_nothing(backing: Backing) {
    let Some(env) = conversation_fixture(backing) else {
        return;
    };
    let server = TestServer::start(&env);
    let reply = r#"{"from": "pro", "channel": "platform", "text": "Hi Ms. Lin, Saturday works"}"#;

    let first = server.post("/v1/leads/acc/messages", Some("m-1"), reply);
    assert_eq!(first.status().as_u16(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let (_, first) = json_of(first);
    let message = &first["message"];
    assert!(message["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(
        (&message["from"], &message["channel"], &message["text"]),
        (
            &json!("pro"),
            &json!("platform"),
            &json!("Hi Ms. Lin, Saturday works")
        )
    );
    // No `at`: the server's now.
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(message["at"].as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339(NOW).unwrap()
    );

    // The same key and body: the stored response, and still one message.
    let again = server.post("/v1/leads/acc/messages", Some("m-1"), reply);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let (status, again) = json_of(again);
    assert_eq!((status, &again), (201, &first), "byte for byte");
    // The same key for another message, or for a decision: refused.
    let other = r#"{"from": "pro", "channel": "platform", "text": "Another"}"#;
    assert_eq!(
        error_code(server.post("/v1/leads/acc/messages", Some("m-1"), other)),
        (422, "idempotency_key_reuse".into())
    );
    assert_eq!(
        error_code(server.post("/v1/leads/a/accept", Some("m-1"), "{}")),
        (422, "idempotency_key_reuse".into())
    );
    assert_eq!(messages_on(&server, "acc").len(), 1);

    // Only an accepted lead has a conversation; an unknown one is 404.
    assert_eq!(
        error_code(server.post("/v1/leads/a/messages", Some("m-2"), reply)),
        (409, "not_accepted".into())
    );
    assert_eq!(
        error_code(server.post("/v1/leads/nope/messages", Some("m-3"), reply)),
        (404, "not_found".into())
    );
    assert_eq!(
        error_code(server.get("/v1/leads/nope/messages")),
        (404, "not_found".into())
    );
    assert_eq!(
        error_code(server.post("/v1/leads/acc/messages", None, reply)),
        (400, "idempotency_key_missing".into())
    );
    for (i, bad) in [
        r#"{"from": "pro", "channel": "platform", "text": "  "}"#,
        r#"{"from": "pro", "channel": "platform"}"#,
        r#"{"from": "pro", "channel": "fax", "text": "hi"}"#,
        r#"{"from": "robot", "channel": "phone"}"#,
        r#"{"channel": "phone"}"#,
        r#"{"from": "pro", "channel": "phone", "at": "2026-11-24T04:00:00Z"}"#,
        r#"{"from": "pro", "channel": "phone", "at": "2026-11-01T00:00:00Z"}"#,
        r#"{"from": "pro", "channel": "phone", "at": "yesterday"}"#,
        r#"{"from": "pro", "channel": "phone", "text": 5}"#,
    ]
    .into_iter()
    .enumerate()
    {
        let (status, body) =
            json_of(server.post("/v1/leads/acc/messages", Some(&format!("bad-{i}")), bad));
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("invalid_message")),
            "{bad}: {body}"
        );
        assert!(
            !body["error"]["message"].as_str().unwrap().is_empty(),
            "{body}"
        );
    }
    // A phone call needs no text, and may be dated earlier.
    let call = r#"{"from": "customer", "channel": "phone", "at": "2026-11-23T03:30:00Z"}"#;
    assert_eq!(
        server
            .post("/v1/leads/acc/messages", Some("m-4"), call)
            .status()
            .as_u16(),
        201
    );

    // Oldest first, and the lead object carries them too.
    let log = messages_on(&server, "acc");
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0]["channel"], "phone");
    assert_eq!(log[1]["text"], "Hi Ms. Lin, Saturday works");
    let (_, lead) = json_of(server.get("/v1/leads/acc"));
    assert_eq!(lead["messages"], Value::Array(log));
    assert_eq!(messages_on(&server, "a"), Vec::<Value>::new());
}

fn an_outcome_is_set_once_per_key_and_a_later_one_replaces_it(backing: Backing) {
    let Some(env) = conversation_fixture(backing) else {
        return;
    };
    let server = TestServer::start(&env);
    let won =
        r#"{"result": "won", "value": {"amount": 450000, "currency": "TWD"}, "reason": null}"#;
    let first = server.post("/v1/leads/acc/outcome", Some("o-1"), won);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let (status, first) = json_of(first);
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["lead"]["outcome"]["result"], "won");
    assert_eq!(first["lead"]["outcome"]["value"]["amount"], 450000);

    let again = server.post("/v1/leads/acc/outcome", Some("o-1"), won);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(json_of(again), (200, first.clone()));
    assert_eq!(
        error_code(server.post(
            "/v1/leads/acc/outcome",
            Some("o-1"),
            r#"{"result": "lost"}"#
        )),
        (422, "idempotency_key_reuse".into())
    );
    assert_eq!(
        error_code(server.post("/v1/leads/a/outcome", Some("o-2"), won)),
        (409, "not_accepted".into())
    );
    assert_eq!(
        error_code(server.post("/v1/leads/nope/outcome", Some("o-3"), won)),
        (404, "not_found".into())
    );
    for (i, bad) in [
        r#"{"result": "maybe"}"#,
        r#"{}"#,
        r#"{"result": "won", "value": {"amount": -1, "currency": "TWD"}}"#,
        r#"{"result": "won", "value": {"amount": 100, "currency": "taiwan dollars"}}"#,
        r#"{"result": "won", "value": 4500}"#,
        r#"{"result": "lost", "reason": 7}"#,
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(
            error_code(server.post("/v1/leads/acc/outcome", Some(&format!("bad-{i}")), bad)),
            (422, "invalid_outcome".into()),
            "{bad}"
        );
    }
    let (_, lead) = json_of(server.get("/v1/leads/acc"));
    assert_eq!(
        lead["outcome"], first["lead"]["outcome"],
        "nothing bad was recorded"
    );

    let (status, lost) = json_of(server.post(
        "/v1/leads/acc/outcome",
        Some("o-4"),
        r#"{"result": "lost", "value": null, "reason": "went with a cheaper quote"}"#,
    ));
    assert_eq!(status, 200);
    assert_eq!(lost["lead"]["outcome"]["result"], "lost");
    assert_eq!(
        lost["lead"]["outcome"]["reason"],
        "went with a cheaper quote"
    );
    assert_eq!(
        json_of(server.get("/v1/leads/acc")).1["outcome"]["result"],
        "lost"
    );
}
