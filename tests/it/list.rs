use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::{Value, json};

use crate::env::{NOW, TestEnv, decided, expired, lead, with};

/// Nine leads covering every filter. Pending ones by time left: d 2h, c 3h, b 18h, a 47h.
fn fixture() -> TestEnv {
    let env = TestEnv::new();
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    let in_2h = (now + chrono::TimeDelta::hours(2)).to_utc().to_rfc3339();
    env.import(&[
        lead("a", 1),
        with(lead("b", 30), json!({"category": "moving", "service": "Family move",
            "location": {"city": "新北市", "district": "板橋區", "postcode": "220"},
            "fee": {"amount": 40000, "currency": "TWD"}})),
        with(lead("c", 45), json!({"category": "plumbing", "service": "Leaking pipe repair",
            "location": {"city": "台北市", "district": "信義區", "postcode": "110"},
            "fee": {"amount": 15000, "currency": "TWD"}})),
        with(lead("d", 10), json!({"expires_at": in_2h, "location": {"city": "桃園市", "district": null, "postcode": null},
            "fee": {"amount": 12050, "currency": "TWD"}})),
        with(lead("e", 1), json!({"kind": "promotion"})),
        expired("f", 20),
        lead("g", 50),
        decided("h", 3, "accept"),
        decided("i", 4, "reject"),
    ]);
    env
}

#[test]
fn pending_new_leads_most_urgent_first() {
    let env = fixture();
    assert_eq!(env.ids(&[]), ["d", "c", "b", "a"]);
}

#[test]
fn every_filter_selects_what_it_says() {
    let env = fixture();
    let cases: &[(&[&str], &[&str])] = &[
        (&["--category", "cleaning"], &["d", "a"]),
        (&["--category", "Cleaning,moving"], &["d", "b", "a"]),
        (
            &["--category", "moving", "--category", "plumbing"],
            &["c", "b"],
        ),
        (&["--city", "台北"], &["c", "a"]),
        (&["--city", "板橋區"], &["b"]),
        (&["--city", "22"], &["b"]),
        (&["--city", "桃園市,新北市"], &["d", "b"]),
        (&["--older-than", "24h"], &["c", "b"]),
        (&["--older-than", "10h"], &["d", "c", "b"]),
        (&["--expiring-within", "6h"], &["d", "c"]),
        (&["--expiring-within", "3h"], &["d", "c"]),
        (&["--expiring-within", "2h59m"], &["d"]),
        (&["--fee-above", "150"], &["b", "a"]),
        (&["--fee-below", "150"], &["d"]),
        (
            &["--fee-above", "120", "--fee-below", "200"],
            &["d", "c", "a"],
        ),
        (&["--fee-above", "120.50"], &["c", "b", "a"]),
        (&["--status", "expired"], &["f", "g"]),
        (&["--status", "accepted"], &["h"]),
        (&["--status", "rejected"], &["i"]),
        (
            &["--status", "all"],
            &["a", "h", "i", "d", "f", "b", "c", "g"],
        ),
        (&["--kind", "promotion"], &["e"]),
        (&["--kind", "all"], &["d", "c", "b", "a", "e"]),
        (&["--limit", "2"], &["d", "c"]),
        (&["--category", "cleaning", "--limit", "1"], &["d"]),
        (&["--category", "roofing"], &[]),
    ];
    for (args, expected) in cases {
        assert_eq!(env.ids(args), *expected, "leads list {}", args.join(" "));
    }
}

