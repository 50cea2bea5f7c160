//! Thumbtack and Yelp accounts against fake platforms on 127.0.0.1 (`fake_markets`): webhooks
//! received by a real `leads serve`, pulls by `leads sync`, replies by `leads reply`.

use reqwest::blocking::Client;
use serde_json::{Value, json};

use crate::env::{Run, TestEnv};
use crate::fake_markets::{Fake, TT_TOKEN, YELP_TOKEN};
use crate::serve::{TOKEN, TestServer};

pub(crate) const HOOK_PASSWORD: &str = "hook-password-SENTINEL-9012";

pub(crate) fn config(fake: &str) -> String {
    format!(
        r#"[remote]
connect_timeout = "1s"
timeout = "3s"
retries = 2

[[sources]]
name = "tt"
kind = "thumbtack"
url = "{fake}"
token_env = "TT_TOKEN"
business_id = "468046965846925323"
webhook_username = "leads"
webhook_password_env = "TT_HOOK_PASSWORD"

[[sources]]
name = "yelp"
kind = "yelp"
url = "{fake}"
token_env = "YELP_TOKEN"
business_id = "SoVHhx7Hel_XX0DKCLp72Q"

[[sources]]
name = "own"
kind = "local"
"#
    )
}

pub(crate) const VARS: [(&str, &str); 3] = [
    ("TT_TOKEN", TT_TOKEN),
    ("YELP_TOKEN", YELP_TOKEN),
    ("TT_HOOK_PASSWORD", HOOK_PASSWORD),
];

fn run(env: &TestEnv, args: &[&str]) -> Run {
    Run::from(env.command().envs(VARS).args(args).output().unwrap())
}

pub(crate) fn negotiation() -> Value {
    json!({"negotiationID": "n1", "status": "active",
        "category": {"categoryID": "2015", "name": "House Cleaning"},
        "customer": {"customerID": "c1", "displayName": "Olivia Y.",
            "location": {"city": "San Francisco", "state": "CA", "zipCode": "94117"}},
        "business": {"businessID": "468046965846925323", "name": "Robert's"},
        "details": [{"question": "Bedrooms", "answer": "3"}],
        "description": "Deep clean before we move out",
        "createTime": "2026-11-23T01:00:00Z"})
}

pub(crate) fn message(id: &str, from: &str, text: &str, at: &str) -> Value {
    json!({"messageID": id, "negotiationID": "n1",
        "customer": {"customerID": "c1", "displayName": "Olivia Y."},
        "from": from, "text": text, "attachments": [], "sentAt": at})
}

/// The lead-description and quick-reply messages, then three real ones.
pub(crate) fn messages() -> Vec<Value> {
    vec![
        message(
            "d",
            "Customer",
            "Deep clean before we move out",
            "2026-11-23T01:00:00Z",
        ),
        message(
            "q",
            "Pro",
            "Thanks for your request! We'll be in touch.",
            "2026-11-23T01:00:05Z",
        ),
        message(
            "m1",
            "Customer",
            "Can you come Friday?",
            "2026-11-23T02:00:00Z",
        ),
        message("m2", "Pro", "Friday 9am works", "2026-11-23T02:30:00Z"),
        message(
            "m3",
            "Customer",
            "Great, see you then",
            "2026-11-23T03:00:00Z",
        ),
    ]
}

pub(crate) fn hook(
    server: &TestServer,
    account: &str,
    auth: Option<(&str, &str)>,
    body: &Value,
) -> u16 {
    let mut request = Client::new()
        .post(format!("{}/webhooks/{account}", server.base))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some((user, password)) = auth {
        request = request.basic_auth(user, Some(password));
    }
    request.send().unwrap().status().as_u16()
}

fn show(env: &TestEnv, id: &str) -> Value {
    serde_json::from_str(&run(env, &["show", id, "--json"]).ok()).unwrap()
}

