//! `source = "remote"`: the `leads` binary as a client of a real `leads serve` on loopback, with the
//! fault proxy between them. The server has its own store; the client keeps a cache and an outbox.

use std::process::Stdio;
use std::time::{Duration, Instant};

use rexpect::session::{PtySession, spawn_command};

use serde_json::{Value, json};

use crate::env::{Run, TestEnv, decided, lead, with};
use crate::proxy::{Fault, Proxy};
use crate::serve::{Backing, TOKEN, TestServer, charges, env_on};
use crate::test_server::on_both_stores;

/// A server with its leads, a proxy in front of it, and a client configured for the proxy.
struct Remote {
    server_env: TestEnv,
    server: TestServer,
    proxy: Proxy,
    client: TestEnv,
}

impl Remote {
    fn start(leads: &[Value]) -> Remote {
        Remote::start_on(Backing::Sqlite, leads).expect("SQLite is always here")
    }

    /// The same with the server on `backing`; None when that is PostgreSQL and it is not
    /// installed (the test then skips).
    fn start_on(backing: Backing, leads: &[Value]) -> Option<Remote> {
        let server_env = env_on(backing)?;
        server_env.import(leads);
        let server = TestServer::start(&server_env);
        let proxy = Proxy::start(&server.base, vec![]);
        let client = TestEnv::new();
        client.write_config(&config_for(&proxy.url));
        Some(Remote {
            server_env,
            server,
            proxy,
            client,
        })
    }

    /// The client, with the right token in LEADS_TOKEN.
    fn run(&self, args: &[&str]) -> Run {
        self.run_with_token(TOKEN, args)
    }

    fn run_with_token(&self, token: &str, args: &[&str]) -> Run {
        let out = self
            .client
            .command()
            .env("LEADS_TOKEN", token)
            .args(args)
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    fn sync(&self) -> Value {
        serde_json::from_str(&self.run(&["sync", "--json"]).ok()).unwrap()
    }

    /// The client on a pseudo-terminal, with these arguments and the clock at `now`.
    fn on_terminal(&self, args: &[&str], now: &str) -> PtySession {
        let mut cmd = self.client.process();
        cmd.args(args)
            .env("LEADS_TOKEN", TOKEN)
            .env("LEADS_NOW", now)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm");
        spawn_command(cmd, Some(20_000)).expect("a pseudo-terminal")
    }

    /// The lead as the server has it.
    fn on_server(&self, id: &str) -> Value {
        self.server.get(&format!("/v1/leads/{id}")).json().unwrap()
    }

    /// Charges in the server's ledger.
    fn server_charges(&self) -> usize {
        charges(&self.server_env).len()
    }

    /// Decision requests the proxy saw, as (request line, idempotency key).
    fn posts(&self) -> Vec<(String, Option<String>)> {
        self.proxy
            .seen()
            .into_iter()
            .filter(|(line, _)| line.starts_with("POST"))
            .collect()
    }
}

/// Short bounds, so the fault tests end quickly; the defaults are in config.example.toml.
fn config_for(url: &str) -> String {
    format!(
        "source = \"remote\"\n\n[remote]\nurl = \"{url}\"\nconnect_timeout = \"1s\"\ntimeout = \"3s\"\nretries = 2\n"
    )
}

fn pending(n: usize) -> Vec<Value> {
    (0..n).map(|i| lead(&format!("p{i:04}"), 1)).collect()
}

fn sync_pulls_every_page_and_notices_leads_decided_elsewhere(backing: Backing) {
    let Some(r) = Remote::start_on(backing, &pending(1_203)) else {
        return;
    };
    let first = r.sync();
    assert_eq!(first["pulled"], 1_203, "{first}");
    assert_eq!(first["pushed"], 0);
    let pages = r
        .proxy
        .seen()
        .iter()
        .filter(|(line, _)| line.starts_with("GET /v1/leads?"))
        .count();
    assert_eq!(pages, 3, "500 a page");
    let ids = r.client.ids(&["--offline"]);
    assert_eq!(ids.len(), 1_203);

    // Decided on the platform by someone else (the web app, another device).
    let answer = r.server.post(
        "/v1/leads/p0007/reject",
        Some("elsewhere"),
        r#"{"reason":"too_busy"}"#,
    );
    assert_eq!(answer.status().as_u16(), 200);
    let second = r.sync();
    assert_eq!(second["pulled"], 1_202);
    assert_eq!(second["updated_elsewhere"], 1);
    let shown = r.run(&["show", "p0007", "--offline", "--json"]).ok();
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["status"], "rejected", "{shown}");
}

