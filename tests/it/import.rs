use serde_json::json;

use crate::env::{Run, TestEnv, decided, lead, path_str, with};

const CSV_HEADER: &str = "id,service,category,created_at,fee_amount,fee_currency,city,district,budget_min,budget_max,customer_name,answers,extra_column";

#[test]
fn json_array_adds_then_updates() {
    let env = TestEnv::new();
    let file = env.write("a.json", &json!([lead("a", 1), lead("b", 2)]).to_string());
    let err = env.run(&["import", path_str(&file)]);
    assert_eq!(err.code, 0);
    assert!(err.stderr.contains("2 added, 0 updated"), "{}", err.stderr);
    let again = env.run(&["import", path_str(&file)]);
    assert!(
        again.stderr.contains("0 added, 2 updated"),
        "{}",
        again.stderr
    );
    // Most urgent first: b arrived earlier, so it lapses first.
    assert_eq!(env.ids(&[]), ["b", "a"]);
}

#[test]
fn ndjson_api_page_csv_and_stdin_all_import() {
    let env = TestEnv::new();
    let nd = format!("{}\n{}\n", lead("n1", 1), lead("n2", 1));
    env.run(&["import", path_str(&env.write("x.ndjson", &nd))])
        .ok();
    let page = json!({"data": [lead("p1", 1)], "next_cursor": null}).to_string();
    env.run(&["import", path_str(&env.write("page.json", &page))])
        .ok();
    let csv = format!(
        "{CSV_HEADER}\nc1,Leaking pipe repair,plumbing,2026-11-23T02:00:00Z,25000,TWD,新北市,板橋區,150000,,Mr. Chen,\"[{{\"\"question\"\":\"\"Where\"\",\"\"answer\"\":\"\"Kitchen\"\"}}]\",ignored\n"
    );
    env.run(&["import", path_str(&env.write("x.csv", &csv))])
        .ok();
    // Stdin, format sniffed from the content.
    let run = env.run_stdin(
        &["import", "-"],
        &format!("{}\n{}\n", lead("s1", 1), lead("s2", 1)),
    );
    assert!(run.stderr.contains("from stdin: 2 added"), "{}", run.stderr);
    let mut ids = env.ids(&[]);
    ids.sort();
    assert_eq!(ids, ["c1", "n1", "n2", "p1", "s1", "s2"]);
    let c1: serde_json::Value =
        serde_json::from_str(&env.run(&["show", "c1", "--json"]).ok()).unwrap();
    assert_eq!(c1["fee"], json!({"amount": 25000, "currency": "TWD"}));
    assert_eq!(
        c1["budget"],
        json!({"min": 150000, "max": null, "currency": "TWD"})
    );
    assert_eq!(c1["answers"][0]["answer"], "Kitchen");
    assert_eq!(c1["customer"]["display_name"], "Mr. Chen");
}

#[test]
fn unknown_fields_are_ignored() {
    let env = TestEnv::new();
    env.import(&[with(
        lead("a", 1),
        json!({"promoted_by": "x", "fee": {"amount": 1, "currency": "TWD", "tax": 0}}),
    )]);
    assert_eq!(env.ids(&[]), ["a"]);
}

#[test]
fn imported_decisions_are_kept_and_never_reopened() {
    let env = TestEnv::new();
    env.import(&[decided("d", 5, "accept")]);
    // The platform's pending page comes in later without the decision: it must not reopen it.
    let run = env.run_stdin(&["import", "-"], &lead("d", 6).to_string());
    assert!(
        run.stderr
            .contains("Kept the decision or expiry already recorded for 1"),
        "{}",
        run.stderr
    );
    assert_eq!(env.ids(&["--status", "accepted"]), ["d"]);
}

