//! After the accept: the contact log, whose turn it is, replies that must be personal, outcomes,
//! and what the leads cost per job won.

use serde_json::{Value, json};

use crate::env::{TestEnv, decided, lead, with};

/// UTC times relative to the test clock (2026-11-23T04:00:00Z).
fn ago(hours: i64) -> String {
    let now: chrono::DateTime<chrono::Utc> = "2026-11-23T04:00:00Z".parse().unwrap();
    (now - chrono::TimeDelta::hours(hours)).to_rfc3339()
}

fn msg(id: &str, hours_ago: i64, from: &str, text: &str) -> Value {
    json!({"id": id, "at": ago(hours_ago), "from": from, "channel": "platform", "text": text})
}

/// Four accepted leads, one per stage that asks something of you, and one won.
fn fixture() -> TestEnv {
    let env = TestEnv::new();
    env.import(&[
        // Accepted 5h ago, not written to: the customer has waited since the request, 6h.
        with(decided("fresh", 5, "accept"), json!({"customer": {"display_name": "Ms. Lin"}})),
        // You replied, they asked back 2h ago: your turn.
        with(
            decided("asked", 30, "accept"),
            json!({"messages": [msg("a1", 29, "pro", "Hi Ms. Lin"), msg("a2", 2, "customer", "Saturday?")]}),
        ),
        // You wrote 50h ago and heard nothing: nudge.
        with(
            decided("quiet", 60, "accept"),
            json!({"messages": [msg("q1", 50, "pro", "Hi, about your flat")]}),
        ),
        // Hired.
        with(
            decided("hired", 40, "accept"),
            json!({
                "messages": [msg("h1", 39, "pro", "Hi"), msg("h2", 38, "customer", "Yes please")],
                "outcome": {"result": "won", "at": ago(37), "value": {"amount": 360000, "currency": "TWD"}, "reason": null}
            }),
        ),
        lead("pending", 1),
    ]);
    env
}

fn json_of(out: String) -> Value {
    serde_json::from_str(&out).unwrap()
}

#[test]
fn followups_list_whom_you_owe_longest_waiting_first_then_whom_to_nudge() {
    let env = fixture();
    let rows = json_of(env.run(&["followups", "--json"]).ok());
    let got: Vec<(&str, &str, &str, bool)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["action"].as_str().unwrap(),
                r["stage"].as_str().unwrap(),
                r["developing"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("fresh", "reply", "first_reply_due", false),
            ("asked", "reply", "your_turn", true),
            ("quiet", "nudge", "their_turn", false),
        ]
    );
    assert_eq!(rows[0]["waiting_since"], json!("2026-11-22T22:00:00Z"));
    assert_eq!(rows[1]["waiting_seconds"], json!(7200));
    assert_eq!(rows[1]["last_words"], json!("Saturday?"));
    // Piped: one tab-separated row each.
    let plain = env.run(&["followups"]).ok();
    assert_eq!(plain.lines().count(), 3, "{plain}");
    assert!(
        plain.starts_with("fresh\treply\tfirst_reply_due\t21600\t1\tMs. Lin\t"),
        "{plain}"
    );
    // The list filters apply.
    assert_eq!(
        json_of(
            env.run(&["followups", "--json", "--category", "moving"])
                .ok()
        ),
        json!([])
    );
    let status = env.run(&["status"]).ok();
    assert!(
        status.contains(
            "Follow-ups     2 owe a reply (oldest waiting 6h 00m) · 1 to nudge · 1 going cold"
        ),
        "{status}"
    );
}