fn decisions_reach_the_server_and_the_charge_it_reports_is_what_status_shows(backing: Backing) {
    let Some(r) = Remote::start_on(
        backing,
        &[lead("a", 1), lead("b", 2), decided("old", 30, "reject")],
    ) else {
        return;
    };
    r.run(&["reject", "a", "--reason", "area"]).ok();
    let accepted = r.run(&["accept", "b", "--yes", "--json"]).ok();
    let accepted: Value = serde_json::from_str(&accepted).unwrap();
    assert_eq!(accepted[0]["outcome"], "decided");

    assert_eq!(r.on_server("a")["decision"]["reason"], "outside_area");
    assert_eq!(r.on_server("b")["status"], "accepted");
    assert_eq!(r.server_charges(), 1);
    let b: Value =
        serde_json::from_str(&r.run(&["show", "b", "--offline", "--json"]).ok()).unwrap();
    assert_eq!(b["status"], "accepted", "{b}");

    let status: Value =
        serde_json::from_str(&r.run(&["status", "--offline", "--json"]).ok()).unwrap();
    assert_eq!(
        status["spend"]["spent"],
        json!([{"amount": 18000, "currency": "TWD"}])
    );
    // The server's figure (1 of 1, fetched at the first read) plus the two decisions since.
    assert_eq!(status["platform"]["responded"], 1, "{status}");
    assert_eq!(status["responded"], 3, "{status}");
    assert_eq!(status["received"], 3, "{status}");

    // Once the server's rate is fetched again, it counts them itself: nothing is added twice.
    r.sync();
    let status: Value =
        serde_json::from_str(&r.run(&["status", "--offline", "--json"]).ok()).unwrap();
    assert_eq!(status["platform"]["responded"], 3, "{status}");
    assert_eq!(status["responded"], 3, "{status}");
}

