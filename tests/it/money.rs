//! Money and guards under hostile numbers: amounts past any real fee are refused where they come
//! in, sums never wrap, dry runs report exactly what the real run would do, and the exit code
//! tells "partly done" from "nothing done".

use serde_json::{Value, json};

use crate::env::{TestEnv, decided, lead, path_str, with};

const HUGE: i64 = i64::MAX;

fn outcomes(stdout: &str) -> Vec<(String, String)> {
    let v: Value = serde_json::from_str(stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["why"]
                    .as_str()
                    .unwrap_or(r["outcome"].as_str().unwrap())
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn an_import_refuses_amounts_past_the_ceiling_naming_the_record_and_field() {
    let env = TestEnv::new();
    let fee = |amount: i64| json!({"fee": {"amount": amount, "currency": "TWD"}});
    let file = env.write(
        "huge.json",
        &json!([lead("ok", 1), with(lead("big", 2), fee(HUGE))]).to_string(),
    );
    let err = env.run(&["import", path_str(&file)]).fails(5);
    assert!(
        err.contains("record 2 (id \"big\"): `fee.amount` 9223372036854775807 is over the ceiling for TWD: 100000000000 minor units (NT$1,000,000,000)"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(env.ids(&[]), Vec::<String>::new());

    let budget = json!({"budget": {"min": 0, "max": HUGE, "currency": "JPY"}});
    let file = env.write("budget.ndjson", &with(lead("b", 1), budget).to_string());
    let err = env.run(&["import", path_str(&file)]).fails(5);
    assert!(err.contains("`budget.max` 9223372036854775807 is over the ceiling for JPY: 1000000000 minor units (¥1,000,000,000)"), "{err}");

    // The ceiling itself is a plausible (if unlikely) amount.
    let file = env.write(
        "edge.json",
        &json!([with(lead("edge", 1), fee(100_000_000_000))]).to_string(),
    );
    env.run(&["import", path_str(&file)]).ok();

    // A weekly cap past the ceiling is a config error, not a number that wraps later.
    env.write_config("[budget]\nweekly_cap = \"2000000000 TWD\"\n");
    let err = env.run(&["status"]).fails(3);
    assert!(err.contains("over the ceiling"), "{err}");
}

/// A store written before the ceiling existed can hold charges that no sum fits in: status and
/// accept say which lead, and no accept goes through on a budget nobody can count.
#[test]
fn charges_too_large_to_add_up_are_named_and_the_budget_guard_fails_closed() {
    let env = TestEnv::new();
    env.write_config("[budget]\nweekly_cap = \"100 TWD\"\n");
    env.import(&[
        decided("a", 2, "accept"),
        decided("b", 3, "accept"),
        lead("p", 1),
    ]);
    let conn = rusqlite::Connection::open(env.data_dir().join("leads.db")).unwrap();
    conn.execute(
        "UPDATE decisions SET charge_amount = ?1 WHERE lead_id IN ('a', 'b')",
        [HUGE],
    )
    .unwrap();
    drop(conn);
    let err = env.run(&["status"]).fails(1);
    assert!(
        err.contains("the charges recorded this week are too large to add up: lead"),
        "{err}"
    );
    assert!(
        err.contains("over the ceiling of NT$1,000,000,000"),
        "{err}"
    );
    assert!(!err.contains("integer overflow"), "{err}");
    let before = env.snapshot_store();
    let err = env.run(&["accept", "p", "--yes"]).fails(1);
    assert!(err.contains("too large to add up"), "{err}");
    assert_eq!(env.snapshot_store(), before, "nothing was accepted");
}

#[test]
fn an_accept_dry_run_is_refused_by_the_budget_guard_as_the_real_run_is() {
    let env = TestEnv::new();
    env.write_config("[budget]\nweekly_cap = \"100 TWD\"\n");
    env.import(&[lead("p1", 1), lead("p2", 2)]);
    let before = env.snapshot_store();
    let real = env.run(&["accept", "p1", "p2", "--yes"]).fails(8);
    let dry = env.run(&["accept", "p1", "p2", "--dry-run"]).fails(8);
    let refusal = "accepting 2 leads for NT$360 would take this week's spend NT$260 over your NT$100 weekly cap";
    assert!(real.contains(refusal), "{real}");
    assert!(dry.contains(refusal), "{dry}");
    assert!(dry.contains("a real run would accept nothing"), "{dry}");
    assert!(!dry.contains("Would accept 2 ·"), "{dry}");
    // With --over-budget both go ahead.
    let dry = env.run(&["accept", "p1", "p2", "--dry-run", "--over-budget"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(env.snapshot_store(), before);
}

#[test]
fn nothing_decided_because_all_were_skipped_has_its_own_exit_code() {
    let env = TestEnv::new();
    env.import(&[
        lead("p1", 1),
        with(
            lead("dear", 2),
            json!({"fee": {"amount": 50000, "currency": "TWD"}}),
        ),
        decided("done", 3, "reject"),
    ]);
    // One unknown id: 6, as `leads show` says.
    let run = env.run(&["accept", "nope", "--yes"]);
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert!(
        run.stdout.contains("nope\taccept\tskipped\tunknown"),
        "{}",
        run.stdout
    );
    env.run(&["reject", "nope", "nope2", "--reason", "busy", "--yes"])
        .fails(6);
    // Every lead over --max-fee, or already decided: nothing done, 12.
    let run = env.run(&["accept", "dear", "--max-fee", "200", "--yes", "--json"]);
    assert_eq!(run.code, 12, "{}", run.stderr);
    assert_eq!(
        outcomes(&run.stdout),
        [("dear".into(), "over_max_fee".into())]
    );
    let run = env.run(&["reject", "done", "nope", "--reason", "busy", "--yes"]);
    assert_eq!(run.code, 12, "{}", run.stderr);
    // Some done, some skipped: still 7.
    let run = env.run(&["accept", "p1", "dear", "--max-fee", "200", "--yes"]);
    assert_eq!(run.code, 7, "{}", run.stderr);
    // A dry run exits as the real run would.
    let run = env.run(&["reject", "done", "--reason", "busy", "--dry-run"]);
    assert_eq!(run.code, 12, "{}", run.stderr);
}
