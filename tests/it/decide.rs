use serde_json::{Value, json};

use crate::env::{TestEnv, decided, expired, lead, with};

/// Five pending leads (p1 cleaning 台北, p2 moving 新北, p3 cleaning 新北, p4 plumbing, p5
/// cleaning), one decided, one expired, one lapsed here, one promotion.
fn fixture() -> TestEnv {
    let env = TestEnv::new();
    let moving = json!({"category": "moving", "service": "Family move",
        "location": {"city": "新北市", "district": "板橋區", "postcode": "220"},
        "fee": {"amount": 40000, "currency": "TWD"}});
    env.import(&[
        lead("p1", 1),
        with(lead("p2", 2), moving),
        with(
            lead("p3", 3),
            json!({"location": {"city": "新北市", "district": "新店區", "postcode": "231"}}),
        ),
        with(
            lead("p4", 4),
            json!({"category": "plumbing", "fee": {"amount": 25000, "currency": "TWD"}}),
        ),
        lead("p5", 30),
        decided("done", 5, "accept"),
        expired("gone", 6),
        lead("late", 60),
        with(lead("promo", 1), json!({"kind": "promotion"})),
    ]);
    env
}

fn status_of(env: &TestEnv, id: &str) -> Value {
    let v: Value = serde_json::from_str(&env.run(&["show", id, "--json"]).ok()).unwrap();
    json!({"status": v["status"], "decision": v["decision"]})
}

