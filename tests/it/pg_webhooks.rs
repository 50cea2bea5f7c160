//! The marketplaces' webhooks on a team's servers sharing one PostgreSQL database: whichever
//! server a delivery reaches, each event is stored once, processed by one server, and its lead
//! made once; a server that dies mid-way leaves its event to another; while the database is down
//! a delivery is answered 503, which the platform retries.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use serde_json::Value;

use crate::env::TestEnv;
use crate::fake_markets::Fake;
use crate::marketplaces::{
    HOOK_PASSWORD, VARS, config, hook, message, messages, negotiation, wait_queue, yelp_events,
    yelp_hook, yelp_lead,
};
use crate::pg_cluster::{self, Cluster, db_name};
use crate::serve::{Backing, TOKEN, TestServer, env_on};

const TT_AUTH: Option<(&str, &str)> = Some(("leads", HOOK_PASSWORD));

/// The account's events in the database: (processed, all).
fn events(cluster: &Cluster, env: &TestEnv, account: &str) -> (u64, u64) {
    let out = cluster.sql(
        db_name(env.database.as_deref().unwrap()),
        &format!(
            "SELECT count(processed_at), count(*) FROM webhook_events WHERE account = '{account}'"
        ),
    );
    let (done, all) = out.trim().split_once('|').unwrap();
    (done.parse().unwrap(), all.parse().unwrap())
}