#[test]
fn a_contact_logged_by_hand_moves_the_turn_and_bad_ones_change_nothing() {
    let env = fixture();
    let run = env.run(&[
        "contact",
        "fresh",
        "--from",
        "pro",
        "--via",
        "phone",
        "--note",
        "called, visit Sat",
        "--at",
        "1h",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = json_of(env.run(&["show", "fresh", "--json"]).ok());
    assert_eq!(shown["conversation"]["stage"], "their_turn");
    assert_eq!(shown["messages"][0]["channel"], "phone");
    assert_eq!(shown["messages"][0]["at"], "2026-11-23T03:00:00Z");

    let before = env.run(&["show", "fresh", "--json"]).ok();
    let err = env
        .run(&[
            "contact",
            "fresh",
            "--from",
            "customer",
            "--via",
            "phone",
            "--at",
            "2026-11-24 10:00",
        ])
        .fails(2);
    assert!(
        err.contains("cannot be in the future") && err.contains("nothing was recorded"),
        "{err}"
    );
    let err = env
        .run(&[
            "contact", "fresh", "--from", "customer", "--via", "platform",
        ])
        .fails(2);
    assert!(err.contains("platform chat needs text"), "{err}");
    let err = env
        .run(&["contact", "fresh", "--from", "dog", "--via", "phone"])
        .fails(2);
    assert!(err.contains("customer") && err.contains("pro"), "{err}");
    assert_eq!(env.run(&["show", "fresh", "--json"]).ok(), before);

    let err = env
        .run(&["contact", "pending", "--from", "pro", "--via", "phone"])
        .fails(2);
    assert!(
        err.contains("still pending") && err.contains("leads accept pending"),
        "{err}"
    );
    env.run(&["contact", "nope", "--from", "pro", "--via", "phone"])
        .fails(6);
}

#[test]
fn a_reply_is_filled_from_the_lead_and_refused_when_generic() {
    let env = fixture();
    env.write_config(
        "[templates.first_reply]\ntext = \"\"\"\nHi {name},\nI can do your {answer:home size} home {schedule}.\nWhere: {place}\n\"\"\"\n",
    );
    // An editor that saves the draft as it is.
    let editor = env.write("editor.sh", "#!/bin/sh\ncp \"$1\" \"$1.seen\"\n");
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = env
        .command()
        .args(["reply", "fresh"])
        .env("EDITOR", &editor)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        "Hi Ms. Lin,\nI can do your 3 bedrooms home Saturday morning.\nWhere: 台北市 大安區\n"
    );
    let shown = json_of(env.run(&["show", "fresh", "--json"]).ok());
    assert_eq!(shown["conversation"]["stage"], "their_turn");
    assert_eq!(shown["messages"][0]["from"], "pro");

    // Generic: refused, with what it could mention, and nothing recorded.
    let before = env.run(&["show", "asked", "--json"]).ok();
    let err = env
        .run(&[
            "reply",
            "asked",
            "--message",
            "Hi, thanks for your request, I can help",
        ])
        .fails(2);
    assert!(
        err.contains("mentions nothing of this customer's own request"),
        "{err}"
    );
    assert!(
        err.contains("the customer's name (Ms. Lin)") && err.contains("--generic-ok"),
        "{err}"
    );
    env.run_stdin(&["reply", "asked", "--message", "-"], "   \n")
        .fails(2);
    assert_eq!(env.run(&["show", "asked", "--json"]).ok(), before);
    // Personal, from stdin; and a generic one on purpose.
    let out = env
        .run_stdin(
            &["reply", "asked", "-m", "-"],
            "Saturday morning works, see you then\n",
        )
        .ok();
    assert_eq!(out, "Saturday morning works, see you then\n");
    env.run(&["reply", "asked", "-m", "OK", "--generic-ok"])
        .ok();
    assert_eq!(
        json_of(env.run(&["show", "asked", "--json"]).ok())["messages"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // Only an accepted lead has someone to reply to.
    let err = env.run(&["reply", "pending", "-m", "Hi Ms. Lin"]).fails(2);
    assert!(err.contains("still pending"), "{err}");
    env.import(&[decided("turned-down", 2, "reject")]);
    let err = env
        .run(&["reply", "turned-down", "-m", "Hi Ms. Lin"])
        .fails(2);
    assert!(
        err.contains("lead turned-down is rejected") && err.contains("nothing was recorded"),
        "{err}"
    );
    env.run(&["reply", "nope", "-m", "Hi"]).fails(6);
}

#[test]
fn a_template_with_an_unknown_placeholder_is_a_config_error_naming_the_allowed_ones() {
    let env = fixture();
    env.write_config("[templates.first_reply]\ntext = \"Hi {customer}\"\n");
    let err = env.run(&["reply", "fresh", "-m", "x"]).fails(3);
    assert!(
        err.contains("[templates.first_reply]: unknown placeholder {customer}"),
        "{err}"
    );
    assert!(
        err.contains("{name}, {service}, {place}, {schedule}, {message} or {answer:QUESTION}"),
        "{err}"
    );
}

#[test]
fn outcomes_are_recorded_corrected_and_kept() {
    let env = fixture();
    env.run(&["won", "asked", "--value", "2,500"]).ok();
    let err = env.run(&["lost", "asked", "--reason", "went cheaper"]);
    assert_eq!(err.code, 0, "{}", err.stderr);
    assert!(err.stderr.contains("it was won before"), "{}", err.stderr);
    let shown = json_of(env.run(&["show", "asked", "--json"]).ok());
    assert_eq!(shown["outcome"]["result"], "lost");
    assert_eq!(shown["outcome"]["reason"], "went cheaper");
    assert_eq!(shown["conversation"]["stage"], "lost");
    assert_eq!(
        shown["conversation"]["outcome_changes"][0]["was"]["value"],
        json!({"amount": 250000, "currency": "TWD"})
    );
    assert_eq!(
        shown["conversation"]["outcome_changes"][0]["replaced_at"],
        "2026-11-23T04:00:00Z"
    );

    // A fraction the currency lacks, and a lead with no conversation: nothing recorded.
    env.import(&[with(
        decided("yen", 3, "accept"),
        json!({"fee": {"amount": 500, "currency": "JPY"}, "budget": null}),
    )]);
    let err = env.run(&["won", "yen", "--value", "3600.5"]).fails(2);
    assert!(err.contains("more decimals than JPY allows"), "{err}");
    assert!(json_of(env.run(&["show", "yen", "--json"]).ok())["outcome"].is_null());
    env.run(&["won", "pending"]).fails(2);
    env.run(&["lost", "nope"]).fails(6);
}

#[test]
fn the_report_counts_spend_wins_cost_per_win_and_waste() {
    let env = fixture();
    env.import(&[
        // Accepted 100h ago and never written to: cold, its fee wasted.
        decided("wasted", 100, "accept"),
        decided("no", 3, "reject"),
    ]);
    let r = json_of(env.run(&["report", "--json", "--since", "30d"]).ok());
    let t = &r["total"];
    assert_eq!(t["received"], 7);
    assert_eq!(t["answered"], 6);
    assert_eq!(t["accepted"], 5);
    assert_eq!(t["spend"], json!([{"amount": 90000, "currency": "TWD"}]));
    assert_eq!(t["won"], 1);
    assert_eq!(t["revenue"], json!([{"amount": 360000, "currency": "TWD"}]));
    assert_eq!(
        t["cost_per_win"],
        json!([{"amount": 90000, "currency": "TWD"}])
    );
    assert_eq!(t["win_rate"], json!(0.2));
    assert_eq!(
        t["wasted_spend"],
        json!([{"amount": 18000, "currency": "TWD"}])
    );
    assert_eq!(t["developing"], 2, "asked and hired");
    // From accept to the first reply: asked 1h, quiet 10h, hired 1h → the middle one, 1h.
    assert_eq!(t["median_first_reply_seconds"], 3600);
    let csv = env.run(&["report", "--csv", "--by", "category"]).ok();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("group,received,answered,accepted,lapsed,currency,spend,")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("cleaning,7,6,5,0,TWD,900.00,3600,2,1,0,3600.00,900.00,0.2000,180.00"),
        "{csv}"
    );
    env.run(&["report", "--since", "tomorrow"]).fails(2);
}

/// With nothing to show, followups says whether nobody waits at all or only nobody the filters
/// let through.
#[test]
fn an_empty_followups_says_whether_the_filters_left_it_empty() {
    let env = TestEnv::new();
    let none = env.run(&["followups"]);
    assert_eq!(none.code, 0);
    assert!(
        none.stderr.contains("Nobody is waiting on you"),
        "{}",
        none.stderr
    );
    env.run(&["demo", "--no-show"]).ok();
    let all = env.run(&["followups", "--plain"]).ok();
    assert!(!all.is_empty());
    let filtered = env.run(&["followups", "--category", "nope"]);
    assert_eq!(filtered.code, 0);
    assert!(
        filtered.stderr.contains("matches these filters"),
        "{}",
        filtered.stderr
    );
}
