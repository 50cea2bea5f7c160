//! `leads inbox` driven through a real pseudo-terminal, keystroke by keystroke.

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use serde_json::{Value, json};

use crate::env::{NOW, TestEnv, lead, with};

/// Four pending leads, most urgent first: a (3h left), b, c, d.
fn fixture() -> TestEnv {
    let env = TestEnv::new();
    env.write_config("[budget]\nweekly_cap = \"1000 TWD\"\n");
    env.import(&[
        lead("a", 45),
        with(
            lead("b", 40),
            json!({"service": "Family move", "category": "moving"}),
        ),
        lead("c", 30),
        lead("d", 20),
    ]);
    env
}

fn inbox(env: &TestEnv, args: &[&str]) -> PtySession {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("leads"));
    cmd.arg("inbox")
        .args(args)
        .env("LEADS_CONFIG", env.config_path())
        .env("LEADS_DATA_DIR", env.data_dir())
        .env("LEADS_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    spawn_command(cmd, Some(10_000)).expect("a pseudo-terminal")
}

/// One keystroke, flushed so the process sees it now (rexpect buffers `send`).
fn press(p: &mut PtySession, key: &str) {
    p.send(key).unwrap();
    p.flush().unwrap();
}

// rexpect reads the terminal byte by byte as Latin-1, so every expectation here is ASCII: the
// "·" separators and "→" arrows of the real output are matched around, not through.

fn exit_code(p: &mut PtySession) -> i32 {
    p.exp_eof().unwrap();
    match p.process_mut().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("leads inbox ended with {other:?}"),
    }
}

fn decision(env: &TestEnv, id: &str) -> Value {
    let v: Value = serde_json::from_str(&env.run(&["show", id, "--json"]).ok()).unwrap();
    v["decision"].clone()
}

#[test]
fn accept_reject_skip_quit() {
    let env = fixture();
    let mut p = inbox(&env, &[]);
    p.exp_string("4 pending").unwrap();
    p.exp_string("1 expires within 6h").unwrap();
    p.exp_string("budget left NT$1,000").unwrap();
    p.exp_string("[1/4] a").unwrap();
    p.exp_string("[a] accept NT$180  [r] reject  [s] skip  [d] details  [q] quit")
        .unwrap();
    // Accept: two keystrokes, the second confirming the fee.
    press(&mut p, "a");
    p.exp_string("Accept a for NT$180").unwrap();
    p.exp_string("budget left NT$1,000").unwrap();
    p.exp_string("NT$820? [y] yes  [n] no").unwrap();
    press(&mut p, "y");
    p.exp_string("Accepted a for NT$180").unwrap();
    p.exp_string("3 pending").unwrap();
    p.exp_string("budget left NT$820").unwrap();
    // Reject: two keystrokes, reject then a reason.
    p.exp_string("[2/4] b").unwrap();
    press(&mut p, "r");
    p.exp_string("Why? [1] not my service").unwrap();
    press(&mut p, "2");
    p.exp_string("Rejected b (outside_area)").unwrap();
    // Skip, then quit.
    p.exp_string("[3/4] c").unwrap();
    press(&mut p, "s");
    p.exp_string("Skipped c.").unwrap();
    p.exp_string("[4/4] d").unwrap();
    press(&mut p, "q");
    p.exp_string("Accepted 1 for NT$180").unwrap();
    p.exp_string("rejected 1").unwrap();
    p.exp_string("skipped 1").unwrap();
    assert_eq!(exit_code(&mut p), 0);

    assert_eq!(decision(&env, "a")["action"], "accept");
    assert_eq!(decision(&env, "b")["reason"], "outside_area");
    assert_eq!(decision(&env, "c"), Value::Null);
    assert_eq!(decision(&env, "d"), Value::Null);
    let history = env.run(&["history"]).ok();
    assert_eq!(
        history.lines().count(),
        2,
        "exactly those two decisions: {history}"
    );
}

#[test]
fn an_accept_shows_the_customers_phone_and_email_at_once() {
    let env = TestEnv::new();
    env.import(&[with(
        lead("a", 1),
        json!({"customer": {"display_name": "Ms. Lin", "phone": "0912-345-678", "email": "lin@example.com"}}),
    )]);
    let mut p = inbox(&env, &[]);
    p.exp_string("[1/1] a").unwrap();
    press(&mut p, "a");
    p.exp_string("[y] yes").unwrap();
    press(&mut p, "y");
    p.exp_string("Accepted a for NT$180").unwrap();
    p.exp_string("Contact: Ms. Lin ").unwrap();
    p.exp_string(" 0912-345-678 ").unwrap();
    p.exp_string(" lin@example.com").unwrap();
    // The last lead of the queue: its first reply is one key away, and any other key ends.
    p.exp_string("[w] write your first reply to a now").unwrap();
    press(&mut p, "n");
    assert_eq!(exit_code(&mut p), 0);
}

