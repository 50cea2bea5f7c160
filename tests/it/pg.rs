//! Several `leads serve` on one PostgreSQL database: the promises across servers, a database
//! that goes away and comes back, a server killed mid-decision, and the password kept secret.
//! The whole single-server suite (serve.rs) runs on PostgreSQL too.

use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::env::{TestEnv, lead};
use crate::pg_cluster::{self, Cluster, PASSWORD, db_name};
use crate::serve::{Backing, TestServer, charges, env_on};

fn status_of(server: &TestServer, path: &str, key: &str) -> u16 {
    server.post(path, Some(key), "{}").status().as_u16()
}

/// Each lead's decisions and charges in the database: (id, status, decisions, charges).
fn ledger(cluster: &Cluster, url: &str) -> Vec<(String, String, u32, u32)> {
    cluster
        .sql(
            db_name(url),
            "SELECT l.id, l.status,
                    (SELECT count(*) FROM decisions d WHERE d.lead_id = l.id),
                    (SELECT count(*) FROM charges c WHERE c.lead_id = l.id)
             FROM leads l ORDER BY l.id",
        )
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('|').collect();
            (
                f[0].to_string(),
                f[1].to_string(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect()
}

/// Every lead decided once (with one charge for an accept) or still pending, untouched.
fn decided_once_or_pending(cluster: &Cluster, url: &str) -> (usize, usize) {
    let (mut decided, mut pending) = (0, 0);
    for (id, status, decisions, charged) in ledger(cluster, url) {
        match status.as_str() {
            "accepted" => assert_eq!((decisions, charged), (1, 1), "{id}"),
            "pending" => assert_eq!((decisions, charged), (0, 0), "{id}"),
            other => panic!("{id} is {other}"),
        }
        if status == "pending" {
            pending += 1;
        } else {
            decided += 1;
        }
    }
    (decided, pending)
}

#[test]
fn two_servers_fifty_concurrent_accepts_of_one_lead_make_one_200_and_one_charge() {
    let Some(env) = env_on(Backing::Postgres) else {
        return;
    };
    env.import(&[lead("c", 1)]);
    let servers = Arc::new([TestServer::start(&env), TestServer::start(&env)]);
    let start = Arc::new(Barrier::new(50));
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let (servers, start) = (Arc::clone(&servers), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                status_of(&servers[i % 2], "/v1/leads/c/accept", &format!("race-{i}"))
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        49,
        "{statuses:?}"
    );
    let charged = charges(&env);
    assert_eq!(charged.len(), 1, "{charged:?}");
    assert_eq!((charged[0].1.as_str(), charged[0].2.amount), ("c", 18000));
}

#[test]
fn the_same_key_sent_to_both_servers_at_once_charges_once_and_the_other_gets_a_replay_or_409() {
    let Some(env) = env_on(Backing::Postgres) else {
        return;
    };
    let ids: Vec<String> = (0..20).map(|i| format!("k{i:02}")).collect();
    env.import(&ids.iter().map(|id| lead(id, 1)).collect::<Vec<_>>());
    let servers = Arc::new([TestServer::start(&env), TestServer::start(&env)]);
    for id in &ids {
        let start = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let (servers, start, id) = (Arc::clone(&servers), Arc::clone(&start), id.clone());
                std::thread::spawn(move || {
                    start.wait();
                    let r = servers[i].post(
                        &format!("/v1/leads/{id}/accept"),
                        Some(&format!("key-{id}")),
                        "{}",
                    );
                    let replayed = r.headers().contains_key("idempotent-replayed");
                    let status = r.status().as_u16();
                    let body: Value = r.json().unwrap();
                    (status, replayed, body)
                })
            })
            .collect();
        let mut answers: Vec<(u16, bool, Value)> =
            handles.into_iter().map(|h| h.join().unwrap()).collect();
        answers.sort_by_key(|(status, replayed, _)| (*status, *replayed));
        let first = &answers[0];
        assert_eq!((first.0, first.1), (200, false), "{answers:?}");
        let other = &answers[1];
        match (other.0, other.1) {
            // The stored first response, byte for byte.
            (200, true) => assert_eq!(other.2, first.2),
            (409, false) => assert_eq!(other.2["error"]["code"], "idempotency_key_in_use"),
            _ => panic!("{answers:?}"),
        }
        // A retry of the key now, to either server, is answered with the first response.
        let retry = servers[1].post(
            &format!("/v1/leads/{id}/accept"),
            Some(&format!("key-{id}")),
            "{}",
        );
        assert_eq!(retry.headers()["idempotent-replayed"], "true");
        assert_eq!(retry.json::<Value>().unwrap(), first.2);
    }
    let charged = charges(&env);
    assert_eq!(charged.len(), ids.len(), "one charge per lead: {charged:?}");
    let leads: HashSet<&str> = charged.iter().map(|c| c.1.as_str()).collect();
    assert_eq!(leads.len(), ids.len());
}

