//! Working conditions: fit, `--fit`, `--sort score`, and `leads triage` applying the rules.

use serde_json::{Value, json};

use crate::env::{TestEnv, decided, lead, with};

/// A cleaner in Taipei: cleaning only, in 台北市 or one New Taipei district, jobs of at least
/// NT$2,000, fees up to NT$200, never on Sundays.
const CONDITIONS: &str = r#"
[conditions]
services = ["cleaning"]
areas = ["台北市", "新北市 板橋區"]
min_budget = "2000 TWD"
max_fee = "200 TWD"
unavailable = ["sunday"]
"#;

const RULES: &str = r#"
[[rules]]
when = "outside_area"
action = "reject"

[[rules]]
when = "wrong_service"
action = "reject"

[[rules]]
when = "fee_over_cap"
action = "leave"
"#;

/// One lead per way to fit or miss.
fn leads() -> Vec<Value> {
    let place = |city: &str, district: &str, postcode: &str| json!({"location": {"city": city, "district": district, "postcode": postcode}});
    vec![
        // Fits every condition.
        lead("fits", 1),
        with(lead("banqiao", 2), place("新北市", "板橋區", "220")),
        // Hard misses.
        with(lead("taoyuan", 3), place("桃園市", "中壢區", "320")),
        with(
            lead("moving", 4),
            json!({"category": "moving", "service": "Family move"}),
        ),
        // Both: the first rule (outside_area) decides.
        with(
            lead("both", 5),
            json!({"category": "moving", "service": "Family move",
                   "location": {"city": "桃園市", "district": "中壢區", "postcode": "320"}}),
        ),
        // Soft misses.
        with(
            lead("cheap", 6),
            json!({"budget": {"min": 100000, "max": 150000, "currency": "TWD"}}),
        ),
        with(
            lead("pricey", 7),
            json!({"fee": {"amount": 25000, "currency": "TWD"}}),
        ),
        with(lead("sunday", 8), json!({"schedule": "Sunday afternoon"})),
        // Already answered: never triaged again.
        with(
            decided("done", 9, "accept"),
            place("桃園市", "中壢區", "320"),
        ),
    ]
}

fn env_with(config: &str) -> TestEnv {
    let env = TestEnv::new();
    env.write_config(config);
    env.import(&leads());
    env
}

fn json(run: String) -> Value {
    serde_json::from_str(&run).unwrap()
}

