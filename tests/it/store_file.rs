//! The store file itself gone wrong: damaged, or not ours to write.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use crate::env::{Run, TestEnv};

fn demo() -> TestEnv {
    let env = TestEnv::new();
    env.run(&["demo", "--no-show"]).ok();
    env
}

fn store(env: &TestEnv) -> std::path::PathBuf {
    env.data_dir().join("leads.db")
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Runs `leads` as a user who may read the store but, for files made read-only, not write
/// them: this user, or, for root (whom permissions do not stop), nobody.
fn run_unprivileged(env: &TestEnv, args: &[&str]) -> Run {
    let root = std::fs::metadata(env.config_path()).unwrap().uid() == 0;
    let mut cmd = env.process();
    if root {
        // Nobody must be able to reach the config and the store to read them.
        chmod(env.dir.path(), 0o755);
        chmod(&env.config_path(), 0o644);
        let program = cmd.get_program().to_owned();
        let mut wrapped = std::process::Command::new("setpriv");
        wrapped
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(program)
            .args(args)
            .env_clear()
            .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))));
        cmd = wrapped;
    } else {
        cmd.args(args);
    }
    Run::from(cmd.output().expect("leads runs"))
}

#[track_caller]
fn assert_says_damaged(err: &str, env: &TestEnv) {
    let path = store(env);
    assert!(
        err.contains(path.to_str().unwrap()),
        "names the file: {err}"
    );
    assert!(err.contains("damaged"), "{err}");
    assert!(
        err.contains("move") && err.contains("backup"),
        "what to do: {err}"
    );
    assert!(
        !err.contains("permission"),
        "not a permissions problem: {err}"
    );
}

#[test]
fn a_file_that_is_not_a_store_is_called_damaged_and_left_alone() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.data_dir()).unwrap();
    let junk = "this is not a database, whatever its name says\n".repeat(40);
    std::fs::write(store(&env), &junk).unwrap();
    for args in [
        &["list"][..],
        &["status"],
        &["reject", "a", "--reason", "area"],
    ] {
        let err = env.run(args).fails(1);
        assert_says_damaged(&err, &env);
    }
    assert_eq!(std::fs::read_to_string(store(&env)).unwrap(), junk);
}

#[test]
fn a_truncated_store_is_called_damaged() {
    let env = demo();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(store(&env))
        .unwrap();
    file.set_len(8192).unwrap();
    let err = env.run(&["status"]).fails(1);
    assert_says_damaged(&err, &env);
}

