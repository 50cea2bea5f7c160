use serde_json::{Value, json};

use crate::env::{TestEnv, decided, expired, lead, with};

#[test]
fn a_pending_lead_as_a_card() {
    let env = TestEnv::new();
    env.import(&[lead("a", 5)]);
    insta::assert_snapshot!(env.run(&["show", "a"]).ok(), @r"
    a  Deep home cleaning  (cleaning)
    expires in 1d 19h  (expiry Wed 2026-11-25 07:00, arrival + shelf life 48h)

      Kind       New Lead: needs your accept or reject
      Customer   Ms. Lin
      Where      台北市 大安區 (106)
      When       Saturday morning
      Budget     NT$2,000–3,000
      Fee        NT$180 to accept · rejecting is free
      Arrived    Mon 2026-11-23 07:00 (5h 00m ago)

    Score 45 of 100 = urgency 5 of 50 (1d 19h left of 48h) + fit 30 of 30 (no conditions set) + value 10 of 20 (fee NT$180 is 6.0% of the budget NT$3,000)

    Answers
      Home size: 3 bedrooms

    Message
      Before the new year, please.

    Not answered yet.
    ");
}

#[test]
fn a_decided_lead_shows_the_decision_and_contact_details() {
    let env = TestEnv::new();
    let mut accepted = decided("h", 3, "accept");
    accepted["customer"]["phone"] = json!("0912-345-678");
    env.import(&[
        accepted,
        with(
            decided("r", 2, "reject"),
            json!({"message": null, "answers": []}),
        ),
    ]);
    let card = env.run(&["show", "h"]).ok();
    assert!(card.contains("Phone      0912-345-678"), "{card}");
    assert!(
        card.contains("Accepted · fee NT$180 · Mon 2026-11-23 09:00 (1h 00m after arrival)"),
        "{card}"
    );
    let card = env.run(&["show", "r"]).ok();
    assert!(card.contains("Rejected · too_busy"), "{card}");
    assert!(
        !card.contains("Answers") && !card.contains("Message"),
        "{card}"
    );
}

#[test]
fn json_and_unknown_ids() {
    let env = TestEnv::new();
    env.import(&[lead("a", 5)]);
    let v: Value = serde_json::from_str(&env.run(&["show", "a", "--json"]).ok()).unwrap();
    assert_eq!(v["id"], "a");
    assert_eq!(v["expires_in_seconds"], 43 * 3600);
    let err = env.run(&["show", "zzz"]).fails(6);
    assert!(
        err.contains("no lead with id \"zzz\"") && err.contains("leads list --status all"),
        "{err}"
    );
}

#[test]
fn a_decided_or_lapsed_lead_says_what_happened_not_what_to_do() {
    let env = TestEnv::new();
    env.import(&[
        decided("h", 3, "accept"),
        decided("r", 2, "reject"),
        expired("x", 60),
        lead("p", 50),
    ]);
    let field = |card: &str, name: &str| -> String {
        let line = card
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in {card}"));
        line.trim_start()[name.len()..].trim().to_string()
    };
    for (id, kind, fee) in [
        ("h", "New Lead: accepted", "NT$180 paid"),
        ("r", "New Lead: rejected", "NT$180 · not paid (rejected)"),
        (
            "x",
            "New Lead: lapsed without an answer",
            "NT$180 · not paid (lapsed)",
        ),
        (
            "p",
            "New Lead: lapsed without an answer",
            "NT$180 · not paid (lapsed)",
        ),
    ] {
        let card = env.run(&["show", id]).ok();
        assert_eq!(field(&card, "Kind"), kind, "{card}");
        assert_eq!(field(&card, "Fee"), fee, "{card}");
        assert!(!card.contains("needs your accept"), "{card}");
        assert!(!card.contains("rejecting is free"), "{card}");
    }
}