/// Each bad input: exit 5, a message naming where and why, and a store exactly as before.
#[test]
fn bad_files_change_nothing_and_say_where() {
    let env = TestEnv::new();
    env.import(&[lead("keep", 1)]);
    let before = env.snapshot_store();
    let bad_fee = with(
        lead("x3", 1),
        json!({"fee": {"amount": -5, "currency": "TWD"}}),
    );
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "bad.json",
            json!([lead("x1", 1), lead("x2", 1), bad_fee]).to_string(),
            "record 3 (id \"x3\"): `fee.amount` must not be negative",
        ),
        (
            "broken.json",
            "[{\"id\": ".into(),
            "the file ends inside a record (at line 1): was it cut short?",
        ),
        (
            "lines.ndjson",
            format!("{}\n{{nope\n", lead("x1", 1)),
            "line 2: not valid JSON",
        ),
        (
            "cur.json",
            json!([with(
                lead("x1", 1),
                json!({"fee": {"amount": 1, "currency": "XYZ"}})
            )])
            .to_string(),
            "`fee.currency`: unknown currency code \"XYZ\"",
        ),
        (
            "missing.json",
            json!([{"id": "x1"}]).to_string(),
            "record 1 (id \"x1\"): missing field `service`",
        ),
        (
            "status.json",
            json!([with(lead("x1", 1), json!({"status": "accepted"}))]).to_string(),
            "status `accepted` needs a `decision`",
        ),
        (
            "time.json",
            json!([with(lead("x1", 1), json!({"created_at": "yesterday"}))]).to_string(),
            "record 1 (id \"x1\"): `created_at`: \"yesterday\" is not an RFC 3339 time",
        ),
        (
            "no_col.csv",
            "id,service\nx,y\n".into(),
            "no `category` column",
        ),
        (
            "amount.csv",
            format!("{CSV_HEADER}\nx,S,cleaning,2026-11-23T02:00:00Z,12.5,TWD,,,,,,,\n"),
            "row 1 (line 2): column fee_amount: \"12.5\" is not a whole number of minor units",
        ),
        ("scalar.json", "42".into(), "expected an array of leads"),
    ];
    for (name, contents, expected) in cases {
        let path = env.write(name, &contents);
        let err = env.run(&["import", path_str(&path)]).fails(5);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains(name), "{name}: the file is named: {err}");
        assert!(err.contains("nothing was imported"), "{name}: {err}");
        assert_eq!(env.snapshot_store(), before, "{name} changed the store");
    }
    let err = env.run(&["import", "/no/such/file.json"]).fails(5);
    assert!(
        err.contains("cannot read /no/such/file.json: no such file"),
        "{err}"
    );
    let not_utf8 = env.dir.path().join("latin1.csv");
    let mut latin1 = format!("{CSV_HEADER}\n").into_bytes();
    latin1
        .extend_from_slice(b"x,Nettoyage d\xe9t\xe9,cleaning,2026-11-23T02:00:00Z,1,TWD,,,,,,,\n");
    std::fs::write(&not_utf8, latin1).unwrap();
    let err = env.run(&["import", path_str(&not_utf8)]).fails(5);
    assert!(err.contains("row 1 (line 2) is not UTF-8"), "{err}");
    assert_eq!(env.snapshot_store(), before);
}

#[test]
fn json_summary_for_scripts() {
    let env = TestEnv::new();
    let out = env
        .run_stdin(&["import", "-", "--json"], &lead("a", 1).to_string())
        .ok();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v, json!({"added": 1, "updated": 0, "kept": 0}));
}

/// One id twice in a file is a mistake in the file (an export cut and pasted twice, a join gone
/// wrong), not an update: the second record would silently overwrite the first.
#[test]
fn one_id_twice_in_a_file_is_refused_naming_both_records() {
    let env = TestEnv::new();
    env.import(&[lead("keep", 1)]);
    let before = env.snapshot_store();
    let records = [
        lead("a", 1),
        lead("b", 1),
        lead("c", 1),
        lead("b", 2),
        lead("d", 1),
    ];
    let ndjson: String = records.iter().map(|r| format!("{r}\n")).collect();
    let csv = format!(
        "{CSV_HEADER}\nx,S,cleaning,2026-11-23T02:00:00Z,100,TWD,,,,,,,\ny,S,cleaning,2026-11-23T02:00:00Z,100,TWD,,,,,,,\nx,S,cleaning,2026-11-23T03:00:00Z,100,TWD,,,,,,,\n"
    );
    let cases = [
        (
            "twice.json",
            json!(records).to_string(),
            "record 4 (id \"b\"): the same id as record 2",
        ),
        (
            "twice.ndjson",
            ndjson,
            "line 4 (id \"b\"): the same id as line 2",
        ),
        (
            "twice.csv",
            csv,
            "row 3 (line 4) (id \"x\"): the same id as row 1 (line 2)",
        ),
    ];
    for (name, contents, expected) in cases {
        let path = env.write(name, &contents);
        let err = env.run(&["import", path_str(&path)]).fails(5);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains("nothing was imported"), "{name}: {err}");
        assert_eq!(env.snapshot_store(), before, "{name} changed the store");
    }
}

