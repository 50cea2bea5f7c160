//! The harness of the server tests: a real `leads serve` (on the SQLite store or a PostgreSQL
//! database of the test cluster), and the charge ledger of either.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use reqwest::blocking::{Client, Response};

use crate::env::{NOW, TestEnv};

pub const TOKEN: &str = "test-token-0123456789abcdef";

/// A running `leads serve` over `env`'s store; stopped (SIGTERM) when dropped.
pub struct TestServer {
    pub base: String,
    child: Child,
    pub log: Arc<Mutex<String>>,
    client: Client,
    /// The token the server takes, which `get` and `post` send.
    token: String,
}

impl TestServer {
    pub fn start(env: &TestEnv) -> TestServer {
        TestServer::start_with_token(env, TOKEN)
    }

    /// A server that takes `token` (and no [`TOKEN`] unless that is it), for a client with
    /// several accounts, each with its own token.
    pub fn start_with_token(env: &TestEnv, token: &str) -> TestServer {
        TestServer::start_with_env(env, token, &[])
    }

    /// A server with `vars` set too (the marketplaces' tokens and webhook passwords).
    pub fn start_with_env(env: &TestEnv, token: &str, vars: &[(&str, &str)]) -> TestServer {
        leads::remote::install_crypto();
        let mut command = Command::new(assert_cmd::cargo::cargo_bin("leads"));
        if let Some(url) = &env.database {
            command
                .args(["serve", "--database", url])
                .env("PGPASSWORD", crate::pg_cluster::PASSWORD);
        } else {
            command.arg("serve");
        }
        let mut child = command
            .args(["--listen", "127.0.0.1:0"])
            .envs(vars.iter().copied())
            .env("LEADS_CONFIG", env.config_path())
            .env("LEADS_DATA_DIR", env.data_dir())
            .env("LEADS_NOW", NOW)
            .env(
                "LEADS_SERVE_TOKENS",
                format!("other-token-that-is-long,{token}"),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let base = first
            .split("listening on ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        // Keep reading the request log, for the tests that look at it.
        let log = Arc::new(Mutex::new(format!("{first}\n")));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        TestServer {
            base,
            child,
            log,
            client: Client::new(),
            token: token.to_string(),
        }
    }

    pub fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .unwrap()
    }

    pub fn post(&self, path: &str, key: Option<&str>, body: &str) -> Response {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send().unwrap()
    }

    /// Kills the server outright (SIGKILL): no shutdown, no flush.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops the server with SIGTERM and returns its exit code.
    pub fn stop(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap().code()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The ledger of the store the env's server runs on: (charge id, lead id, amount).
pub fn charges(env: &TestEnv) -> Vec<(String, String, leads::domain::money::Money)> {
    let Some(url) = &env.database else {
        return leads::store::Store::open(&env.data_dir())
            .unwrap()
            .charges()
            .unwrap();
    };
    let cluster = crate::pg_cluster::shared().unwrap();
    cluster
        .sql(
            crate::pg_cluster::db_name(url),
            "SELECT 'ch_' || lpad(seq::text, 8, '0'), lead_id, amount, currency FROM charges
             ORDER BY seq",
        )
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('|').collect();
            let money =
                leads::domain::money::Money::new(f[2].parse().unwrap(), f[3].parse().unwrap());
            (f[0].to_string(), f[1].to_string(), money)
        })
        .collect()
}

/// Which store a server test runs on: every test of this file runs on both.
#[derive(Clone, Copy, Debug)]
pub enum Backing {
    Sqlite,
    Postgres,
}

/// A new env on `backing`: for PostgreSQL, with a fresh database of the test cluster. None when
/// PostgreSQL is not installed (outside CI): the test then skips.
pub fn env_on(backing: Backing) -> Option<TestEnv> {
    let mut env = TestEnv::new();
    if let Backing::Postgres = backing {
        env.database = Some(crate::pg_cluster::shared()?.database());
    }
    Some(env)
}

/// Each test named, once on each store: `NAME::sqlite` and `NAME::postgres`, calling
/// `NAME(Backing)` of the module it is used in.
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[test]
            fn sqlite() {
                super::$name(super::Backing::Sqlite)
            }

            #[test]
            fn postgres() {
                super::$name(super::Backing::Postgres)
            }
        })*
    };
}
pub(crate) use on_both_stores;