#[test]
fn an_accept_shows_the_contact_details_from_the_platforms_answer() {
    let contact =
        json!({"display_name": "Ms. Lin", "phone": "0912-345-678", "email": "lin@example.com"});
    let r = Remote::start(&[with(lead("a", 1), json!({"customer": contact}))]);
    r.sync();
    // Pending, the platform keeps them back.
    let cached: Value =
        serde_json::from_str(&r.run(&["show", "a", "--offline", "--json"]).ok()).unwrap();
    assert_eq!(cached["customer"]["phone"], Value::Null, "{cached}");
    let run = r.run(&["accept", "a", "--yes", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        out[0]["contact"],
        json!({"name": "Ms. Lin", "phone": "0912-345-678", "email": "lin@example.com"})
    );
    assert!(
        run.stderr
            .contains("Contact a: Ms. Lin · 0912-345-678 · lin@example.com"),
        "{}",
        run.stderr
    );
}

fn a_client_killed_after_the_server_committed_is_charged_once_after_sync(backing: Backing) {
    let Some(r) = Remote::start_on(backing, &[lead("a", 1)]) else {
        return;
    };
    r.sync();
    // The server takes the accept; its answer never comes back while the client waits.
    r.proxy
        .then(Fault::ForwardThenHang(Duration::from_secs(60)));
    let before = r.proxy.forwarded();
    let mut child = r
        .client
        .process()
        .args(["accept", "a", "--yes"])
        .env("LEADS_TOKEN", TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while r.proxy.forwarded() == before {
        assert!(started.elapsed() < Duration::from_secs(20), "never sent");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL: no chance to mark it sent
    child.wait().unwrap();
    assert_eq!(r.server_charges(), 1);

    r.proxy.then(Fault::Forward);
    let synced = r.sync();
    assert_eq!(synced["pushed"], 1, "{synced}");
    assert_eq!(r.server_charges(), 1, "the retry was replayed, not charged");
    let keys: Vec<_> = r.posts().into_iter().map(|(_, key)| key).collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(
        keys[0], keys[1],
        "the same idempotency key after the restart"
    );
    assert_eq!(r.sync()["pushed"], 0);
}

fn decisions_made_while_the_server_is_down_are_queued_and_sync_delivers_each_once(
    backing: Backing,
) {
    let Some(r) = Remote::start_on(backing, &[lead("a", 1), lead("b", 2), lead("c", 3)]) else {
        return;
    };
    r.sync();
    r.proxy.then(Fault::Drop);
    let err = r.run(&["reject", "a", "--reason", "busy"]).fails(9);
    assert!(err.contains("queued 1: `leads sync` will send it"), "{err}");
    r.run(&["reject", "b", "--reason", "busy"]).fails(9);
    // Queued decisions count in the projection at once.
    let status = r.run(&["status", "--offline"]).ok();
    assert!(
        status.contains("plus 0 accepted and 2 rejected here since"),
        "{status}"
    );
    let err = r.run(&["sync"]).fails(1);
    assert!(err.contains("could not be reached"), "{err}");
    assert_eq!(r.on_server("a")["status"], "pending");

    r.proxy.then(Fault::Forward);
    let synced = r.sync();
    assert_eq!(synced["pushed"], 2, "{synced}");
    assert_eq!(r.on_server("a")["status"], "rejected");
    assert_eq!(r.on_server("b")["status"], "rejected");
    assert_eq!(r.sync()["pushed"], 0, "nothing is sent twice");
    // Every attempt for a lead carried that lead's one key.
    for id in ["a", "b"] {
        let keys: std::collections::HashSet<_> = r
            .posts()
            .into_iter()
            .filter(|(line, _)| line.contains(&format!("/v1/leads/{id}/")))
            .map(|(_, key)| key)
            .collect();
        assert_eq!(keys.len(), 1, "{id}: {keys:?}");
    }
}

#[test]
fn a_429_is_waited_out_and_the_decision_lands() {
    let r = Remote::start(&[lead("a", 1)]);
    r.sync();
    r.proxy.next(vec![Fault::Status(429, Some(1))]);
    let started = Instant::now();
    r.run(&["reject", "a", "--reason", "busy"]).ok();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(r.posts().len(), 2);
    assert_eq!(r.on_server("a")["status"], "rejected");
}

fn server_errors_and_dropped_connections_are_retried_then_reported_and_queued(backing: Backing) {
    let Some(r) = Remote::start_on(backing, &[lead("a", 1), lead("b", 2)]) else {
        return;
    };
    r.sync();
    // Two faults, then the answer: retries = 2 is enough.
    r.proxy.next(vec![Fault::Status(500, None), Fault::Drop]);
    r.run(&["reject", "a", "--reason", "busy"]).ok();
    assert_eq!(r.posts().len(), 3);
    // Three faults: one more than the retries allow.
    r.proxy.next(vec![
        Fault::Status(503, None),
        Fault::Status(500, None),
        Fault::Drop,
    ]);
    let err = r.run(&["reject", "b", "--reason", "busy"]).fails(9);
    assert!(err.starts_with("Rejected 1 here · "), "{err}");
    assert!(
        err.contains(
            "queued 1: `leads sync` will send it (the API could not be reached after 3 attempts in"
        ),
        "{err}"
    );
    assert_eq!(r.posts().len(), 6);
    assert_eq!(r.sync()["pushed"], 1);
    assert_eq!(r.on_server("b")["status"], "rejected");
}

#[test]
fn a_server_that_never_answers_ends_the_command_within_the_timeout_with_the_decision_queued() {
    let r = Remote::start(&[lead("a", 1)]);
    r.sync();
    r.proxy.then(Fault::Hang(Duration::from_secs(60)));
    let started = Instant::now();
    let err = r.run(&["reject", "a", "--reason", "busy"]).fails(9);
    let took = started.elapsed();
    // remote.timeout is 3 s; the process itself needs a moment more.
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(err.contains("after 1 attempt in"), "{err}");
    assert!(err.contains("timed out"), "{err}");
    r.proxy.then(Fault::Forward);
    assert_eq!(r.sync()["pushed"], 1);
    assert_eq!(r.on_server("a")["status"], "rejected");
}

#[test]
fn a_final_4xx_is_not_retried_and_takes_the_servers_word() {
    let r = Remote::start(&[lead("a", 1)]);
    r.sync();
    // Someone rejected it on the platform after this client's last pull.
    r.server.post(
        "/v1/leads/a/reject",
        Some("web"),
        r#"{"reason":"too_busy"}"#,
    );
    let err = r.run(&["accept", "a", "--yes"]).fails(12);
    assert!(err.contains("already decided"), "{err}");
    assert_eq!(r.posts().len(), 1, "a 409 is final");
    assert_eq!(r.server_charges(), 0);
    let shown: Value =
        serde_json::from_str(&r.run(&["show", "a", "--offline", "--json"]).ok()).unwrap();
    assert_eq!(shown["status"], "rejected");
    let status: Value =
        serde_json::from_str(&r.run(&["status", "--offline", "--json"]).ok()).unwrap();
    assert_eq!(status["spend"]["spent"], json!([]), "no charge shown");
}

#[test]
fn a_refusal_from_something_in_between_says_what_it_said_and_decides_nothing() {
    let r = Remote::start(&[lead("a", 1), lead("b", 2)]);
    r.sync();
    r.proxy.next(vec![Fault::Answer(
        418,
        "<html><body><h1>I'm a teapot</h1>\n<p>blocked by policy</p></body></html>",
    )]);
    // What the lead's line on a terminal says, as JSON gives it too.
    let why_text = |run: Run| {
        let results: Value = serde_json::from_str(&run.stdout).unwrap();
        // The one lead selected was skipped: nothing decided.
        run.fails(12);
        results[0]["why_text"].as_str().unwrap().to_string()
    };
    let why = why_text(r.run(&["accept", "a", "--yes", "--json"]));
    assert!(
        why.contains(
            "refused by the platform: HTTP 418 I'm a teapot: \"<html><body><h1>I'm a teapot</h1> <p>blocked by policy</p></body></html>\""
        ),
        "{why}"
    );
    // A 404 page from a gateway (a wrong remote.url, say) is not the platform's "no such lead".
    r.proxy.next(vec![Fault::Answer(404, "")]);
    let why = why_text(r.run(&["reject", "b", "--reason", "busy", "--json"]));
    assert!(
        why.contains("refused by the platform: HTTP 404 Not Found, with an empty body"),
        "{why}"
    );
    for id in ["a", "b"] {
        let shown: Value =
            serde_json::from_str(&r.run(&["show", id, "--offline", "--json"]).ok()).unwrap();
        assert_eq!(shown["status"], "pending", "{id}: {shown}");
        assert_eq!(r.on_server(id)["status"], "pending");
    }
    assert_eq!(r.server_charges(), 0);
}

#[test]
fn a_wrong_token_says_which_variable_to_set() {
    let r = Remote::start(&[lead("a", 1)]);
    let run = r.run_with_token("wrong-token-sentinel-4242", &["sync"]);
    let err = run.fails(3);
    assert!(err.contains("refused the token (401)"), "{err}");
    assert!(err.contains("LEADS_TOKEN"), "{err}");
    assert!(!err.contains("wrong-token-sentinel-4242"), "{err}");
    // Reads still answer, from the (empty) cache, and say why.
    let run = r.run_with_token("wrong-token-sentinel-4242", &["list"]);
    assert!(
        run.stderr.contains("refused the token (401)"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 0);
}

#[test]
fn reads_answer_from_the_cache_when_the_api_is_unreachable_and_say_how_old_it_is() {
    let r = Remote::start(&[lead("a", 1), lead("b", 2)]);
    r.sync();
    r.proxy.then(Fault::Drop);
    let later = "2026-11-23T12:10:00+08:00";
    let out = r
        .client
        .command()
        .env("LEADS_TOKEN", TOKEN)
        .env("LEADS_NOW", later)
        .args(["list", "--plain"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("showing the cache from 10m ago"), "{err}");
    // --offline never tries.
    let seen = r.proxy.seen().len();
    r.run(&["list", "--offline"]).ok();
    assert_eq!(r.proxy.seen().len(), seen);
}

/// Ten minutes after [`crate::env::NOW`]: past remote.max_cache_age, so reads refresh first.
const LATER: &str = "2026-11-23T12:10:00+08:00";

#[test]
fn a_read_on_a_terminal_answers_from_the_cache_within_seconds_when_the_api_hangs() {
    let r = Remote::start(&[lead("a", 1), lead("b", 2)]);
    // The full policy would wait 30 s.
    r.client.write_config(&format!(
        "source = \"remote\"\n\n[remote]\nurl = \"{}\"\ntimeout = \"30s\"\n",
        r.proxy.url
    ));
    r.sync();
    r.proxy.then(Fault::Hang(Duration::from_secs(60)));
    let started = Instant::now();
    let mut p = r.on_terminal(&["list"], LATER);
    p.exp_string("warning: the API did not answer within 3s: showing the cache from 10m ago")
        .unwrap();
    p.exp_string("hint: `leads sync` refreshes it; remote.read_timeout sets the wait")
        .unwrap();
    p.exp_string("Deep home cleaning").unwrap();
    p.exp_eof().unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(8), "{took:?}");

    // The inbox reads the same way.
    let started = Instant::now();
    let mut p = r.on_terminal(&["inbox"], LATER);
    p.exp_string("did not answer within 3s").unwrap();
    p.exp_string("[1/2] b").unwrap();
    p.send("q").unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[test]
fn an_inbox_decision_queued_while_the_api_is_down_counts_in_its_summary() {
    let r = Remote::start(&[lead("a", 1), lead("b", 2)]);
    r.sync();
    r.proxy.then(Fault::Drop);
    let mut p = r.on_terminal(&["inbox"], crate::env::NOW);
    p.exp_string("[1/2] b").unwrap();
    p.send("r").unwrap();
    p.flush().unwrap();
    p.exp_string("Why?").unwrap();
    p.send("5").unwrap();
    p.flush().unwrap();
    p.exp_string("Queued b: ").unwrap();
    p.exp_string("[2/2] a").unwrap();
    p.send("q").unwrap();
    p.flush().unwrap();
    p.exp_string("Accepted 0").unwrap();
    p.exp_string("rejected 1 here").unwrap();
    p.exp_string("queued 1: `leads sync` will send it").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn a_piped_read_keeps_the_full_retry_policy() {
    let r = Remote::start(&[lead("a", 1)]);
    r.client.write_config(&format!(
        "{}read_timeout = \"1s\"\n",
        config_for(&r.proxy.url)
    ));
    r.sync();
    r.proxy.then(Fault::Hang(Duration::from_secs(60)));
    let started = Instant::now();
    let out = r
        .client
        .command()
        .env("LEADS_TOKEN", TOKEN)
        .env("LEADS_NOW", LATER)
        .args(["list", "--plain"])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(out.status.success());
    // No terminal, nobody waiting: remote.timeout (3 s here), not read_timeout.
    assert!(took >= Duration::from_millis(2900), "{took:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not refresh the cache"), "{err}");
    assert!(err.contains("showing the cache from 10m ago"), "{err}");
}

#[test]
fn an_empty_cache_points_to_sync() {
    let r = Remote::start(&[]);
    let run = r.run(&["list"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains("No leads yet. `leads sync` brings in the platform's pending leads."),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("leads import"), "{}", run.stderr);
    let mut p = r.on_terminal(&["inbox", "--offline"], crate::env::NOW);
    p.exp_string("Inbox zero: no leads yet. `leads sync` brings in the platform's pending leads.")
        .unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn the_token_appears_in_no_output_of_any_command() {
    let r = Remote::start(&[lead("a", 1), lead("b", 2), lead("c", 3)]);
    // The token in the config file too (private, so no warning), as well as the environment.
    r.client.write_config(&format!(
        "{}token = \"{TOKEN}\"\n",
        config_for(&r.proxy.url)
    ));
    set_mode(&r.client.config_path(), 0o600);
    let commands: &[&[&str]] = &[
        &["sync"],
        &["sync", "--json"],
        &["list"],
        &["list", "--json"],
        &["show", "a"],
        &["status"],
        &["status", "--json"],
        &["reject", "a", "--reason", "busy"],
        &["accept", "b", "--yes"],
        &["history", "--json"],
        &["config", "show"],
        &["config", "check"],
        &["show", "nope"],
    ];
    let mut all = String::new();
    // At the highest verbosity, where every request is logged.
    fn loud<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [&["-vv"][..], args].concat()
    }
    for args in commands {
        let run = r.run(&loud(args));
        all.push_str(&run.stdout);
        all.push_str(&run.stderr);
    }
    // And when things go wrong: down, then refused.
    r.proxy.then(Fault::Drop);
    let run = r.run(&loud(&["reject", "c", "--reason", "busy"]));
    all.push_str(&run.stderr);
    r.proxy.then(Fault::Status(401, None));
    for args in [&["sync"][..], &["list"]] {
        let run = r.run(&loud(args));
        all.push_str(&run.stdout);
        all.push_str(&run.stderr);
    }
    assert!(all.contains("<set, hidden>"), "config show says it is set");
    assert!(
        all.contains("leads: GET /v1/leads"),
        "requests were logged: {all}"
    );
    assert!(!all.contains(TOKEN), "{all}");
    let log = r.server.log.lock().unwrap().clone();
    assert!(!log.contains(TOKEN), "{log}");
}

#[test]
fn a_config_holding_a_token_that_others_can_read_is_warned_about() {
    let r = Remote::start(&[lead("a", 1)]);
    r.client.write_config(&format!(
        "{}token = \"{TOKEN}\"\n",
        config_for(&r.proxy.url)
    ));
    set_mode(&r.client.config_path(), 0o644);
    let run = r.run(&["list", "--offline"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);
    set_mode(&r.client.config_path(), 0o600);
    let run = r.run(&["list", "--offline"]);
    assert!(!run.stderr.contains("chmod"), "{}", run.stderr);
}

#[test]
fn sync_explains_itself_when_the_source_is_local_or_offline() {
    let env = TestEnv::new();
    let err = env.run(&["sync"]).fails(2);
    assert!(err.contains("source = \"remote\""), "{err}");
    let r = Remote::start(&[lead("a", 1)]);
    let err = r.run(&["sync", "--offline"]).fails(2);
    assert!(err.contains("without --offline"), "{err}");
}

#[test]
fn offline_decisions_need_no_token_and_wait_for_sync() {
    let r = Remote::start(&[lead("a", 1)]);
    r.sync();
    let run = r.run_with_token("", &["reject", "a", "--reason", "busy", "--offline"]);
    let err = run.fails(9);
    assert!(err.contains("--offline"), "{err}");
    assert!(
        r.proxy
            .seen()
            .iter()
            .all(|(line, _)| !line.starts_with("POST"))
    );
    assert_eq!(r.sync()["pushed"], 1);
    assert_eq!(r.on_server("a")["status"], "rejected");
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_stale_read_that_sends_the_outbox_says_which_decisions_were_refused() {
    let r = Remote::start(&[lead("a", 1), lead("b", 2)]);
    r.sync();
    r.run(&["reject", "a", "--reason", "busy", "--offline"])
        .fails(9);
    // Meanwhile someone answered it on the platform.
    r.server.post("/v1/leads/a/accept", Some("web"), "{}");
    let out = r
        .client
        .command()
        .env("LEADS_TOKEN", TOKEN)
        .env("LEADS_NOW", "2026-11-23T12:10:00+08:00")
        .args(["list", "--plain"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not sent, a: already accepted"), "{err}");
    assert_eq!(
        r.server_charges(),
        1,
        "the platform's own accept, nothing more"
    );
}

/// A lead the platform and this client both have as accepted, through this client.
fn accepted_remote() -> Remote {
    let r = Remote::start(&[lead("a", 1)]);
    r.sync();
    r.run(&["accept", "a", "--yes"]).ok();
    r
}

const REPLY: &str = "Hi Ms. Lin, Saturday morning works for me";

impl Remote {
    /// The lead's contact log as the platform has it.
    fn messages_on_server(&self, id: &str) -> Vec<Value> {
        let body: Value = self
            .server
            .get(&format!("/v1/leads/{id}/messages"))
            .json()
            .unwrap();
        body["data"].as_array().unwrap().clone()
    }

    /// The lead's contact log as this client has it.
    fn messages_here(&self, id: &str) -> Vec<Value> {
        let shown: Value =
            serde_json::from_str(&self.run(&["show", id, "--offline", "--json"]).ok()).unwrap();
        shown["messages"].as_array().cloned().unwrap_or_default()
    }

    /// The Idempotency-Keys of the POSTs to this path.
    fn keys_for(&self, path: &str) -> Vec<Option<String>> {
        self.posts()
            .into_iter()
            .filter(|(line, _)| line.starts_with(&format!("POST {path} ")))
            .map(|(_, key)| key)
            .collect()
    }
}

#[test]
fn a_reply_queued_while_the_server_is_down_is_delivered_once_when_it_is_back() {
    let r = accepted_remote();
    r.proxy.then(Fault::Drop);
    let err = r.run(&["reply", "a", "-m", REPLY]).fails(9);
    assert!(err.contains("`leads sync` will send it"), "{err}");
    assert!(err.contains("could not be reached"), "{err}");
    assert_eq!(r.messages_here("a").len(), 1, "recorded here at once");
    r.run(&["sync"]).fails(1);
    assert!(r.messages_on_server("a").is_empty());

    r.proxy.then(Fault::Forward);
    let synced = r.sync();
    assert_eq!(synced["messages_sent"], 1, "{synced}");
    assert_eq!(synced["updates_queued"], 0, "{synced}");
    let on_server = r.messages_on_server("a");
    assert_eq!(on_server.len(), 1, "{on_server:?}");
    assert_eq!(on_server[0]["text"], REPLY);
    assert_eq!(r.sync()["messages_sent"], 0, "nothing is sent twice");
    assert_eq!(r.messages_on_server("a").len(), 1);
    // Every attempt carried the one key.
    let keys = r.keys_for("/v1/leads/a/messages");
    assert!(keys.len() >= 3, "{keys:?}");
    assert!(
        keys.iter().all(|k| k.is_some() && *k == keys[0]),
        "{keys:?}"
    );
    // Here, the message took the platform's id, so the pull did not add it again.
    let here = r.messages_here("a");
    assert_eq!(here.len(), 1, "{here:?}");
    assert_eq!(here[0]["id"], on_server[0]["id"]);
}

#[test]
fn a_message_whose_answer_was_lost_is_replayed_after_a_restart_not_repeated() {
    let r = accepted_remote();
    r.proxy
        .then(Fault::ForwardThenHang(Duration::from_secs(60)));
    let before = r.proxy.forwarded();
    let mut child = r
        .client
        .process()
        .args([
            "contact",
            "a",
            "--from",
            "pro",
            "--via",
            "phone",
            "--note",
            "Called about Saturday",
        ])
        .env("LEADS_TOKEN", TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while r.proxy.forwarded() == before {
        assert!(started.elapsed() < Duration::from_secs(20), "never sent");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL: no chance to hear the platform's id
    child.wait().unwrap();
    assert_eq!(r.messages_on_server("a").len(), 1);

    r.proxy.then(Fault::Forward);
    assert_eq!(r.sync()["messages_sent"], 1);
    assert_eq!(r.messages_on_server("a").len(), 1, "replayed, not repeated");
    let keys = r.keys_for("/v1/leads/a/messages");
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "the same key after the restart");
    let here = r.messages_here("a");
    assert_eq!(here.len(), 1, "{here:?}");
    assert_eq!(here[0]["id"], r.messages_on_server("a")[0]["id"]);
}

#[test]
fn contacts_and_outcomes_reach_the_platform_and_sync_pulls_the_customers_messages() {
    let r = accepted_remote();
    let sent = r.run(&["reply", "a", "-m", REPLY, "--json"]);
    assert!(
        sent.stderr.contains("The platform has it."),
        "{}",
        sent.stderr
    );
    assert!(!sent.stderr.contains("Paste it"), "{}", sent.stderr);
    let sent: Value = serde_json::from_str(&sent.ok()).unwrap();
    r.run(&[
        "contact", "a", "--from", "customer", "--via", "phone", "--at", "30m",
    ])
    .ok();
    let on_server = r.messages_on_server("a");
    assert_eq!(on_server.len(), 2);
    // What --json said is the message as the platform keeps it.
    // (the contact, logged as half an hour ago, comes first).
    assert_eq!(sent["id"], on_server[1]["id"], "{sent} {on_server:?}");
    let run = r.run(&["won", "a", "--value", "4,500"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outcome = &r.on_server("a")["outcome"];
    assert_eq!(outcome["result"], "won", "{outcome}");
    assert_eq!(
        outcome["value"],
        json!({"amount": 450000, "currency": "TWD"})
    );

    // The customer writes on the platform; the next sync brings it here, once.
    let posted = r.server.post(
        "/v1/leads/a/messages",
        Some("from-the-customer"),
        r#"{"from": "customer", "channel": "platform", "text": "Great, see you Saturday"}"#,
    );
    assert_eq!(posted.status().as_u16(), 201);
    let synced = r.sync();
    assert_eq!(synced["messages_pulled"], 1, "{synced}");
    assert_eq!(r.sync()["messages_pulled"], 0);
    let here = r.messages_here("a");
    assert_eq!(here.len(), 3, "{here:?}");
    assert!(
        here.iter()
            .any(|m| m["text"] == "Great, see you Saturday" && m["from"] == "customer"),
        "{here:?}"
    );
    let shown: Value =
        serde_json::from_str(&r.run(&["show", "a", "--offline", "--json"]).ok()).unwrap();
    assert_eq!(shown["outcome"]["result"], "won", "{shown}");
    assert_eq!(
        shown["conversation"]["outcome_changes"],
        json!([]),
        "the platform's copy of the outcome is not a correction"
    );
}

#[test]
fn offline_work_is_sent_in_order_and_an_update_the_platform_refuses_is_undone() {
    let r = Remote::start(&[lead("a", 1), lead("b", 2)]);
    r.sync();
    // Accepted and answered offline: the reply waits behind the accept.
    r.run(&["accept", "a", "--yes", "--offline"]).fails(9);
    let err = r.run(&["reply", "a", "-m", REPLY, "--offline"]).fails(9);
    assert!(err.contains("`leads sync` will send it"), "{err}");
    r.run(&["won", "a", "--offline"]).fails(9);
    // Meanwhile b was rejected on the platform; this client accepts it offline and replies.
    r.server.post(
        "/v1/leads/b/reject",
        Some("web"),
        r#"{"reason":"too_busy"}"#,
    );
    r.run(&["accept", "b", "--yes", "--offline"]).fails(9);
    r.run(&[
        "reply",
        "b",
        "-m",
        "Hi Ms. Lin, Saturday morning is free",
        "--offline",
    ])
    .fails(9);

    let run = r.run(&["sync", "--json"]);
    let synced: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (
            &synced["pushed"],
            &synced["messages_sent"],
            &synced["outcomes_sent"]
        ),
        (&json!(1), &json!(1), &json!(1)),
        "{synced}"
    );
    assert_eq!(synced["updates_refused"], 1, "{synced}");
    assert!(run.stderr.contains("not sent, b"), "{}", run.stderr);
    assert_eq!(r.on_server("a")["status"], "accepted");
    assert_eq!(r.messages_on_server("a").len(), 1);
    assert_eq!(r.on_server("a")["outcome"]["result"], "won");
    // The platform has b rejected, with no conversation: none is kept here either.
    assert!(r.messages_here("b").is_empty());
    assert!(r.messages_on_server("b").is_empty());
    assert_eq!(r.sync()["messages_sent"], 0);
}

#[test]
fn a_message_or_outcome_the_platform_refuses_at_once_is_not_kept_and_says_why() {
    let r = accepted_remote();
    r.proxy.next(vec![Fault::Answer(
        422,
        r#"{"error":{"code":"invalid_message","message":"text is too long for the chat"}}"#,
    )]);
    let err = r.run(&["reply", "a", "-m", REPLY]).fails(1);
    assert!(
        err.contains(
            "the platform refused it (invalid_message: text is too long for the chat); nothing was recorded"
        ),
        "{err}"
    );
    assert!(r.messages_here("a").is_empty());

    r.run(&["won", "a", "--value", "4500"]).ok();
    r.proxy.next(vec![Fault::Answer(
        422,
        r#"{"error":{"code":"invalid_outcome","message":"no"}}"#,
    )]);
    let err = r.run(&["lost", "a"]).fails(1);
    assert!(err.contains("invalid_outcome: no"), "{err}");
    // The outcome it would have replaced stands, as it does on the platform, and no change is kept.
    let shown: Value =
        serde_json::from_str(&r.run(&["show", "a", "--offline", "--json"]).ok()).unwrap();
    assert_eq!(shown["outcome"]["result"], "won", "{shown}");
    assert_eq!(
        shown["conversation"]["outcome_changes"],
        json!([]),
        "{shown}"
    );
    assert_eq!(r.on_server("a")["outcome"]["result"], "won");
    assert_eq!(r.sync()["updates_queued"], 0);
}

on_both_stores!(
    sync_pulls_every_page_and_notices_leads_decided_elsewhere,
    decisions_reach_the_server_and_the_charge_it_reports_is_what_status_shows,
    a_client_killed_after_the_server_committed_is_charged_once_after_sync,
    decisions_made_while_the_server_is_down_are_queued_and_sync_delivers_each_once,
    server_errors_and_dropped_connections_are_retried_then_reported_and_queued,
);