/// Leads are written as they are read, so the promise that a bad record changes nothing rests on
/// the one transaction: a bad last record, after thousands of good ones, must undo them all.
#[test]
fn a_bad_record_at_the_very_end_of_a_long_file_changes_nothing() {
    let env = TestEnv::new();
    env.import(&[lead("keep", 1)]);
    let before = env.snapshot_store();
    let good: Vec<serde_json::Value> = (0..3_000).map(|i| lead(&format!("x{i}"), 1)).collect();
    let bad = with(
        lead("last", 1),
        json!({"fee": {"amount": 1, "currency": "NTD"}}),
    );
    let mut all = good.clone();
    all.push(bad.clone());
    let ndjson: String = all.iter().map(|r| format!("{r}\n")).collect();
    let page = json!({"data": all, "next_cursor": null}).to_string();
    let csv_rows: String = (0..3_000)
        .map(|i| format!("x{i},S,cleaning,2026-11-23T02:00:00Z,100,TWD,,,,,,,\n"))
        .collect();
    let csv =
        format!("{CSV_HEADER}\n{csv_rows}last,S,cleaning,2026-11-23T02:00:00Z,100,NTD,,,,,,,\n");
    let twice = format!("{ndjson}{}\n", good[7]);
    let cases = [
        (
            "long.json",
            json!(all).to_string(),
            "record 3001 (id \"last\"): `fee.currency`",
        ),
        (
            "long.ndjson",
            ndjson,
            "line 3001 (id \"last\"): `fee.currency`",
        ),
        ("page.json", page, "record 3001 (id \"last\")"),
        (
            "long.csv",
            csv,
            "row 3001 (line 3002) (id \"last\"): `fee.currency`",
        ),
        (
            "twice.ndjson",
            twice.replacen(&bad.to_string(), &lead("last", 1).to_string(), 1),
            "line 3002 (id \"x7\"): the same id as line 8",
        ),
    ];
    for (name, contents, expected) in cases {
        let path = env.write(name, &contents);
        let err = env.run(&["import", path_str(&path)]).fails(5);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains("nothing was imported"), "{name}: {err}");
        assert_eq!(env.snapshot_store(), before, "{name} changed the store");
    }
}

/// The writer finds a record at fault while the reader still has most of the file to hand over:
/// the import stops there, without waiting on a reader that waits on it.
#[test]
fn a_bad_record_early_in_a_long_file_stops_the_import_there() {
    let env = TestEnv::new();
    env.import(&[lead("keep", 1)]);
    let before = env.snapshot_store();
    let mut ndjson: String = (0..2_000)
        .map(|i| format!("{}\n", lead(&format!("x{i}"), 1)))
        .collect();
    ndjson.push_str(&format!("{}\n", lead("x3", 1)));
    ndjson.extend((2_000..60_000).map(|i| format!("{}\n", lead(&format!("x{i}"), 1))));
    let path = env.write("early.ndjson", &ndjson);
    let out = env
        .command()
        .args(["import", path_str(&path)])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let err = Run::from(out).fails(5);
    assert!(
        err.contains("line 2001 (id \"x3\"): the same id as line 4"),
        "{err}"
    );
    assert_eq!(env.snapshot_store(), before);
}

/// A big file shows how far the import is on a terminal (a real pty), and nothing of it when
/// stderr is a pipe: there only the summary line.
#[test]
fn a_big_import_shows_progress_on_a_terminal_only() {
    let env = TestEnv::new();
    // Past the 8 MB from which a bar is drawn.
    let ndjson: String = (0..16_000)
        .map(|i| format!("{}\n", lead(&format!("p{i}"), 1)))
        .collect();
    assert!(ndjson.len() > 8 << 20, "{} bytes", ndjson.len());
    let path = env.write("big.ndjson", &ndjson);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("leads"));
    cmd.args(["import", path_str(&path)])
        .env("LEADS_CONFIG", env.config_path())
        .env("LEADS_DATA_DIR", env.data_dir())
        .env("LEADS_NOW", crate::env::NOW)
        .env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(cmd, Some(60_000)).expect("a pseudo-terminal");
    // The bar counts bytes and leads as they are read.
    p.exp_string("MiB").unwrap();
    p.exp_string(" leads").unwrap();
    p.exp_string("Imported 16000 leads").unwrap();
    p.exp_eof().unwrap();

    let again = env.run(&["import", path_str(&path)]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.stderr,
        format!(
            "Imported 16000 leads from {}: 0 added, 16000 updated.\n",
            path_str(&path)
        )
    );
}