#[test]
fn bad_filter_values_are_usage_errors() {
    let env = fixture();
    for (args, expected) in [
        (vec!["--older-than", "5x"], "\"5x\" is not a duration"),
        (vec!["--expiring-within", "48"], "like 48h"),
        (vec!["--fee-above", "abc"], "\"abc\" is not an amount"),
        (vec!["--fee-below=-5"], "\"-5\" is not an amount"),
        (
            vec!["--status", "open"],
            "possible values: pending, accepted, rejected, expired, all",
        ),
        (vec!["--kind", "x"], "new_lead"),
        (vec!["--limit", "0"], "--limit"),
    ] {
        let mut all = vec!["list"];
        all.extend(args.iter());
        let err = env.run(&all).fails(2);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn plain_rows_are_tab_separated_without_header() {
    let env = fixture();
    insta::assert_snapshot!(env.run(&["list"]).ok(), @r"
    d	Deep home cleaning	cleaning	桃園市	NT$2,000–3,000	NT$120.50	10h 00m	2h 00m
    c	Leaking pipe repair	plumbing	台北市 信義區	NT$2,000–3,000	NT$150	1d 21h	3h 00m
    b	Family move	moving	新北市 板橋區	NT$2,000–3,000	NT$400	1d 06h	18h 00m
    a	Deep home cleaning	cleaning	台北市 大安區	NT$2,000–3,000	NT$180	1h 00m	1d 23h
    ");
}

#[test]
fn json_is_the_contract_lead_plus_computed_fields() {
    let env = fixture();
    let out: Value =
        serde_json::from_str(&env.run(&["list", "--json", "--limit", "1"]).ok()).unwrap();
    insta::assert_json_snapshot!(out, @r#"
    [
      {
        "age_seconds": 36000,
        "answers": [
          {
            "answer": "3 bedrooms",
            "question": "Home size"
          }
        ],
        "budget": {
          "currency": "TWD",
          "max": 300000,
          "min": 200000
        },
        "category": "cleaning",
        "created_at": "2026-11-22T18:00:00Z",
        "customer": {
          "display_name": "Ms. Lin",
          "email": null,
          "phone": null
        },
        "decision": null,
        "effective_expires_at": "2026-11-23T06:00:00Z",
        "effective_status": "pending",
        "expires_at": "2026-11-23T06:00:00Z",
        "expires_in_seconds": 7200,
        "fee": {
          "amount": 12050,
          "currency": "TWD"
        },
        "fit": {
          "checks": [],
          "level": "match"
        },
        "id": "d",
        "kind": "new_lead",
        "location": {
          "city": "桃園市",
          "district": null,
          "postcode": null
        },
        "message": "Before the new year, please.",
        "schedule": "Saturday morning",
        "score": {
          "fit": 30,
          "total": 91,
          "urgency": 47,
          "value": 14
        },
        "service": "Deep home cleaning",
        "status": "pending",
        "urgency": "urgent"
      }
    ]
    "#);
    // An empty selection is still valid JSON.
    assert_eq!(
        env.run(&["list", "--json", "--category", "none"])
            .ok()
            .trim(),
        "[]"
    );
}

#[test]
fn an_empty_queue_says_what_to_do_next_on_stderr() {
    let env = TestEnv::new();
    let run = env.run(&["list"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert!(run.stderr.contains("leads demo"), "{}", run.stderr);
    env.import(&[decided("old", 30, "accept")]);
    let run = env.run(&["list"]);
    assert!(
        run.stderr.contains("The last one arrived 1d 07h ago"),
        "{}",
        run.stderr
    );
    let run = env.run(&["list", "--city", "nowhere"]);
    assert!(
        run.stderr.contains("No leads match these filters"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let env = TestEnv::new();
    env.run(&["demo", "--count", "3000", "--history", "0", "--no-show"])
        .ok();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("leads"))
        .arg("list")
        .env("LEADS_CONFIG", env.config_path())
        .env("LEADS_DATA_DIR", env.data_dir())
        .env("LEADS_NOW", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("dm-"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn fit_without_working_conditions_says_none_are_set() {
    let env = TestEnv::new();
    env.import(&[crate::env::lead("a", 1)]);
    let run = env.run(&["list", "--fit", "miss"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("no working conditions are set"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[conditions]"), "{}", run.stderr);
    let run = env.run(&["reject", "--fit", "miss", "--reason", "area", "--yes"]);
    assert!(
        run.stderr.contains("no working conditions are set"),
        "{}",
        run.stderr
    );
    // With conditions, --fit just filters.
    env.write_config("[conditions]\nservices = [\"cleaning\"]\n");
    let run = env.run(&["list", "--fit", "match"]);
    assert_eq!(run.code, 0);
    assert!(!run.stderr.contains("conditions"), "{}", run.stderr);
}

#[test]
fn bad_numbers_are_told_in_words() {
    let env = TestEnv::new();
    for (args, expected) in [
        (&["list", "--limit", "0"][..], "a whole number, at least 1"),
        (&["list", "--limit", "abc"], "a whole number, at least 1"),
        (&["list", "--limit", "-1"], "a whole number, at least 1"),
        (&["list", "--limit", "2.5"], "a whole number, at least 1"),
        (
            &["demo", "--count", "lots"],
            "a whole number from 0 to 1,000,000",
        ),
        (
            &["demo", "--count", "2000000"],
            "a whole number from 0 to 1,000,000",
        ),
        (&["demo", "--seed", "x"], "a whole number"),
    ] {
        let err = env.run(args).fails(2);
        assert!(err.contains(expected), "{args:?}: {err}");
        for rust in [
            "4294967295",
            "..=",
            "invalid digit",
            "u32",
            "u64",
            "unexpected argument",
        ] {
            assert!(!err.contains(rust), "{args:?}: {err}");
        }
    }
    assert_eq!(env.ids(&["--limit", "1"]).len(), 0);
}

/// The records of a long list are read and written in batches of hundreds, on two threads: they
/// still come out one per lead, in the list's order, each with its own lead's fields.
#[test]
fn a_long_plain_list_is_in_the_same_order_as_its_json() {
    let env = TestEnv::new();
    env.run(&["demo", "--count", "1700", "--history", "600", "--no-show"])
        .ok();
    for args in [
        &["list"][..],
        &["list", "--sort", "score"],
        &["list", "--status", "all", "--limit", "1100"],
    ] {
        let json: Value =
            serde_json::from_str(&env.run(&[args, &["--json"]].concat()).ok()).unwrap();
        let json: Vec<_> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["id"].as_str().unwrap().to_owned(),
                    l["service"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let plain: Vec<_> = env
            .run(args)
            .ok()
            .lines()
            .map(|r| {
                let cells: Vec<_> = r.split('\t').collect();
                (cells[0].to_owned(), cells[1].to_owned())
            })
            .collect();
        assert!(json.len() > 500, "{args:?}: {} leads", json.len());
        assert_eq!(plain, json, "{args:?}");
    }
}