#[test]
fn the_first_reply_is_one_key_after_an_accept() {
    let env = fixture();
    // An editor that keeps the draft, with one line of the PRO's own.
    let editor = env.write(
        "editor.sh",
        "#!/bin/sh\nsed -i 's/^Best regards$/See you Saturday!/' \"$1\"\n",
    );
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("leads"));
    cmd.arg("inbox")
        .env("LEADS_CONFIG", env.config_path())
        .env("LEADS_DATA_DIR", env.data_dir())
        .env("LEADS_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("EDITOR", &editor);
    let mut p = spawn_command(cmd, Some(10_000)).expect("a pseudo-terminal");
    p.exp_string("[1/4] a").unwrap();
    press(&mut p, "a");
    p.exp_string("[y] yes").unwrap();
    press(&mut p, "y");
    p.exp_string("Accepted a for NT$180").unwrap();
    // The next card offers the reply to the lead just bought.
    p.exp_string("[2/4] b").unwrap();
    p.exp_string("[w] first reply to a").unwrap();
    press(&mut p, "w");
    p.exp_string("Recorded your reply to a").unwrap();
    p.exp_string("[2/4] b").unwrap();
    press(&mut p, "q");
    p.exp_string("replied to 1").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let shown: Value = serde_json::from_str(&env.run(&["show", "a", "--json"]).ok()).unwrap();
    let text = shown["messages"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("Hi Ms. Lin,") && text.ends_with("See you Saturday!"),
        "{text}"
    );
    assert_eq!(shown["conversation"]["stage"], "their_turn");
}

#[test]
fn ctrl_c_mid_prompt_keeps_earlier_decisions_and_exits_130() {
    let env = fixture();
    let mut p = inbox(&env, &[]);
    p.exp_string("[1/4] a").unwrap();
    press(&mut p, "r");
    p.exp_string("Why?").unwrap();
    press(&mut p, "5");
    p.exp_string("Rejected a (too_busy)").unwrap();
    p.exp_string("[2/4] b").unwrap();
    // Half-way through the next decision: the reason menu is up.
    press(&mut p, "r");
    p.exp_string("Why?").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("Accepted 0").unwrap();
    p.exp_string("rejected 1").unwrap();
    p.exp_string("skipped 0").unwrap();
    assert_eq!(exit_code(&mut p), 130);
    assert_eq!(decision(&env, "a")["reason"], "too_busy");
    assert_eq!(decision(&env, "b"), Value::Null);
}

#[test]
fn a_lead_decided_elsewhere_meanwhile_is_passed_over() {
    let env = fixture();
    let mut p = inbox(&env, &[]);
    p.exp_string("[1/4] a").unwrap();
    // Another terminal takes it while this one shows it.
    env.run(&["reject", "a", "--reason", "other"]).ok();
    press(&mut p, "a");
    p.exp_string("[y] yes").unwrap();
    press(&mut p, "y");
    p.exp_string("Passed over a: it was decided elsewhere meanwhile")
        .unwrap();
    p.exp_string("Nothing was charged.").unwrap();
    p.exp_string("[2/4] b").unwrap();
    press(&mut p, "q");
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(decision(&env, "a")["action"], "reject");
}

#[test]
fn filters_limit_the_inbox_and_the_budget_guard_holds() {
    let env = fixture();
    env.write_config("[budget]\nweekly_cap = \"100 TWD\"\n");
    let mut p = inbox(&env, &["--category", "moving"]);
    p.exp_string("(showing 1)").unwrap();
    p.exp_string("[1/1] b").unwrap();
    press(&mut p, "a");
    p.exp_string("would pass your weekly cap by NT$80. Not accepted")
        .unwrap();
    press(&mut p, "q");
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(decision(&env, "b"), Value::Null);
}

#[test]
fn an_empty_inbox_says_what_next() {
    let env = TestEnv::new();
    let mut p = inbox(&env, &[]);
    p.exp_string("Inbox zero: no leads yet.").unwrap();
    assert_eq!(exit_code(&mut p), 0);
}

#[test]
fn without_a_terminal_it_refuses_and_names_the_commands() {
    let env = fixture();
    let err = env.run(&["inbox"]).fails(2);
    assert!(
        err.contains("leads inbox is interactive and needs a terminal"),
        "{err}"
    );
    for cmd in ["leads list", "leads accept", "leads reject"] {
        assert!(err.contains(cmd), "{cmd}: {err}");
    }
    // --no-input refuses even on a terminal.
    let mut p = inbox(&env, &["--no-input"]);
    p.exp_string("needs a terminal").unwrap();
    assert_eq!(exit_code(&mut p), 2);
}
