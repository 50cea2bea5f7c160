use serde_json::{Value, json};

use crate::env::{TestEnv, decided, expired, lead, with};

/// A store with `responded` answered, `lapsed` expired and `pending` waiting New Leads, all
/// inside the 30-day window.
fn history(responded: usize, lapsed: usize, pending: usize) -> TestEnv {
    let env = TestEnv::new();
    let mut leads = Vec::new();
    for i in 0..responded {
        let action = if i % 3 == 0 { "accept" } else { "reject" };
        leads.push(decided(&format!("r{i}"), 100 + i as i64, action));
    }
    for i in 0..lapsed {
        leads.push(expired(&format!("x{i}"), 200 + i as i64));
    }
    for i in 0..pending {
        leads.push(lead(&format!("p{i}"), 1 + i as i64));
    }
    env.import(&leads);
    env
}

fn status_json(env: &TestEnv) -> Value {
    serde_json::from_str(&env.run(&["status", "--json"]).ok()).unwrap()
}

#[test]
fn exactly_at_the_threshold_is_safe() {
    // 24 / 32 = 0.75: at the threshold, which is not below it.
    let env = history(24, 8, 0);
    let run = env.run(&["status", "--check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout,
        "Safe: 75.0% is at or above 75%, even if every pending lead lapses.\n"
    );
    let v = status_json(&env);
    assert_eq!(
        (v["responded"].clone(), v["received"].clone()),
        (json!(24), json!(32))
    );
    assert_eq!(v["rate"], json!(0.75));
    assert_eq!(v["lapse_allowance"], json!(0));
}

#[test]
fn one_more_lapse_is_below() {
    let env = history(24, 9, 2);
    let run = env.run(&["status", "--check"]);
    assert_eq!(run.code, 11, "{}", run.stdout);
    // 24/33 = 72.7%: needs 2 of 2 pending → 26/35 = 74.3% is still below → unreachable.
    assert_eq!(
        run.stdout,
        "Below 75%: even answering both pending leads reaches only 74.2%; answer new leads quickly to recover.\n"
    );
}

#[test]
fn below_but_recoverable_names_how_many_to_answer() {
    let env = history(24, 9, 4);
    let run = env.run(&["status", "--check"]);
    assert_eq!(run.code, 11);
    // (24 + m) / 37 >= 0.75 → m >= 3.75 → 4 of 4.
    assert!(
        run.stdout
            .starts_with("Below 75%: answer all 4 pending leads"),
        "{}",
        run.stdout
    );
}

#[test]
fn pending_leads_put_a_safe_rate_at_risk() {
    let env = history(30, 6, 8);
    let run = env.run(&["status", "--check"]);
    assert_eq!(run.code, 10, "{}", run.stdout);
    insta::assert_snapshot!(env.run(&["status"]).ok(), @r"
    Response rate  83.3%  (30 of 36 answered in 30 days: 10 accepted, 20 rejected, 6 lapsed · threshold 75%)
    May lapse      4 more leads before you drop below 75%
    Pending        8 to answer · 0 expire within 6h · next lapses in 1d 16h (p7)
    If all lapse   68.1% · answer at least 3 of them to stay at or above 75%
    Speed to lead  1h 00m median from arrival to answer
    This week      nothing spent yet (no weekly cap set)

    At risk: answer 3 of your 8 pending leads to stay at or above 75%; the next lapses in 1d 16h.
    ");
}

#[test]
fn promotions_and_leads_outside_the_window_never_count() {
    let env = history(3, 1, 0);
    env.import(&[
        with(expired("promo", 5), json!({"kind": "promotion"})),
        expired("ancient", 31 * 24 + 1),
        decided("ancient2", 40 * 24, "reject"),
    ]);
    let v = status_json(&env);
    assert_eq!(
        (v["responded"].clone(), v["lapsed"].clone()),
        (json!(3), json!(1))
    );
    // A 10-day window leaves out everything older than 240h: r0..r2 (100-102h) stay, x0 (200h) too.
    env.write_config("[response_rate]\nwindow_days = 8\n");
    let v = status_json(&env);
    assert_eq!(
        (v["responded"].clone(), v["lapsed"].clone()),
        (json!(3), json!(0))
    );
}

#[test]
fn a_pending_lead_past_its_expiry_counts_as_lapsed() {
    let env = history(3, 0, 0);
    env.import(&[lead("late", 49)]);
    let v = status_json(&env);
    assert_eq!(
        (v["lapsed"].clone(), v["pending"].clone()),
        (json!(1), json!(0))
    );
    // A longer shelf life makes it answerable again.
    env.write_config("[freshness]\nshelf_life = \"72h\"\n");
    let v = status_json(&env);
    assert_eq!(
        (v["lapsed"].clone(), v["pending"].clone()),
        (json!(0), json!(1))
    );
}

#[test]
fn no_leads_is_safe_with_no_rate() {
    let env = TestEnv::new();
    let run = env.run(&["status", "--check"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "Safe: no New Leads in the last 30 days, nothing to answer.\n"
    );
    assert_eq!(status_json(&env)["rate"], Value::Null);
}

#[test]
fn spend_counts_this_calendar_week_against_the_cap() {
    let env = TestEnv::new();
    // NOW is Monday 12:00 (+08:00): 3h ago is this week, 13h ago is last Sunday.
    env.import(&[
        decided("this", 3, "accept"),
        decided("last", 13, "accept"),
        decided("free", 2, "reject"),
    ]);
    env.write_config("[budget]\nweekly_cap = \"1000 TWD\"\n");
    let out = env.run(&["status"]).ok();
    assert!(
        out.contains("This week      NT$180 of your NT$1,000 weekly cap · NT$820 left"),
        "{out}"
    );
    let v = status_json(&env);
    assert_eq!(
        v["spend"]["spent"],
        json!([{"amount": 18000, "currency": "TWD"}])
    );
    assert_eq!(
        v["spend"]["left"],
        json!({"amount": 82000, "currency": "TWD"})
    );
    assert_eq!(v["spend"]["week_start"], json!("2026-11-22T16:00:00Z"));
    env.write_config("[budget]\nweekly_cap = \"100 TWD\"\n");
    let out = env.run(&["status"]).ok();
    assert!(
        out.contains("NT$180 of your NT$100 weekly cap · NT$80 over"),
        "{out}"
    );
}

#[test]
fn a_lead_stamped_a_little_after_now_counts_as_pending_everywhere() {
    // The platform's clock runs five minutes ahead of this one.
    let env = history(30, 6, 8);
    let now = chrono::DateTime::parse_from_rfc3339(crate::env::NOW).unwrap();
    let ahead = (now + chrono::TimeDelta::minutes(5)).to_utc().to_rfc3339();
    env.import(&[with(lead("skewed", 0), json!({"created_at": ahead}))]);
    let v = status_json(&env);
    assert_eq!(v["queue"]["pending"], json!(9));
    assert_eq!(
        v["pending"],
        json!(9),
        "the rate counts it as the queue does"
    );
    let text = env.run(&["status"]).ok();
    assert!(text.contains("9 to answer"), "{text}");
    assert!(text.contains("of your 9 pending leads"), "{text}");
    // Deciding it counts in the rate as well.
    let dry = env.run(&["reject", "skewed", "--reason", "busy", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    // 30/36 answered now, 31/37 after.
    assert!(dry.stderr.contains("→ 83.7%"), "{}", dry.stderr);
}

#[test]
fn one_rate_precision_everywhere() {
    // 30/36 = 83.33…%: one decimal, rounded down, in the dashboard and in what a decision
    // would do (31/37 = 83.78…%), even where whole percents would differ.
    let env = history(30, 6, 8);
    let text = env.run(&["status"]).ok();
    assert!(text.starts_with("Response rate  83.3%"), "{text}");
    let dry = env.run(&["reject", "p0", "--reason", "busy", "--dry-run"]);
    assert!(dry.stderr.contains("rate 83.3% → 83.7%"), "{}", dry.stderr);
    let dry = env.run(&["reject", "--all", "--reason", "busy", "--dry-run"]);
    // 38/44 = 86.36…%.
    assert!(dry.stderr.contains("rate 83.3% → 86.3%"), "{}", dry.stderr);
}

#[test]
fn counts_agree_with_their_verbs() {
    // 3 answered and 1 lapsed: the one pending lead decides between 75% and 60%.
    let env = history(3, 1, 0);
    env.import(&[lead("soon", 44)]);
    let text = env.run(&["status"]).ok();
    assert!(text.contains("1 to answer · 1 expires within 6h"), "{text}");
    assert!(text.contains("60.0% · answer it to stay"), "{text}");
    assert!(
        text.contains("At risk: answer your pending lead to stay"),
        "{text}"
    );
    env.import(&[lead("later", 43)]);
    let text = env.run(&["status"]).ok();
    assert!(text.contains("2 to answer · 2 expire within 6h"), "{text}");
}