/// A database is reached before the file is read: a wrong address is said even for a file with
/// nothing in it, instead of "Imported 0 leads" into a database that was never there.
#[test]
fn an_import_into_a_database_out_of_reach_says_so_even_for_an_empty_file() {
    let env = TestEnv::new();
    let file = env.write("empty.json", "[]");
    // Port 1 on loopback: refused at once, no PostgreSQL needed.
    let err = env
        .run(&[
            "import",
            "--database",
            "postgres://leads@127.0.0.1:1/leads",
            path_str(&file),
        ])
        .fails(1);
    assert!(
        err.contains("cannot reach the PostgreSQL database"),
        "{err}"
    );
    assert!(!err.contains("Imported"), "{err}");
}

/// The journal mode of the store in `data_dir`, as the file records it.
fn journal_mode(data_dir: &std::path::Path) -> String {
    rusqlite::Connection::open(data_dir.join("leads.db"))
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}

/// An import into an empty store writes straight into the file under a rollback journal
/// (`leads.db-journal` while it runs) and leaves the store in WAL mode however it ends: killed
/// at any moment, the next command rolls it back to nothing or finds all of it.
#[test]
fn an_import_into_an_empty_store_killed_at_any_moment_leaves_all_or_nothing() {
    const LEADS: usize = 5_000;
    let env = TestEnv::new();
    let ndjson: String = (0..LEADS)
        .map(|i| format!("{}\n", lead(&format!("k{i}"), 1)))
        .collect();
    let path = env.write("big.ndjson", &ndjson);
    let data = env.data_dir();
    let journal = data.join("leads.db-journal");
    let import = || {
        env.process()
            .args(["import", path_str(&path)])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };

    // How long a whole run takes here, so the kills land inside one.
    let started = std::time::Instant::now();
    assert!(import().wait().unwrap().success());
    let run_time = started.elapsed();
    assert_eq!(journal_mode(&data), "wal");

    let mut rng = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let wal = data.join("leads.db-wal");
    // Rounds whose kill left the import's rollback journal, and no WAL: cut inside an import
    // that was writing straight into the file.
    let mut cut_straight = 0;
    for round in 0..6 {
        std::fs::remove_dir_all(&data).unwrap();
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let delay = std::time::Duration::from_micros(rng % (run_time.as_micros() as u64 + 1));
        let mut child = import();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL: no destructor runs, the journal stays behind
        child.wait().unwrap();
        cut_straight += usize::from(journal.exists() && !wal.exists());

        let why = format!("round {round}, killed after {delay:?}");
        let listed = env.run(&["list", "--status", "all", "--json"]).ok();
        let n = serde_json::from_str::<Vec<serde_json::Value>>(&listed)
            .unwrap()
            .len();
        assert!(n == 0 || n == LEADS, "{why}: {n} of {LEADS} leads");
        assert_eq!(journal_mode(&data), "wal", "{why}");
        assert!(!journal.exists(), "{why}: the journal was left");
        let integrity: String = rusqlite::Connection::open(data.join("leads.db"))
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok", "{why}");
    }
    // The test means something only if kills landed inside such an import.
    assert!(cut_straight > 0, "no kill landed inside an import");

    // A bad last record, into an empty store: nothing imported, and WAL again.
    std::fs::remove_dir_all(&data).unwrap();
    let bad = env.write(
        "bad.ndjson",
        &format!("{ndjson}{}\n", with(lead("last", 1), json!({"fee": null}))),
    );
    let err = env.run(&["import", path_str(&bad)]).fails(5);
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(env.ids(&["--status", "all"]), Vec::<String>::new());
    assert_eq!(journal_mode(&data), "wal");
}

/// SQLite leaves WAL mode only when no other connection has the store open: then an import
/// into an empty store goes through the WAL as any other does, and readers go on reading.
#[test]
fn an_import_into_an_empty_store_another_connection_has_open_goes_through_the_wal() {
    let env = TestEnv::new();
    env.run(&["status"]).ok();
    let reader = rusqlite::Connection::open(env.data_dir().join("leads.db")).unwrap();
    let count = || -> i64 {
        reader
            .query_row("SELECT COUNT(*) FROM leads", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(), 0);
    let ndjson: String = (0..2_000)
        .map(|i| format!("{}\n", lead(&format!("w{i}"), 1)))
        .collect();
    let path = env.write("w.ndjson", &ndjson);
    let run = env.run(&["import", path_str(&path)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("2000 added"), "{}", run.stderr);
    assert_eq!(count(), 2_000);
    assert!(!env.data_dir().join("leads.db-journal").exists());
    assert_eq!(journal_mode(&env.data_dir()), "wal");
}