fn outcomes(stdout: &str) -> Vec<(String, String, String)> {
    let v: Value = serde_json::from_str(stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap().to_string(),
                r["why"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn reject_by_id_records_the_reason_and_note() {
    let env = fixture();
    let run = env.run(&[
        "reject",
        "p1",
        "--reason",
        "area",
        "--note",
        "too far north",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("Rejected 1 · rate"),
        "{}",
        run.stderr
    );
    assert_eq!(
        status_of(&env, "p1"),
        json!({"status": "rejected", "decision": {"action": "reject",
            "decided_at": "2026-11-23T04:00:00Z", "reason": "outside_area", "note": "too far north"}})
    );
}

#[test]
fn an_accept_gives_the_contact_details_it_paid_for() {
    let env = TestEnv::new();
    let contact =
        json!({"display_name": "Ms. Lin", "phone": "0912-345-678", "email": "lin@example.com"});
    env.import(&[
        with(lead("a", 1), json!({"customer": contact})),
        lead("b", 2),
        lead("c", 3),
    ]);
    // For people, on stderr, after the summary; stdout keeps the results.
    let run = env.run(&["accept", "a", "b", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("\nContact a: Ms. Lin · 0912-345-678 · lin@example.com\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("\nContact b: Ms. Lin · no phone or email on record\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("0912-345-678"), "{}", run.stdout);
    // For programs, in the JSON result; a reject buys none.
    env.import(&[with(lead("d", 1), json!({"customer": contact}))]);
    let out: Value =
        serde_json::from_str(&env.run(&["accept", "d", "--yes", "--json"]).ok()).unwrap();
    assert_eq!(
        out[0]["contact"],
        json!({"name": "Ms. Lin", "phone": "0912-345-678", "email": "lin@example.com"})
    );
    let out: Value =
        serde_json::from_str(&env.run(&["reject", "c", "--reason", "busy", "--json"]).ok())
            .unwrap();
    assert_eq!(out[0]["contact"], Value::Null, "{out}");
}

#[test]
fn every_reason_code_and_alias_is_stored_as_the_code() {
    let env = TestEnv::new();
    let pairs = [
        ("not_my_service", "not_my_service"),
        ("service", "not_my_service"),
        ("Outside-Area", "outside_area"),
        ("schedule", "schedule_conflict"),
        ("budget", "budget_too_low"),
        ("busy", "too_busy"),
        ("other", "other"),
    ];
    env.import(
        &(0..pairs.len())
            .map(|i| lead(&format!("r{i}"), 1))
            .collect::<Vec<_>>(),
    );
    for (i, (typed, code)) in pairs.iter().enumerate() {
        let id = format!("r{i}");
        env.run(&["reject", &id, "--reason", typed]).ok();
        assert_eq!(status_of(&env, &id)["decision"]["reason"], *code, "{typed}");
    }
    let err = env.run(&["reject", "r0", "--reason", "spam"]).fails(2);
    assert!(err.contains("\"spam\" is not a reason"), "{err}");
}

#[test]
fn the_reason_comes_from_the_config_or_is_asked_for() {
    let env = fixture();
    let err = env.run(&["reject", "p1"]).fails(2);
    assert!(
        err.contains("a rejection needs a reason") && err.contains("default_reject_reason"),
        "{err}"
    );
    env.write_config("[decisions]\ndefault_reject_reason = \"busy\"\n");
    env.run(&["reject", "p1"]).ok();
    assert_eq!(status_of(&env, "p1")["decision"]["reason"], "too_busy");
}

#[test]
fn ids_from_stdin_as_lines_json_lines_or_the_list_json() {
    let env = fixture();
    env.run_stdin(&["reject", "-", "--reason", "other", "--yes"], "p1\n\np2\n")
        .ok();
    // What `leads list --json | jq -c '.[] | select(...)'` prints: one object a line.
    let listed: Value =
        serde_json::from_str(&env.run(&["list", "--json", "--category", "cleaning"]).ok()).unwrap();
    let lines: String = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let out = env
        .run_stdin(
            &["reject", "-", "--reason", "other", "--yes", "--json"],
            &lines,
        )
        .ok();
    let ids: Vec<String> = outcomes(&out).into_iter().map(|(id, ..)| id).collect();
    // Most urgent first, as `leads list` printed them.
    assert_eq!(ids, ["p5", "p3"]);
    // `leads list --json` piped straight in (a pretty JSON array) works too.
    let array = env.run(&["list", "--json"]).ok();
    env.run_stdin(&["reject", "-", "--reason", "other", "--yes"], &array)
        .ok();
    assert_eq!(env.ids(&[]), Vec::<String>::new());
    let err = env
        .run_stdin(
            &["reject", "-", "--reason", "other", "--yes"],
            "{\"name\": 1}\n",
        )
        .fails(5);
    assert!(
        err.contains("stdin: line 1: a JSON object without a string \"id\""),
        "{err}"
    );
}

#[test]
fn filters_select_and_all_is_needed_for_everything() {
    let env = fixture();
    let out = env
        .run(&[
            "reject",
            "--category",
            "cleaning",
            "--city",
            "新北",
            "--reason",
            "area",
            "--yes",
            "--json",
        ])
        .ok();
    assert_eq!(outcomes(&out), [("p3".into(), "decided".into(), "".into())]);
    let err = env.run(&["reject", "--reason", "busy", "--yes"]).fails(2);
    assert!(
        err.contains("no leads selected") && err.contains("--all"),
        "{err}"
    );
    let err = env
        .run(&["reject", "p1", "--category", "x", "--reason", "busy"])
        .fails(2);
    assert!(err.contains("not both"), "{err}");
    let run = env.run(&["reject", "--all", "--reason", "busy", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("Rejected 4"), "{}", run.stderr);
    assert_eq!(env.ids(&[]), Vec::<String>::new());
    // Nothing left: not an error, and still valid JSON.
    let run = env.run(&["reject", "--all", "--reason", "busy", "--yes"]);
    assert_eq!(
        (run.code, run.stderr.trim()),
        (0, "Nothing to reject: no pending leads match.")
    );
    let run = env.run(&["reject", "--all", "--reason", "busy", "--yes", "--json"]);
    assert_eq!((run.code, run.stdout.trim()), (0, "[]"));
}

#[test]
fn skips_are_reported_per_lead_with_a_distinct_exit_code() {
    let env = fixture();
    let run = env.run(&[
        "reject", "p1", "done", "gone", "late", "promo", "nope", "p1", "--reason", "busy", "--yes",
        "--json",
    ]);
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(
        outcomes(&run.stdout),
        [
            ("p1".into(), "decided".into(), "".into()),
            ("done".into(), "skipped".into(), "already_decided".into()),
            ("gone".into(), "skipped".into(), "expired".into()),
            ("late".into(), "skipped".into(), "lapsed".into()),
            ("promo".into(), "skipped".into(), "promotion".into()),
            ("nope".into(), "skipped".into(), "unknown".into()),
        ]
    );
    assert!(
        run.stderr.contains(
            "Rejected 1 · skipped 5 (1 already decided, 2 lapsed, 1 promotions, 1 unknown)"
        ),
        "{}",
        run.stderr
    );
    // Skipped leads never change.
    assert_eq!(status_of(&env, "late")["status"], "pending");
    assert_eq!(status_of(&env, "done")["decision"]["action"], "accept");
}

#[test]
fn a_dry_run_changes_nothing() {
    let env = fixture();
    env.write_config("[budget]\nweekly_cap = \"100 TWD\"\n");
    let before = env.snapshot_store();
    let run = env.run(&["reject", "--all", "--reason", "busy", "--dry-run", "--json"]);
    assert_eq!(run.code, 0);
    assert!(
        outcomes(&run.stdout)
            .iter()
            .all(|(_, o, _)| o == "would_decide")
    );
    assert!(
        run.stderr
            .contains("Would reject 5 leads (reason: too_busy): rate"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("lapse allowance"), "{}", run.stderr);
    // A dry run needs no --yes, and the budget guard stops it as it would the real run.
    let err = env.run(&["accept", "p1", "p4", "--dry-run"]).fails(8);
    assert!(err.contains("over your NT$100 weekly cap"), "{err}");
    let run = env.run(&["accept", "p1", "p4", "--dry-run", "--over-budget"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // NT$180 was already spent this week (`done`).
    assert!(
        run.stderr
            .contains("total NT$430 · budget left this week -NT$80 → -NT$510"),
        "{}",
        run.stderr
    );
    assert_eq!(env.snapshot_store(), before);
}

#[test]
fn without_a_terminal_accepts_and_bulk_decisions_need_yes() {
    let env = fixture();
    let before = env.snapshot_store();
    let err = env.run(&["accept", "p1"]).fails(2);
    assert!(
        err.contains("accepting 1 lead (NT$180) needs confirmation") && err.contains("--yes"),
        "{err}"
    );
    let err = env
        .run(&["reject", "p1", "p2", "--reason", "busy"])
        .fails(2);
    assert!(
        err.contains("rejecting 2 leads at once needs confirmation"),
        "{err}"
    );
    let err = env
        .run(&["reject", "--category", "cleaning", "--reason", "busy"])
        .fails(2);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(
        env.snapshot_store(),
        before,
        "a refused decision changes nothing"
    );
    // One free rejection by id needs no confirmation.
    env.run(&["reject", "p1", "--reason", "busy"]).ok();
}

#[test]
fn accepting_charges_the_fee_and_counts_in_the_weekly_spend() {
    let env = fixture();
    let run = env.run(&["accept", "p1", "p4", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("p1         Deep home cleaning                 NT$180"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Accepted 2 for NT$430"),
        "{}",
        run.stderr
    );
    let status: Value = serde_json::from_str(&env.run(&["status", "--json"]).ok()).unwrap();
    // `done` was accepted 5h ago (this week) for NT$180, plus these two.
    assert_eq!(
        status["spend"]["spent"],
        json!([{"amount": 61000, "currency": "TWD"}])
    );
}

#[test]
fn the_budget_guard_and_max_fee() {
    let env = fixture();
    // NT$180 already spent this week (`done`); cap NT$500 leaves NT$320.
    env.write_config("[budget]\nweekly_cap = \"500 TWD\"\n");
    let before = env.snapshot_store();
    let err = env.run(&["accept", "p1", "p2", "--yes"]).fails(8);
    assert!(err.contains("accepting 2 leads for NT$580 would take this week's spend NT$260 over your NT$500 weekly cap"), "{err}");
    assert!(err.contains("--over-budget"), "{err}");
    assert_eq!(env.snapshot_store(), before);
    // --max-fee takes only the cheaper one, which fits.
    let run = env.run(&["accept", "p1", "p2", "--max-fee", "200", "--yes", "--json"]);
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(
        outcomes(&run.stdout),
        [
            ("p1".into(), "decided".into(), "".into()),
            ("p2".into(), "skipped".into(), "over_max_fee".into())
        ]
    );
    // --over-budget accepts past the cap.
    env.run(&["accept", "p2", "--over-budget", "--yes"]).ok();
    let out = env.run(&["status"]).ok();
    assert!(
        out.contains("NT$760 of your NT$500 weekly cap · NT$260 over"),
        "{out}"
    );
}

#[test]
fn history_lists_decisions_filters_and_exports() {
    let env = fixture();
    env.run(&["reject", "p2", "--reason", "area"]).ok();
    env.run(&["accept", "p1", "--yes"]).ok();
    let out = env.run(&["history"]).ok();
    insta::assert_snapshot!(out, @r"
    2026-11-23T04:00:00Z	p1	Deep home cleaning	2026-11-23T03:00:00Z	1h 00m	accept	NT$180	
    2026-11-23T04:00:00Z	p2	Family move	2026-11-23T02:00:00Z	2h 00m	reject		outside_area
    2026-11-22T23:00:00Z	done	Deep home cleaning	2026-11-22T22:00:00Z	1h 00m	accept	NT$180	
    ");
    assert_eq!(
        env.run(&["history", "--action", "reject"])
            .ok()
            .lines()
            .count(),
        1
    );
    assert_eq!(
        env.run(&["history", "--since", "2h"]).ok().lines().count(),
        2
    );
    assert_eq!(
        env.run(&["history", "--since", "2026-11-23"])
            .ok()
            .lines()
            .count(),
        3
    );
    assert_eq!(
        env.run(&["history", "--category", "moving"])
            .ok()
            .lines()
            .count(),
        1
    );
    let csv = env.run(&["history", "--csv", "--action", "accept"]).ok();
    assert_eq!(
        csv.lines().next().unwrap(),
        "decided_at,id,service,category,kind,arrived_at,response_seconds,action,reason,note,fee_amount,fee_currency,fee,origin"
    );
    assert!(csv.contains("2026-11-23T04:00:00Z,p1,Deep home cleaning,cleaning,new_lead,2026-11-23T03:00:00Z,3600,accept,,,18000,TWD,180.00,local"), "{csv}");
    assert!(csv.contains(",done,") && csv.contains(",import"), "{csv}");
    let v: Value =
        serde_json::from_str(&env.run(&["history", "--json", "--limit", "1"]).ok()).unwrap();
    assert_eq!(v[0]["response_seconds"], 3600);
    assert_eq!(
        v[0]["fee_paid"],
        json!({"amount": 18000, "currency": "TWD"})
    );
    let err = env.run(&["history", "--since", "last week"]).fails(2);
    assert!(err.contains("--since \"last week\" is not a time"), "{err}");
}

#[test]
fn status_shows_the_median_speed_to_lead() {
    let env = TestEnv::new();
    // All decided at 03:00Z, after arriving at 02:00Z, 01:00Z and 21:00Z: 1h, 2h and 6h.
    let arrived = |id: &str, at: &str| with(decided(id, 1, "reject"), json!({"created_at": at}));
    env.import(&[
        arrived("a", "2026-11-23T02:00:00Z"),
        arrived("b", "2026-11-23T01:00:00Z"),
        arrived("c", "2026-11-22T21:00:00Z"),
        with(
            arrived("promo", "2026-11-20T00:00:00Z"),
            json!({"kind": "promotion"}),
        ),
    ]);
    let median = |env: &TestEnv| -> Value {
        let v: Value = serde_json::from_str(&env.run(&["status", "--json"]).ok()).unwrap();
        v["median_response_seconds"].clone()
    };
    // The promotion's 75h does not count: the median of 1h, 2h, 6h is 2h.
    assert_eq!(median(&env), json!(7200));
    env.import(&[arrived("d", "2026-11-22T23:00:00Z")]);
    // Four: 1h, 2h, 4h, 6h: the mean of the middle two.
    assert_eq!(median(&env), json!(3 * 3600));
    let out = env.run(&["status"]).ok();
    assert!(
        out.contains("Speed to lead  3h 00m median from arrival to answer"),
        "{out}"
    );
}