/// Accepts `ids` through `server`, each under its own key and retried with it on every 503 (as
/// the client does), until answered or `deadline`. Returns the final statuses and how many 503s
/// (each with Retry-After) it met.
fn accept_all(
    server: &TestServer,
    ids: &[String],
    keys: &str,
    deadline: Instant,
) -> (Vec<u16>, usize) {
    let mut unavailable = 0;
    let statuses = ids
        .iter()
        .map(|id| {
            loop {
                let r = server.post(
                    &format!("/v1/leads/{id}/accept"),
                    Some(&format!("{keys}-{id}")),
                    "{}",
                );
                let status = r.status().as_u16();
                if status != 503 || Instant::now() > deadline {
                    break status;
                }
                assert!(
                    r.headers().contains_key("retry-after"),
                    "503 without Retry-After"
                );
                unavailable += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
        })
        .collect();
    (statuses, unavailable)
}

#[test]
fn the_database_stopped_and_restarted_under_load_gives_503s_then_recovers_with_nothing_doubled() {
    // A cluster of its own: stopping the shared one would stop every other test's database.
    if pg_cluster::shared().is_none() {
        return;
    }
    let cluster = Cluster::start().unwrap();
    let mut env = TestEnv::new();
    let url = cluster.database();
    env.database = Some(url.clone());
    let ids: Vec<String> = (0..60).map(|i| format!("r{i:02}")).collect();
    env.import(&ids.iter().map(|id| lead(id, 1)).collect::<Vec<_>>());
    let server = Arc::new(TestServer::start(&env));
    assert_eq!(server.get("/readyz").status().as_u16(), 200);

    let deadline = Instant::now() + Duration::from_secs(60);
    let loaders: Vec<_> = ids
        .chunks(15)
        .map(|chunk| {
            let (server, chunk) = (Arc::clone(&server), chunk.to_vec());
            std::thread::spawn(move || {
                // Spread over the outage: a decision every 40 ms per loader.
                chunk
                    .iter()
                    .map(|id| {
                        std::thread::sleep(Duration::from_millis(40));
                        accept_all(&server, std::slice::from_ref(id), "load", deadline)
                    })
                    .fold((Vec::new(), 0), |(mut all, n), (s, u)| {
                        all.extend(s);
                        (all, n + u)
                    })
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(150));
    cluster.stop();
    // Down: the process is healthy, not ready, and says when to come back.
    assert_eq!(server.get("/healthz").status().as_u16(), 200);
    let ready = server.get("/readyz");
    assert_eq!(ready.status().as_u16(), 503);
    assert!(ready.headers().contains_key("retry-after"));
    std::thread::sleep(Duration::from_millis(800));
    cluster.restart();
    let mut statuses = Vec::new();
    let mut unavailable = 0;
    for h in loaders {
        let (s, u) = h.join().unwrap();
        statuses.extend(s);
        unavailable += u;
    }
    assert!(unavailable > 0, "the outage was never seen: {statuses:?}");
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    assert_eq!(
        server.get("/readyz").status().as_u16(),
        200,
        "recovered by itself"
    );
    // Nothing doubled: one decision and one charge for each lead.
    assert_eq!(decided_once_or_pending(&cluster, &url), (ids.len(), 0));
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains(" 503 "), "{log}");
    assert!(!log.contains(PASSWORD));
}

/// An accept sent with a client of its own: None when the server is gone or cut the connection.
fn accept_raw(base: &str, id: &str, key: &str) -> Option<u16> {
    reqwest::blocking::Client::new()
        .post(format!("{base}/v1/leads/{id}/accept"))
        .bearer_auth(crate::serve::TOKEN)
        .header("idempotency-key", key)
        .body("{}")
        .send()
        .ok()
        .map(|r| r.status().as_u16())
}

#[test]
fn a_server_killed_mid_decision_leaves_every_lead_decided_once_or_pending() {
    let Some(env) = env_on(Backing::Postgres) else {
        return;
    };
    let cluster = pg_cluster::shared().unwrap();
    let url = env.database.clone().unwrap();
    let ids: Vec<String> = (0..120).map(|i| format!("x{i:03}")).collect();
    env.import(&ids.iter().map(|id| lead(id, 1)).collect::<Vec<_>>());
    for round in 0..3u64 {
        let server = TestServer::start(&env);
        let clients: Vec<_> = ids
            .chunks(30)
            .map(|chunk| {
                let (base, chunk) = (server.base.clone(), chunk.to_vec());
                std::thread::spawn(move || {
                    for id in chunk {
                        // Once the server is gone, this client stops.
                        if accept_raw(&base, &id, &format!("kill-{id}")).is_none() {
                            return;
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(60 + round * 70));
        server.kill();
        for c in clients {
            c.join().unwrap();
        }
        decided_once_or_pending(cluster, &url);
    }
    // A new server answers every key: the ones committed before a kill with their stored
    // response, the rest now. Then every lead is decided exactly once.
    let server = TestServer::start(&env);
    let (statuses, _) = accept_all(
        &server,
        &ids,
        "kill",
        Instant::now() + Duration::from_secs(30),
    );
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    assert_eq!(decided_once_or_pending(cluster, &url), (ids.len(), 0));
}

#[test]
fn shutdown_finishes_the_decision_in_flight() {
    let Some(env) = env_on(Backing::Postgres) else {
        return;
    };
    let cluster = pg_cluster::shared().unwrap();
    let url = env.database.clone().unwrap();
    env.import(&[lead("slow", 1)]);
    let server = TestServer::start(&env);
    // Another session holds the lead's row for a while, so the accept waits inside the server.
    let holder = {
        let url = url.clone();
        std::thread::spawn(move || {
            pg_cluster::shared().unwrap().sql(
                db_name(&url),
                "BEGIN; SELECT 1 FROM leads WHERE id = 'slow' FOR UPDATE; \
                 SELECT pg_sleep(1.5); COMMIT;",
            )
        })
    };
    std::thread::sleep(Duration::from_millis(400));
    let inflight = {
        let base = server.base.clone();
        std::thread::spawn(move || accept_raw(&base, "slow", "slow-1"))
    };
    std::thread::sleep(Duration::from_millis(300));
    // SIGTERM while the accept waits: the server stops only once it has answered.
    assert_eq!(server.stop(), Some(0));
    assert_eq!(
        inflight.join().unwrap(),
        Some(200),
        "the request in flight was finished"
    );
    holder.join().unwrap();
    assert_eq!(charges(&env).len(), 1);
    let _ = cluster;
}

#[test]
fn the_database_password_is_never_printed() {
    let Some(env) = env_on(Backing::Postgres) else {
        return;
    };
    let url = env.database.clone().unwrap();
    env.import(&[lead("a", 1)]);
    let server = TestServer::start(&env);
    assert_eq!(status_of(&server, "/v1/leads/a/accept", "p-1"), 200);
    // A second server that cannot log in, at the highest verbosity.
    let refused = env
        .command()
        .args([
            "-vv",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            &url,
        ])
        .env("PGPASSWORD", format!("{PASSWORD}-wrong"))
        .env("LEADS_SERVE_TOKENS", crate::serve::TOKEN)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "{err}");
    assert!(
        err.contains("refused") && err.contains("PGPASSWORD"),
        "{err}"
    );
    // A URL that carries the password is refused without repeating it.
    let with_password = url.replace("leads@", &format!("leads:{PASSWORD}@"));
    let import = env
        .command()
        .args(["-vv", "import", "--database", &with_password, "-"])
        .write_stdin("[]")
        .output()
        .unwrap();
    assert_eq!(import.status.code(), Some(3));
    let imported = env
        .command()
        .args(["-vv", "import", "--database", &url, "-"])
        .env("PGPASSWORD", PASSWORD)
        .write_stdin(serde_json::to_string(&vec![lead("b", 1)]).unwrap())
        .output()
        .unwrap();
    assert!(imported.status.success());
    let log = server.log.lock().unwrap().clone();
    for out in [
        refused.stdout,
        refused.stderr,
        import.stdout,
        import.stderr,
        imported.stdout,
        imported.stderr,
        log.into_bytes(),
    ] {
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains(PASSWORD), "the password was printed: {text}");
    }
}

#[test]
fn a_sqlite_store_moves_into_postgres_with_its_decisions_charges_and_conversations() {
    let Some(mut env) = env_on(Backing::Postgres) else {
        return;
    };
    let url = env.database.take().unwrap();
    // The data dir's SQLite store: what a single server ran on before the move.
    let talked = serde_json::json!({
        "messages": [{"id": "m1", "at": "2026-11-23T02:00:00Z", "from": "customer",
                      "channel": "phone", "text": "Call me"}],
        "outcome": {"result": "won", "at": "2026-11-23T03:00:00Z",
                    "value": {"amount": 450000, "currency": "TWD"}, "reason": null},
    });
    env.import(&[
        lead("open", 1),
        crate::env::with(crate::env::decided("acc", 4, "accept"), talked),
        crate::env::decided("rej", 5, "reject"),
        crate::env::expired("gone", 6),
    ]);
    // Won, then lost after all: the won outcome is kept as replaced, and moves too.
    env.run(&["lost", "acc", "--reason", "went cheaper"]).ok();
    let local: Value = serde_json::from_str(&env.run(&["status", "--json"]).ok()).unwrap();
    let moved = env
        .command()
        .args(["import", "--database", &url, "--from-store"])
        .env("PGPASSWORD", PASSWORD)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&moved.stderr);
    assert!(moved.status.success(), "{said}");
    assert!(
        said.contains("Copied 4 leads") && said.contains("4 added"),
        "{said}"
    );
    env.database = Some(url);
    let server = TestServer::start(&env);
    let acc: Value = server.get("/v1/leads/acc").json().unwrap();
    assert_eq!(acc["status"], "accepted");
    assert_eq!(acc["messages"][0]["text"], "Call me");
    assert_eq!(acc["outcome"]["result"], "lost");
    let cluster = pg_cluster::shared().unwrap();
    let db = db_name(env.database.as_deref().unwrap());
    let replaced = "SELECT lead_id, result, value_amount FROM outcome_changes";
    assert_eq!(cluster.sql(db, replaced), "acc|won|450000\n");
    let rate: Value = server.get("/v1/response-rate").json().unwrap();
    assert_eq!(
        (&rate["responded"], &rate["received"]),
        (&local["responded"], &local["received"])
    );
    let charged = charges(&env);
    assert_eq!(charged.len(), 1);
    assert_eq!(charged[0].1, "acc");
    // Moved again: nothing is added or charged twice.
    let again = env
        .command()
        .args([
            "import",
            "--database",
            env.database.as_deref().unwrap(),
            "--from-store",
        ])
        .env("PGPASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 added, 4 updated"));
    assert_eq!(charges(&env).len(), 1);
    assert_eq!(cluster.sql(db, replaced), "acc|won|450000\n");
    assert_eq!(
        status_of(&server, "/v1/leads/open/accept", "after-move"),
        200,
        "the moved queue is served"
    );
}

#[test]
fn the_config_names_the_database_and_bounds_the_pool() {
    let Some(mut env) = env_on(Backing::Postgres) else {
        return;
    };
    let url = env.database.take().unwrap();
    env.write_config(&format!(
        "[server]\ndatabase = \"{url}\"\npool_size = 2\nstatement_timeout = \"2s\"\n"
    ));
    let imported = env
        .command()
        .args(["import", "--database", &url, "-"])
        .env("PGPASSWORD", PASSWORD)
        .write_stdin(serde_json::to_string(&vec![lead("a", 1)]).unwrap())
        .output()
        .unwrap();
    assert!(imported.status.success());
    // No --database: the config's. (The harness passes none when the env has no database.)
    let server = TestServer::start_with_env(&env, crate::serve::TOKEN, &[("PGPASSWORD", PASSWORD)]);
    assert!(
        server
            .log
            .lock()
            .unwrap()
            .contains("(PostgreSQL leads@127.0.0.1:")
    );
    assert_eq!(status_of(&server, "/v1/leads/a/accept", "cfg-1"), 200);
    env.database = Some(url);
    assert_eq!(charges(&env).len(), 1);
    // A statement past the timeout (here: waiting on a lead another session holds) is cancelled
    // by the database and answered 503, to retry; the retry lands once the lead is free.
    let url = env.database.clone().unwrap();
    env.import(&[lead("held", 1)]);
    let holder = {
        let url = url.clone();
        std::thread::spawn(move || {
            pg_cluster::shared().unwrap().sql(
                db_name(&url),
                "BEGIN; SELECT 1 FROM leads WHERE id = 'held' FOR UPDATE; \
                 SELECT pg_sleep(3); COMMIT;",
            )
        })
    };
    std::thread::sleep(Duration::from_millis(400));
    let r = server.post("/v1/leads/held/accept", Some("cfg-2"), "{}");
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers()["retry-after"], "2");
    holder.join().unwrap();
    assert_eq!(status_of(&server, "/v1/leads/held/accept", "cfg-2"), 200);
    assert!(server.log.lock().unwrap().contains("statement timeout"));
    // A database out of reach stops the server at start, saying where it tried.
    let down = env
        .command()
        .args(["serve", "--database", "postgres://leads@127.0.0.1:1/none"])
        .env("LEADS_SERVE_TOKENS", crate::serve::TOKEN)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&down.stderr);
    assert_eq!(down.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot reach the PostgreSQL database leads@127.0.0.1:1/none"),
        "{err}"
    );
    // sslmode=require is TLS or nothing: this cluster has no TLS, so no connection is made.
    let plain_only = env
        .command()
        .args(["serve", "--database", &format!("{url}?sslmode=require")])
        .env("LEADS_SERVE_TOKENS", crate::serve::TOKEN)
        .env("PGPASSWORD", PASSWORD)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&plain_only.stderr);
    assert_eq!(plain_only.status.code(), Some(1), "{err}");
    assert!(err.contains("TLS"), "{err}");
    for bad in ["pool_size = 0", "statement_timeout = \"0s\""] {
        env.write_config(&format!("[server]\n{bad}\n"));
        let err = env.run(&["serve"]).fails(3);
        assert!(err.contains("server."), "{bad}: {err}");
    }
}