/// The lead's contact log as (id, from), and its stage.
fn log_of(card: &Value) -> (Vec<(String, String)>, String) {
    let lead = if card["messages"].is_array() {
        card
    } else {
        &card["lead"]
    };
    let log = lead["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_string(),
                m["from"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (
        log,
        card["conversation"]["stage"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
}

/// Waits for the account's webhook counts, saying where they stand if they never get there.
pub(crate) fn wait_queue(env: &TestEnv, account: &str, want: (u64, u64)) {
    for _ in 0..120 {
        if queued(env, account) == want {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let status = run(env, &["sync", "--status"]);
    panic!(
        "webhooks of {account} never reached {want:?}:\n{}",
        status.stdout
    );
}

fn queued(env: &TestEnv, account: &str) -> (u64, u64) {
    let out = Run::from(
        env.command()
            .envs(VARS)
            .args(["sync", "--status", "--json"])
            .output()
            .unwrap(),
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let a = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == account)
        .unwrap()
        .clone();
    (
        a["webhooks"]["processed"].as_u64().unwrap(),
        a["webhooks"]["queued"].as_u64().unwrap(),
    )
}

#[test]
fn a_thumbtack_negotiation_and_its_messages_by_webhook_make_one_lead() {
    let fake = Fake::start();
    let env = TestEnv::new();
    env.write_config(&config(&fake.url));
    let server = TestServer::start_with_env(&env, TOKEN, &VARS);
    let auth = Some(("leads", HOOK_PASSWORD));
    let msgs = messages();
    // Thumbtack's oddity: a message before its negotiation, which the API does not know yet.
    fake.with(|p| p.tt_messages = msgs.clone());
    assert_eq!(hook(&server, "tt", auth, &msgs[2]), 200);
    // Wrong password, no auth, a malformed body, an oversized one: refused, nothing stored.
    assert_eq!(hook(&server, "tt", Some(("leads", "wrong")), &msgs[3]), 401);
    assert_eq!(hook(&server, "tt", None, &msgs[3]), 401);
    assert_eq!(hook(&server, "tt", auth, &json!({"hello": "world"})), 400);
    let big = json!({"messageID": "x".repeat(70_000)});
    assert_eq!(hook(&server, "tt", auth, &big), 413);
    wait_queue(&env, "tt", (0, 1));
    // The negotiation arrives, with the automated messages and the rest; one twice.
    fake.with(|p| p.negotiations.insert("n1".into(), negotiation()));
    for body in [
        &negotiation(),
        &msgs[0],
        &msgs[1],
        &msgs[3],
        &msgs[4],
        &msgs[4],
    ] {
        assert_eq!(hook(&server, "tt", auth, body), 200);
    }
    wait_queue(&env, "tt", (6, 0));
    let _ = &server;
    let (log, stage) = log_of(&show(&env, "tt/n1"));
    let expected: Vec<(String, String)> = [("m1", "customer"), ("m2", "pro"), ("m3", "customer")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(log, expected);
    assert_eq!(stage, "your_turn");
    // It arrived answered: listed with the leads that need no decision, once.
    let list = run(
        &env,
        &["list", "--status", "all", "--kind", "all", "--plain"],
    )
    .ok();
    assert_eq!(list.matches("tt/n1").count(), 1, "{list}");
    // No secret in the server's log, nor in a command's output at -vv.
    let verbose = run(&env, &["-vv", "sync"]);
    let all = format!(
        "{}{}{}",
        server.log.lock().unwrap(),
        verbose.stdout,
        verbose.stderr
    );
    for secret in [TT_TOKEN, YELP_TOKEN, HOOK_PASSWORD] {
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
    }
    assert!(!fake.with(|p| p.requests.is_empty()));
}

#[test]
fn the_same_negotiation_pulled_by_sync_after_a_429_makes_the_same_lead() {
    let fake = Fake::start();
    let env = TestEnv::new();
    // A PRO who runs no server sets no webhook auth: pulling needs only the token.
    let pull_only = config(&fake.url).replace(
        "webhook_username = \"leads\"\nwebhook_password_env = \"TT_HOOK_PASSWORD\"\n",
        "",
    );
    assert!(!pull_only.contains("webhook_username"));
    env.write_config(&pull_only);
    fake.with(|p| {
        p.negotiations.insert("n1".into(), negotiation());
        p.tt_messages = messages();
        p.throttle = 1;
    });
    run(&env, &["sync", "--account", "tt"]).ok();
    let (log, stage) = log_of(&show(&env, "tt/n1"));
    let ids: Vec<&str> = log.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["m1", "m2", "m3"]);
    assert_eq!(stage, "your_turn");
    // Again: nothing new, nothing twice.
    run(&env, &["sync", "--account", "tt"]).ok();
    assert_eq!(log_of(&show(&env, "tt/n1")).0.len(), 3);
    // Thumbtack charged for the lead when it arrived: no fee, no decision to make.
    let rejected = run(&env, &["reject", "tt/n1", "--reason", "too_busy"]);
    assert_ne!(rejected.code, 0);
    // Only a server taking Thumbtack's webhooks needs their auth, and it says which keys.
    let served = run(&env, &["serve", "--listen", "127.0.0.1:0"]).fails(3);
    assert!(
        served.contains("webhook_username and webhook_password_env"),
        "{served}"
    );
}

pub(crate) fn yelp_events(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let who = if i % 2 == 0 { "CONSUMER" } else { "BIZ" };
            json!({"id": format!("e{i}"), "cursor": format!("c{i}"), "event_type": "TEXT",
                "user_type": who, "user_display_name": "x",
                "event_content": {"text": format!("event {i}")},
                "time_created": format!("2026-11-23T02:{:02}:00+00:00", i)})
        })
        .collect()
}

pub(crate) fn yelp_hook(event: &str) -> Value {
    json!({"time": "2026-11-23T03:00:01+00:00", "object": "business",
        "data": {"id": "SoVHhx7Hel_XX0DKCLp72Q", "updates": [{"event_type": "NEW_EVENT",
            "event_id": event, "lead_id": "L1", "interaction_time": "2026-11-23T03:00:00+00:00"}]}})
}

pub(crate) fn yelp_lead() -> Value {
    json!({"business_id": "SoVHhx7Hel_XX0DKCLp72Q", "id": "L1", "conversation_id": "cv",
        "temporary_email_address": "austin@messaging.yelp.com",
        "time_created": "2026-11-23T02:00:00+00:00",
        "last_event_time": "2026-11-23T02:24:00+00:00",
        "user": {"display_name": "Austin D."},
        "project": {"survey_answers": [{"question_text": "Rooms?", "answer_text": ["3"]}]}})
}

#[test]
fn a_yelp_new_event_fetches_the_lead_and_every_page_of_its_events() {
    let fake = Fake::start();
    let env = TestEnv::new();
    env.write_config(&config(&fake.url));
    fake.with(|p| {
        p.yelp_leads.insert("L1".into(), yelp_lead());
        p.yelp_events.insert("L1".into(), yelp_events(25));
    });
    let server = TestServer::start_with_env(&env, TOKEN, &VARS);
    assert_eq!(hook(&server, "yelp", None, &yelp_hook("ev1")), 200);
    assert_eq!(hook(&server, "yelp", None, &yelp_hook("ev1")), 200);
    // A webhook for another business is not this account's.
    let mut other = yelp_hook("ev2");
    other["data"]["id"] = json!("someone-else");
    assert_eq!(hook(&server, "yelp", None, &other), 400);
    wait_queue(&env, "yelp", (1, 0));
    let (log, _) = log_of(&show(&env, "yelp/L1"));
    assert_eq!(log.len(), 25);
    assert_eq!(log[0], ("e0".to_string(), "customer".to_string()));
    assert_eq!(log[1].1, "pro");
    // Two pages: the latest 20, then the 5 before them.
    let requests = fake.with(|p| p.requests.clone());
    assert!(
        requests.contains(&"GET events L1 older_than_cursor=c5".to_string()),
        "{requests:?}"
    );
    // A new event later: only what follows the last cursor is asked for.
    fake.with(|p| {
        p.yelp_events
            .get_mut("L1")
            .unwrap()
            .extend(yelp_events(27).split_off(25))
    });
    assert_eq!(hook(&server, "yelp", None, &yelp_hook("ev3")), 200);
    wait_queue(&env, "yelp", (2, 0));
    assert_eq!(log_of(&show(&env, "yelp/L1")).0.len(), 27);
    assert!(fake.with(|p| {
        p.requests
            .contains(&"GET events L1 newer_than_cursor=c24".to_string())
    }));
}

#[test]
fn a_reply_reaches_each_platform_once_also_after_it_was_down() {
    let fake = Fake::start();
    let env = TestEnv::new();
    env.write_config(&config(&fake.url));
    fake.with(|p| {
        p.negotiations.insert("n1".into(), negotiation());
        p.tt_messages = messages();
        p.yelp_leads.insert("L1".into(), yelp_lead());
        p.yelp_events.insert("L1".into(), yelp_events(1));
    });
    run(&env, &["sync", "--account", "tt"]).ok();
    // Yelp documents no list of a business's leads: its first webhook brings one in.
    let server = TestServer::start_with_env(&env, TOKEN, &VARS);
    assert_eq!(hook(&server, "yelp", None, &yelp_hook("ev1")), 200);
    wait_queue(&env, "yelp", (1, 0));
    server.stop();
    // Thumbtack answers at once.
    run(
        &env,
        &[
            "reply",
            "tt/n1",
            "-m",
            "See you Friday at 9",
            "--generic-ok",
        ],
    )
    .ok();
    // Yelp is down: the reply is kept, queued, and goes with the next sync.
    fake.with(|p| p.down = true);
    let down = run(
        &env,
        &[
            "reply",
            "yelp/L1",
            "-m",
            "Happy to help, when suits?",
            "--generic-ok",
        ],
    );
    assert!(
        down.stderr.contains("`leads sync` will send it"),
        "{}",
        down.stderr
    );
    fake.with(|p| p.down = false);
    run(&env, &["sync"]);
    run(&env, &["sync"]);
    let writes = fake.writes();
    assert_eq!(
        writes
            .iter()
            .filter(|w| w.starts_with("thumbtack n1"))
            .count(),
        1,
        "{writes:?}"
    );
    assert_eq!(
        writes.iter().filter(|w| w.starts_with("yelp L1")).count(),
        1,
        "{writes:?}"
    );
    assert!(
        writes
            .iter()
            .any(|w| w.contains("\"request_type\":\"TEXT\""))
    );
    // The platforms' copies of the replies, pulled back, are not logged twice.
    let pros = |id| {
        log_of(&show(&env, id))
            .0
            .iter()
            .filter(|(_, f)| f == "pro")
            .count()
    };
    assert_eq!(pros("tt/n1"), 2);
    assert_eq!(pros("yelp/L1"), 1);
    // A call outside Yelp marks the lead replied there.
    run(
        &env,
        &["contact", "yelp/L1", "--from", "pro", "--via", "phone"],
    )
    .ok();
    assert!(
        fake.writes()
            .iter()
            .any(|w| w.starts_with("yelp-replied L1") && w.contains("PHONE"))
    );
}

#[test]
fn a_webhook_answered_just_before_a_sigkill_is_processed_once_after_restart() {
    let fake = Fake::start();
    let env = TestEnv::new();
    env.write_config(&config(&fake.url));
    fake.with(|p| {
        p.negotiations.insert("n1".into(), negotiation());
        p.tt_messages = messages();
        p.down = true;
    });
    let server = TestServer::start_with_env(&env, TOKEN, &VARS);
    assert_eq!(
        hook(
            &server,
            "tt",
            Some(("leads", HOOK_PASSWORD)),
            &negotiation()
        ),
        200
    );
    server.kill();
    assert_eq!(queued(&env, "tt"), (0, 1));
    fake.with(|p| p.down = false);
    let server = TestServer::start_with_env(&env, TOKEN, &VARS);
    wait_queue(&env, "tt", (1, 0));
    drop(server);
    assert_eq!(log_of(&show(&env, "tt/n1")).0.len(), 3);
    let fetched = fake.with(|p| {
        p.requests
            .iter()
            .filter(|r| *r == "GET negotiation n1")
            .count()
    });
    assert!(fetched >= 1);
    assert_eq!(queued(&env, "tt"), (1, 0));
}

#[test]
fn three_accounts_make_one_inbox_with_status_per_account() {
    let fake = Fake::start();
    let env = TestEnv::new();
    env.write_config(&config(&fake.url));
    fake.with(|p| {
        p.negotiations.insert("n1".into(), negotiation());
        p.tt_messages = messages();
    });
    run(&env, &["sync"]).ok();
    let own = json!([crate::env::decided("x1", 2, "accept")]);
    env.write("own.json", &own.to_string());
    run(
        &env,
        &[
            "import",
            "--account",
            "own",
            env.dir.path().join("own.json").to_str().unwrap(),
        ],
    )
    .ok();
    // Reads need no platform token.
    let list = env.on_terminal(140, &["list", "--status", "all", "--kind", "all"]);
    assert!(list.contains("ACCOUNT"), "{list}");
    assert!(list.contains("tt/n1") && list.contains("own/x1"), "{list}");
    let status = run(&env, &["status", "--json"]).ok();
    let v: Value = serde_json::from_str(&status).unwrap();
    let text = v.to_string();
    for name in ["tt", "yelp", "own"] {
        assert!(
            text.contains(&format!("\"{name}\"")),
            "{name} missing: {text}"
        );
    }
    // Leads that arrive answered are not New Leads: no rate is shown for them, and nothing here
    // can put a rate at risk.
    let text = env.on_terminal(100, &["status"]);
    let tt = &text[text.find("tt · thumbtack").expect(&text)..];
    let tt = &tt[..tt.find("own · local").unwrap_or(tt.len())];
    assert!(tt.contains("no response rate"), "{text}");
    assert!(
        !tt.contains("Response rate") && !tt.contains("Safe"),
        "{text}"
    );
    assert!(
        text.contains("own · local") && text.contains("Response rate"),
        "{text}"
    );
    let check = run(&env, &["status", "--check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}