fn wait_events(cluster: &Cluster, env: &TestEnv, account: &str, want: (u64, u64)) {
    for _ in 0..400 {
        if events(cluster, env, account) == want {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!(
        "the events of {account} never reached {want:?}: {:?}",
        events(cluster, env, account)
    );
}

/// The lead's contact log as the API serves it: (id, from).
fn log_of(server: &TestServer, id: &str) -> Vec<(String, String)> {
    let path = format!("/v1/leads/{}/messages", id.replace('/', "%2F"));
    let body: Value = server.get(&path).json().unwrap();
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_string(),
                m["from"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Thumbtack's negotiation n1 with its messages on the fake platform, which is `down` or not.
fn negotiation_on(fake: &Fake, down: bool) {
    fake.with(|p| {
        p.negotiations.insert("n1".into(), negotiation());
        p.tt_messages = messages();
        p.down = down;
    });
}

fn on_postgres_with(fake: &Fake) -> Option<(TestEnv, &'static Cluster)> {
    let env = env_on(Backing::Postgres)?;
    env.write_config(&config(&fake.url));
    Some((env, pg_cluster::shared().unwrap()))
}

#[test]
fn webhooks_spread_over_two_servers_make_each_lead_once_with_each_message_once() {
    let fake = Fake::start();
    let Some((env, cluster)) = on_postgres_with(&fake) else {
        return;
    };
    let servers = Arc::new([
        TestServer::start_with_env(&env, TOKEN, &VARS),
        TestServer::start_with_env(&env, TOKEN, &VARS),
    ]);
    let msgs = messages();
    // A message before its negotiation: stored, and it waits.
    fake.with(|p| p.tt_messages = msgs.clone());
    assert_eq!(hook(&servers[0], "tt", TT_AUTH, &msgs[2]), 200);
    wait_events(cluster, &env, "tt", (0, 1));
    fake.with(|p| p.negotiations.insert("n1".into(), negotiation()));
    for (i, body) in [&negotiation(), &msgs[0], &msgs[1], &msgs[3]]
        .into_iter()
        .enumerate()
    {
        assert_eq!(hook(&servers[i % 2], "tt", TT_AUTH, body), 200);
    }
    // The same delivery to both servers at once (the platform retrying one it did not see
    // answered): stored once.
    let start = Arc::new(Barrier::new(2));
    let both: Vec<_> = (0..2)
        .map(|i| {
            let (servers, start, body) =
                (Arc::clone(&servers), Arc::clone(&start), msgs[4].clone());
            std::thread::spawn(move || {
                start.wait();
                hook(&servers[i], "tt", TT_AUTH, &body)
            })
        })
        .collect();
    for h in both {
        assert_eq!(h.join().unwrap(), 200);
    }
    wait_events(cluster, &env, "tt", (6, 6));
    let expected: Vec<(String, String)> = [("m1", "customer"), ("m2", "pro"), ("m3", "customer")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    // Either server serves the one lead with its log.
    for server in servers.iter() {
        assert_eq!(log_of(server, "tt/n1"), expected);
    }
    let db = db_name(env.database.as_deref().unwrap());
    assert_eq!(
        cluster.sql(db, "SELECT count(*) FROM messages WHERE lead_id = 'tt/n1'"),
        "3\n"
    );
    // Each event taken by one server: settled once, but for the early message, which failed
    // until its negotiation came.
    assert_eq!(
        cluster.sql(
            db,
            "SELECT event_id, attempts > 1 FROM webhook_events WHERE account = 'tt' \
             AND attempts <> 1 ORDER BY seq"
        ),
        "message:m1|t\n"
    );

    // Yelp: the first event reads every page; the next one, received by the other server,
    // asks only for what follows the cursor the first one kept.
    fake.with(|p| {
        p.yelp_leads.insert("L1".into(), yelp_lead());
        p.yelp_events.insert("L1".into(), yelp_events(25));
    });
    assert_eq!(hook(&servers[0], "yelp", None, &yelp_hook("ev1")), 200);
    wait_events(cluster, &env, "yelp", (1, 1));
    assert_eq!(log_of(&servers[1], "yelp/L1").len(), 25);
    fake.with(|p| {
        p.yelp_events
            .get_mut("L1")
            .unwrap()
            .extend(yelp_events(27).split_off(25))
    });
    assert_eq!(hook(&servers[1], "yelp", None, &yelp_hook("ev2")), 200);
    wait_events(cluster, &env, "yelp", (2, 2));
    assert_eq!(log_of(&servers[0], "yelp/L1").len(), 27);
    assert!(fake.with(|p| {
        p.requests
            .contains(&"GET events L1 newer_than_cursor=c24".to_string())
    }));
}

/// Each event's attempts so far, in order.
fn attempts(cluster: &Cluster, env: &TestEnv) -> Vec<u32> {
    let db = db_name(env.database.as_deref().unwrap());
    cluster
        .sql(db, "SELECT attempts FROM webhook_events ORDER BY seq")
        .lines()
        .map(|l| l.parse().unwrap())
        .collect()
}

#[test]
fn two_servers_starting_on_one_queue_take_each_event_once() {
    let fake = Fake::start();
    let Some((env, cluster)) = on_postgres_with(&fake) else {
        return;
    };
    negotiation_on(&fake, true);
    // Twenty deliveries while the platform is down: stored, tried, waiting.
    let first = TestServer::start_with_env(&env, TOKEN, &VARS);
    for i in 0..20 {
        let body = message(
            &format!("w{i}"),
            "Customer",
            "hello",
            "2026-11-23T02:00:00Z",
        );
        assert_eq!(hook(&first, "tt", TT_AUTH, &body), 200);
    }
    wait_events(cluster, &env, "tt", (0, 20));
    drop(first);
    let before = attempts(cluster, &env);
    fake.with(|p| p.down = false);
    // Two servers start at once, and each works through the whole queue at start-up.
    let start = Barrier::new(2);
    let servers: Vec<TestServer> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    TestServer::start_with_env(&env, TOKEN, &VARS)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    wait_events(cluster, &env, "tt", (20, 20));
    let after: Vec<u32> = attempts(cluster, &env);
    let once: Vec<u32> = before.iter().map(|a| a + 1).collect();
    assert_eq!(after, once, "an event was processed by both servers");
    drop(servers);
}

#[test]
fn a_webhook_held_by_a_server_killed_mid_fetch_is_processed_once_by_the_next() {
    let fake = Fake::start();
    let Some((env, cluster)) = on_postgres_with(&fake) else {
        return;
    };
    negotiation_on(&fake, true);
    let first = TestServer::start_with_env(&env, TOKEN, &VARS);
    assert_eq!(hook(&first, "tt", TT_AUTH, &negotiation()), 200);
    // Killed while its worker is fetching from a platform that answers 503: the event is on
    // disk, and the database lets go of its lock with the connection.
    std::thread::sleep(Duration::from_millis(100));
    first.kill();
    assert_eq!(events(cluster, &env, "tt"), (0, 1));
    fake.with(|p| p.down = false);
    let next = TestServer::start_with_env(&env, TOKEN, &VARS);
    wait_events(cluster, &env, "tt", (1, 1));
    assert_eq!(log_of(&next, "tt/n1").len(), 3);
    let db = db_name(env.database.as_deref().unwrap());
    assert_eq!(
        cluster.sql(db, "SELECT count(*) FROM leads WHERE id = 'tt/n1'"),
        "1\n"
    );
}

#[test]
fn a_delivery_while_the_database_is_down_is_answered_503_and_its_retry_goes_in() {
    // A cluster of its own: stopping the shared one would stop every other test's database.
    if pg_cluster::shared().is_none() {
        return;
    }
    let cluster = Cluster::start().unwrap();
    let fake = Fake::start();
    fake.with(|p| {
        p.yelp_leads.insert("L1".into(), yelp_lead());
        p.yelp_events.insert("L1".into(), yelp_events(3));
    });
    let mut env = TestEnv::new();
    env.database = Some(cluster.database());
    env.write_config(&config(&fake.url));
    let server = TestServer::start_with_env(&env, TOKEN, &VARS);
    cluster.stop();
    let refused = reqwest::blocking::Client::new()
        .post(format!("{}/webhooks/yelp", server.base))
        .header("content-type", "application/json")
        .body(yelp_hook("ev1").to_string())
        .send()
        .unwrap();
    assert_eq!(refused.status().as_u16(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    cluster.restart();
    // The platform's retry, once the database is back (the pool reconnects by itself).
    let mut status = 0;
    for _ in 0..100 {
        status = hook(&server, "yelp", None, &yelp_hook("ev1"));
        if status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(status, 200);
    wait_events(&cluster, &env, "yelp", (1, 1));
    assert_eq!(log_of(&server, "yelp/L1").len(), 3);
}

#[test]
fn a_single_servers_webhook_queue_moves_into_postgres_with_its_store() {
    let fake = Fake::start();
    let Some(mut env) = env_on(Backing::Postgres) else {
        return;
    };
    let cluster = pg_cluster::shared().unwrap();
    let url = env.database.take().unwrap();
    env.write_config(&config(&fake.url));
    negotiation_on(&fake, false);
    // On the SQLite store: one event processed, then one queued while the platform is down.
    let single = TestServer::start_with_env(&env, TOKEN, &VARS);
    assert_eq!(hook(&single, "tt", TT_AUTH, &negotiation()), 200);
    let m3 = messages()[4].clone();
    wait_queue(&env, "tt", (1, 0));
    fake.with(|p| p.down = true);
    assert_eq!(hook(&single, "tt", TT_AUTH, &m3), 200);
    drop(single);
    let moved = env
        .command()
        .args(["import", "--database", &url, "--from-store"])
        .env("PGPASSWORD", pg_cluster::PASSWORD)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&moved.stderr);
    assert!(moved.status.success(), "{said}");
    assert!(
        said.contains("2 webhook events came with them (1 still to process)"),
        "{said}"
    );
    env.database = Some(url);
    assert_eq!(events(cluster, &env, "tt"), (1, 2));
    // On PostgreSQL: the queued one is processed, and the platform retrying the processed one
    // adds nothing.
    fake.with(|p| p.down = false);
    let shared = TestServer::start_with_env(&env, TOKEN, &VARS);
    wait_events(cluster, &env, "tt", (2, 2));
    assert_eq!(hook(&shared, "tt", TT_AUTH, &negotiation()), 200);
    assert_eq!(events(cluster, &env, "tt"), (2, 2));
    assert_eq!(log_of(&shared, "tt/n1").len(), 3);
}