#[test]
fn a_read_only_store_reads_and_refuses_writes_by_name() {
    let env = demo();
    let before = env.snapshot_store();
    chmod(&store(&env), 0o444);
    // The data dir stays writable: only the file is not.
    chmod(&env.data_dir(), 0o777);
    for args in [
        &["list"][..],
        &["status"],
        &["show", "dm-0002"],
        &["history"],
    ] {
        let run = run_unprivileged(&env, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    let run = run_unprivileged(&env, &["reject", "dm-0002", "--reason", "area"]);
    let err = run.fails(1);
    assert!(err.contains(store(&env).to_str().unwrap()), "{err}");
    assert!(err.contains("read-only"), "{err}");
    assert!(!err.contains("attempt to write"), "{err}");
    chmod(&store(&env), 0o644);
    assert_eq!(env.snapshot_store(), before);
}

#[test]
fn reads_work_in_a_read_only_data_dir() {
    let env = demo();
    chmod(&store(&env), 0o444);
    chmod(&env.data_dir(), 0o555);
    for args in [
        &["list"][..],
        &["status"],
        &["show", "dm-0002"],
        &["history"],
    ] {
        let run = run_unprivileged(&env, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(!run.stdout.is_empty(), "{args:?}");
    }
    let err = run_unprivileged(&env, &["reject", "dm-0002", "--reason", "area"]).fails(1);
    assert!(err.contains("read-only"), "{err}");
    chmod(&env.data_dir(), 0o700);
}

/// A store from an older leads, read-only to this user: its schema cannot be brought up to date,
/// and the error says that and what to do, not that reads still work. Made writable, the next
/// command brings it up to date and reads it.
#[test]
fn an_outdated_read_only_store_says_it_needs_writing_once() {
    let env = demo();
    {
        // Schema 13 undone (the indexes of leads by arrival put back), schemas 14 and 12 undone
        // (the listing column and the index that holds it, put back as schema 10 made it), and
        // schema 11 only rewrites the text of three CHECKs: a store of schema 10.
        let conn = rusqlite::Connection::open(store(&env)).unwrap();
        conn.execute_batch(
            "DROP INDEX leads_by_status_created;
             CREATE INDEX leads_by_status ON leads (status, kind, created_at, expires_at);
             CREATE INDEX leads_by_arrival ON leads (kind, created_at);
             CREATE INDEX leads_by_status_created ON leads (status, created_at, id);
             DROP INDEX leads_pending_listing;
             ALTER TABLE leads DROP COLUMN listing;
             CREATE INDEX leads_pending_listing ON leads (status, id, kind, service, category,
                 created_at, expires_at, fee_amount, fee_currency, budget_min, budget_max,
                 budget_currency, city, district, postcode, schedule) WHERE status = 'pending';
             PRAGMA user_version = 10;",
        )
        .unwrap();
    }
    chmod(&store(&env), 0o444);
    chmod(&env.data_dir(), 0o777);
    let err = run_unprivileged(&env, &["status"]).fails(1);
    assert!(err.contains(store(&env).to_str().unwrap()), "{err}");
    assert!(
        err.contains("schema version 10") && err.contains("read-only"),
        "{err}"
    );
    assert!(err.contains("make it writable once"), "{err}");
    assert!(!err.contains("still work"), "{err}");
    // Its owner, who may write it, runs one command; then it reads for everyone.
    chmod(&store(&env), 0o644);
    assert!(env.run(&["status"]).ok().contains("Response rate"));
    chmod(&store(&env), 0o444);
    let run = run_unprivileged(&env, &["status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A lead whose row holds what no lead can (a store edited by hand) stops a list with the
/// reason and prints none of it: piped, where the rows are decoded on a second thread while
/// the next are read, or by the reading thread when the second is behind (first the lead is in
/// the first batch, which the second thread always decodes, then in a later one), and as
/// a table or JSON.
#[test]
fn a_lead_the_store_cannot_read_stops_the_list_and_prints_nothing() {
    let env = TestEnv::new();
    env.run(&["demo", "--count", "1200", "--history", "0", "--no-show"])
        .ok();
    let conn = rusqlite::Connection::open(store(&env)).unwrap();
    let set_currency = |id: &str, code: &str| {
        conn.execute(
            "UPDATE leads SET fee_currency = ?2 WHERE id = ?1",
            [id, code],
        )
        .unwrap()
    };
    // The 101st and the 901st lead in the order the list reads them: its index's.
    let read_order: Vec<String> = conn
        .prepare("SELECT id FROM leads INDEXED BY leads_pending_listing WHERE status = 'pending'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(read_order.len(), 1200);
    for bad in [&read_order[100], &read_order[900]] {
        let bad = bad.as_str();
        assert_eq!(set_currency(bad, "ZZZ"), 1);
        for args in [
            &["list"][..],
            &["list", "--json"],
            &["list", "--sort", "score"],
        ] {
            let run = env.run(args);
            assert_eq!(run.code, 1, "{bad} {args:?}: {}", run.stderr);
            assert_eq!(run.stdout, "", "{bad} {args:?}");
            assert!(
                run.stderr
                    .contains(&format!("cannot read (lead \"{bad}\", currency \"ZZZ\")")),
                "{bad} {args:?}: {}",
                run.stderr
            );
        }
        let table = env.on_terminal(110, &["list"]);
        assert!(
            table.contains(&format!("cannot read (lead \"{bad}\", currency \"ZZZ\")")),
            "{bad}: {table}"
        );
        set_currency(bad, "TWD");
    }
    assert_eq!(env.run(&["list"]).ok().lines().count(), 1200);

    // Text that is not UTF-8, wherever the lead is read: by its list record, whole, or alone.
    conn.execute(
        "UPDATE leads SET service = CAST(X'436C65616EFF' AS TEXT) WHERE id = 'dm-0100'",
        [],
    )
    .unwrap();
    for (args, says) in [
        (&["list"][..], r#"lead "dm-0100", whose list record reads"#),
        (
            &["list", "--json"],
            r#"lead "dm-0100", service: invalid utf-8"#,
        ),
        (
            &["show", "dm-0100"],
            r#"lead "dm-0100", service: invalid utf-8"#,
        ),
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
}

/// Once a command ends, the store's file alone holds every commit: a copy of leads.db without
/// its WAL reads the decision just made. A command that only reads leaves the WAL (empty) and
/// its index for the next one, instead of deleting both for it to make again.
#[test]
fn once_a_command_ends_the_store_file_alone_holds_every_commit() {
    let env = demo();
    let wal = env.data_dir().join("leads.db-wal");
    let wal_len = || std::fs::metadata(&wal).map(|m| m.len()).ok();
    env.run(&["list"]).ok();
    assert_eq!(wal_len(), Some(0), "a read leaves the WAL as it found it");
    env.run(&["reject", "dm-0002", "--reason", "area"]).ok();
    assert!(wal_len().is_none_or(|len| len == 0), "{:?}", wal_len());
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(store(&env), copy.path().join("leads.db")).unwrap();
    let conn = rusqlite::Connection::open(copy.path().join("leads.db")).unwrap();
    let status: String = conn
        .query_row("SELECT status FROM leads WHERE id = 'dm-0002'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, "rejected");
}