#[test]
fn every_lead_carries_its_fit_with_reasons_in_words() {
    let env = env_with(CONDITIONS);
    let list = json(env.run(&["list", "--json"]).ok());
    let by_id = |id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == id)
            .unwrap()
            .clone()
    };
    let misses = |id: &str| -> Vec<String> {
        by_id(id)["fit"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["standing"] == "misses")
            .map(|c| c["why"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(by_id("fits")["fit"]["level"], "match");
    assert_eq!(by_id("banqiao")["fit"]["level"], "match");
    assert_eq!(by_id("taoyuan")["fit"]["level"], "miss");
    assert_eq!(misses("taoyuan"), ["outside area: 桃園市 中壢區 320"]);
    assert_eq!(misses("moving"), ["not your service: moving (Family move)"]);
    assert_eq!(by_id("cheap")["fit"]["level"], "partial");
    assert_eq!(
        misses("cheap"),
        ["budget NT$1,500 under your minimum NT$2,000"]
    );
    assert_eq!(misses("pricey"), ["fee NT$250 over your cap NT$200"]);
    assert_eq!(
        misses("sunday"),
        ["schedule \"Sunday afternoon\": you are not available on sunday"]
    );

    // The plain list gets a FIT column; --fit selects by it, the same filter as every command.
    let plain = env.run(&["list"]).ok();
    let row = plain.lines().find(|l| l.starts_with("cheap\t")).unwrap();
    assert!(row.ends_with("\tbudget"), "{row}");
    // Least time left first: the oldest first.
    assert_eq!(env.ids(&["--fit", "miss"]), ["both", "moving", "taoyuan"]);
    assert_eq!(
        env.ids(&["--fit", "partial"]),
        ["sunday", "pricey", "cheap"]
    );
    assert_eq!(env.ids(&["--fit", "match,partial"]).len(), 5);

    // show: every condition in words, and the score explained.
    let card = env.run(&["show", "cheap"]).ok();
    assert!(card.contains("Fit (partial)"), "{card}");
    assert!(
        card.contains("✗ budget NT$1,500 under your minimum NT$2,000"),
        "{card}"
    );
    assert!(card.contains("✓ in your area: 台北市 大安區 106"), "{card}");
    assert!(card.contains("Score "), "{card}");
    assert!(card.contains("+ fit 15 of 30 (misses budget)"), "{card}");
}

#[test]
fn sort_by_score_puts_fitting_leads_first() {
    let env = env_with(CONDITIONS);
    let by_score = env.ids(&["--sort", "score"]);
    // Time left alone puts the oldest (the miss "sunday"… down to "fits") first.
    assert_eq!(env.ids(&[])[0], "sunday");
    assert_eq!(&by_score[..2], ["banqiao", "fits"]);
    let mut last: Vec<&str> = by_score[5..].iter().map(String::as_str).collect();
    last.sort_unstable();
    assert_eq!(
        last,
        ["both", "moving", "taoyuan"],
        "the misses score no fit points"
    );
}

#[test]
fn without_conditions_everything_fits_and_rules_do_nothing() {
    // Rules that test conditions nobody set are refused: they could never apply.
    let env = TestEnv::new();
    env.write_config(RULES);
    let err = env.run(&["config", "check"]).fails(3);
    assert!(err.contains("can never apply"), "{err}");

    let env = env_with("");
    let plain = env.run(&["list"]).ok();
    assert_eq!(
        plain.lines().next().unwrap().split('\t').count(),
        8,
        "no FIT column"
    );
    assert_eq!(env.ids(&["--fit", "miss"]), Vec::<String>::new());
    assert_eq!(env.ids(&["--fit", "match"]).len(), 8);
    let before = env.snapshot_store();
    let run = env.run(&["triage", "--yes"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("nothing to triage"), "{}", run.stderr);
    assert_eq!(env.snapshot_store(), before);
}

#[test]
fn a_dry_run_shows_the_rules_and_the_rate_effect_and_changes_nothing() {
    let env = env_with(&format!("{CONDITIONS}{RULES}"));
    let before = env.snapshot_store();
    let run = env.run(&["triage", "--dry-run", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let planned = json(run.stdout);
    let ids: Vec<&str> = planned
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    // Rule by rule, each rule's leads least time left first.
    assert_eq!(ids, ["both", "taoyuan", "moving"]);
    assert!(
        planned
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["outcome"] == "would_decide")
    );
    assert!(
        run.stderr
            .contains("rules decide 3 of 8 pending New Leads; 5 left for you"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("If every rule's leads are decided: rate"),
        "{}",
        run.stderr
    );
    assert_eq!(env.snapshot_store(), before);
}

#[test]
fn applying_the_rules_decides_exactly_the_matching_leads_once() {
    let env = env_with(&format!("{CONDITIONS}{RULES}"));
    // Without a terminal, it asks for --yes, as a bulk reject does, and changes nothing.
    let before = env.snapshot_store();
    let err = env.run(&["triage"]).fails(2);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(env.snapshot_store(), before);

    env.run(&["triage", "--yes"]).ok();
    let reason = |id: &str| {
        let lead = json(env.run(&["show", id, "--json"]).ok());
        lead["decision"]["reason"].as_str().map(String::from)
    };
    assert_eq!(reason("taoyuan").as_deref(), Some("outside_area"));
    assert_eq!(
        reason("both").as_deref(),
        Some("outside_area"),
        "the first rule wins"
    );
    assert_eq!(reason("moving").as_deref(), Some("not_my_service"));
    assert_eq!(
        env.ids(&[]),
        ["sunday", "pricey", "cheap", "banqiao", "fits"],
        "the rest are left for a person"
    );
    let again = env.run(&["triage", "--yes", "--json"]);
    assert_eq!(again.code, 0);
    assert_eq!(json(again.stdout), json!([]));
}

#[test]
fn a_rule_accepts_only_when_it_says_so_and_a_fee_cap_is_set() {
    let env = TestEnv::new();
    env.write_config("[conditions]\nservices = [\"cleaning\"]\n[[rules]]\nwhen = \"match\"\naction = \"accept\"\n");
    let err = env.run(&["config", "check"]).fails(3);
    assert!(err.contains("sets no fee cap"), "{err}");
    assert!(err.contains("[[rules]] number 1"), "{err}");
    env.run(&["list"]).fails(3);

    let env = env_with(&format!(
        "{CONDITIONS}[[rules]]\nwhen = \"match\"\naction = \"accept\"\nmax_fee = \"180 TWD\"\n"
    ));
    let spent = |env: &TestEnv| {
        json(env.run(&["status", "--json"]).ok())["spend"]["spent"][0]["amount"].as_i64()
    };
    assert_eq!(
        spent(&env),
        Some(18000),
        "the lead accepted earlier this week"
    );
    let run = env.run(&["triage", "--yes", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let results = json(run.stdout);
    let accepted: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(accepted, ["banqiao", "fits"]);
    assert_eq!(
        spent(&env),
        Some(18000 * 3),
        "two fees of NT$180, at or under the cap"
    );
}

/// The "rate A → B · lapse allowance C → D" phrases of a run, in order, each once, leaving out
/// the headline for the whole run.
fn rate_steps(stderr: &str) -> Vec<String> {
    let mut steps: Vec<String> = Vec::new();
    for line in stderr.lines().filter(|l| !l.starts_with("If every rule")) {
        let Some(at) = line.find("rate ") else {
            continue;
        };
        let phrase = line[at..].to_string();
        if steps.last() != Some(&phrase) {
            steps.push(phrase);
        }
    }
    steps
}

#[test]
fn a_dry_run_previews_each_rule_from_where_the_rules_before_it_leave_the_rate() {
    let config = format!("{CONDITIONS}{RULES}");
    let dry = env_with(&config).run(&["triage", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let real = env_with(&config).run(&["triage", "--yes"]);
    assert_eq!(real.code, 0, "{}", real.stderr);
    let (dry_steps, real_steps) = (rate_steps(&dry.stderr), rate_steps(&real.stderr));
    assert_eq!(dry_steps.len(), 2, "{}", dry.stderr);
    assert_eq!(
        dry_steps, real_steps,
        "dry:\n{}\nreal:\n{}",
        dry.stderr, real.stderr
    );
    // Each rule's preview is said once: no "Reject 2 leads" followed by "Would reject 2".
    assert!(
        dry.stderr
            .contains("Would reject 2 leads (reason: outside_area):"),
        "{}",
        dry.stderr
    );
    assert!(!dry.stderr.contains("Would reject 2 ·"), "{}", dry.stderr);
}

#[test]
fn a_dry_run_is_refused_by_the_budget_guard_as_the_real_run_is() {
    let config = format!(
        "{CONDITIONS}[budget]\nweekly_cap = \"300 TWD\"\n[[rules]]\nwhen = \"match\"\naction = \"accept\"\nmax_fee = \"180 TWD\"\n"
    );
    let env = env_with(&config);
    let before = env.snapshot_store();
    // NT$180 spent this week (`done`) + two fees of NT$180 is over NT$300.
    let dry = env.run(&["triage", "--dry-run"]).fails(8);
    let real = env.run(&["triage", "--yes"]).fails(8);
    for err in [&dry, &real] {
        assert!(err.contains("over your NT$300 weekly cap"), "{err}");
    }
    assert_eq!(env.snapshot_store(), before);
}
