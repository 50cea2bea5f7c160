//! `leads history`: what an empty log says, and the CSV a spreadsheet reads.

use serde_json::json;

use crate::env::{TestEnv, decided, with};

#[test]
fn an_empty_log_says_how_decisions_get_there_not_the_command_just_run() {
    let env = TestEnv::new();
    env.import(&[crate::env::lead("a", 1)]);
    let run = env.run(&["history"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("No decisions yet"), "{}", run.stderr);
    assert!(!run.stderr.contains("`leads history`"), "{}", run.stderr);
    env.import(&[decided("r", 2, "reject")]);
    let run = env.run(&["history", "--action", "accept"]);
    assert!(
        run.stderr.contains("No decisions match these filters")
            && run.stderr.contains("`leads history` without them"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_csv_has_the_fee_in_major_units_beside_the_minor_units() {
    let env = TestEnv::new();
    env.import(&[
        with(
            decided("tw", 3, "accept"),
            json!({"fee": {"amount": 36000, "currency": "TWD"}}),
        ),
        with(
            decided("jp", 4, "accept"),
            json!({"fee": {"amount": 3000, "currency": "JPY"}}),
        ),
        decided("no", 5, "reject"),
    ]);
    let csv = env.run(&["history", "--csv"]).ok();
    let mut rows = csv.lines().map(|l| l.split(',').collect::<Vec<_>>());
    let header = rows.next().unwrap();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (amount, currency, fee) = (at("fee_amount"), at("fee_currency"), at("fee"));
    assert_eq!(fee, currency + 1, "beside the minor units: {header:?}");
    let rows: Vec<Vec<&str>> = rows.collect();
    let of = |id: &str| rows.iter().find(|r| r[1] == id).unwrap().clone();
    assert_eq!((of("tw")[amount], of("tw")[fee]), ("36000", "360.00"));
    assert_eq!((of("jp")[amount], of("jp")[fee]), ("3000", "3000"));
    assert_eq!(of("no")[fee], "");
}
