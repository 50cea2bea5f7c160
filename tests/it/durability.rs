//! The promises about decisions: at most once under racing processes, and all-or-nothing per
//! lead when the process is killed at any moment.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::env::{NOW, TestEnv};

fn leads_command(env: &TestEnv, data_dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("leads"));
    cmd.args(args)
        .env("LEADS_CONFIG", env.config_path())
        .env("LEADS_DATA_DIR", data_dir)
        .env("LEADS_NOW", NOW)
        .stdin(Stdio::null());
    cmd
}

/// The store's own account of itself: integrity, and how decisions and statuses agree.
struct StoreState {
    integrity: String,
    decisions: i64,
    rejected: i64,
    pending: i64,
    /// Leads whose status and decision disagree (decided without a decision, or the reverse).
    mismatched: i64,
}

fn inspect(data_dir: &Path) -> StoreState {
    let conn = rusqlite::Connection::open(data_dir.join("leads.db")).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    StoreState {
        integrity: conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap(),
        decisions: one("SELECT COUNT(*) FROM decisions"),
        rejected: one("SELECT COUNT(*) FROM leads WHERE status = 'rejected'"),
        pending: one("SELECT COUNT(*) FROM leads WHERE status = 'pending'"),
        mismatched: one(
            "SELECT COUNT(*) FROM leads l LEFT JOIN decisions d ON d.lead_id = l.id
             WHERE (l.status IN ('accepted', 'rejected')) != (d.lead_id IS NOT NULL)",
        ),
    }
}

#[test]
fn racing_processes_decide_each_lead_exactly_once() {
    let env = TestEnv::new();
    env.run(&["demo", "--count", "300", "--history", "0", "--no-show"])
        .ok();
    let data = env.data_dir();
    let spawn = |args: &[&str]| -> Child {
        leads_command(&env, &data, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children: Vec<Child> = (0..4)
        .map(|i| {
            if i % 2 == 0 {
                spawn(&["reject", "--all", "--reason", "busy", "--yes", "--json"])
            } else {
                spawn(&["accept", "--all", "--yes", "--json"])
            }
        })
        .collect();
    let mut decided_by_someone = std::collections::HashMap::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(0 | 7 | 12)), "{stderr}");
        let results: Value = serde_json::from_slice(&out.stdout).unwrap();
        for r in results.as_array().unwrap() {
            let id = r["id"].as_str().unwrap().to_string();
            match r["outcome"].as_str().unwrap() {
                "decided" => *decided_by_someone.entry(id).or_insert(0) += 1,
                "skipped" => assert_eq!(r["why"], "already_decided", "{r}"),
                other => panic!("unexpected outcome {other}"),
            }
        }
    }
    assert_eq!(decided_by_someone.len(), 300);
    assert!(
        decided_by_someone.values().all(|&n| n == 1),
        "a lead was decided twice"
    );
    let state = inspect(&data);
    assert_eq!(state.integrity, "ok");
    assert_eq!(
        (state.decisions, state.pending, state.mismatched),
        (300, 0, 0)
    );
    // Exactly one charge per accepted lead, and only for those.
    let conn = rusqlite::Connection::open(data.join("leads.db")).unwrap();
    let (accepts, charges): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM leads WHERE status = 'accepted'),
                    (SELECT COUNT(*) FROM decisions WHERE charge_amount IS NOT NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(accepts, charges);
}

/// SIGKILL at random moments during a bulk rejection of 2,000 leads, 20 times: every time the
/// store is intact, every lead is decided once or still pending, and re-running finishes the rest.
#[test]
fn a_bulk_rejection_killed_at_any_moment_loses_nothing_and_doubles_nothing() {
    const LEADS: i64 = 2_000;
    const ROUNDS: usize = 20;
    let env = TestEnv::new();
    let template = env.dir.path().join("template");
    leads_command(
        &env,
        &template,
        &["demo", "--count", "2000", "--history", "0", "--no-show"],
    )
    .stderr(Stdio::null())
    .status()
    .unwrap();
    let reject = ["reject", "--all", "--reason", "other", "--yes"];
    let fresh_copy = |round: usize| {
        let dir = env.dir.path().join(format!("round-{round}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(template.join("leads.db"), dir.join("leads.db")).unwrap();
        dir
    };

    // How long an uninterrupted run takes here, so the kills land inside one.
    let timing = fresh_copy(usize::MAX);
    let started = Instant::now();
    let full = leads_command(&env, &timing, &reject).output().unwrap();
    assert!(
        full.status.success(),
        "{}",
        String::from_utf8_lossy(&full.stderr)
    );
    let run_time = started.elapsed();
    assert_eq!(inspect(&timing).rejected, LEADS);

    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = seed;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut cut_mid_run = 0;
    for round in 0..ROUNDS {
        let dir = fresh_copy(round);
        let delay = Duration::from_micros(next() % (run_time.as_micros() as u64 + 1));
        let mut child = leads_command(&env, &dir, &reject)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL: no destructor, no handler, no flush
        child.wait().unwrap();

        let state = inspect(&dir);
        let why = format!("round {round}, killed after {delay:?} (seed {seed})");
        assert_eq!(state.integrity, "ok", "{why}");
        assert_eq!(
            state.mismatched, 0,
            "{why}: a decision without its status, or the reverse"
        );
        assert_eq!(state.decisions, state.rejected, "{why}");
        assert_eq!(state.rejected + state.pending, LEADS, "{why}");
        if state.rejected > 0 && state.rejected < LEADS {
            cut_mid_run += 1;
        }

        // Re-running finishes the rest, deciding each remaining lead once.
        let rerun = leads_command(&env, &dir, &reject).output().unwrap();
        assert!(
            rerun.status.success(),
            "{why}: {}",
            String::from_utf8_lossy(&rerun.stderr)
        );
        let state = inspect(&dir);
        assert_eq!(
            (state.rejected, state.decisions, state.pending),
            (LEADS, LEADS, 0),
            "{why}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
    // The test means something only if kills landed part-way through.
    assert!(
        cut_mid_run >= ROUNDS / 4,
        "only {cut_mid_run} of {ROUNDS} kills landed mid-run (run took {run_time:?})"
    );
}
