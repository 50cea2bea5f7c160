//! The test harness: a temp home for config and data, a fixed clock, and the real binary.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

/// Monday 2026-11-23, noon in Taipei. The calendar week began at 00:00 that day.
pub const NOW: &str = "2026-11-23T12:00:00+08:00";

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    /// A PostgreSQL database (tests/it/pg_cluster.rs) that `import` and a `TestServer` use
    /// instead of the SQLite store in the data dir.
    pub database: Option<String>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(self) -> String {
        assert_eq!(
            self.code, 0,
            "stderr: {}\nstdout: {}",
            self.stderr, self.stdout
        );
        self.stdout
    }

    /// Asserts the exit code and returns stderr.
    #[track_caller]
    pub fn fails(self, code: i32) -> String {
        assert_eq!(
            self.code, code,
            "stderr: {}\nstdout: {}",
            self.stderr, self.stdout
        );
        // Bad input never panics and never dumps Debug output.
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        assert!(!self.stderr.contains("RUST_BACKTRACE"), "{}", self.stderr);
        self.stderr
    }
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let env = TestEnv {
            dir: tempfile::tempdir().expect("a temp dir"),
            database: None,
        };
        env.write_config("");
        env
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_path(), text).unwrap();
    }

    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn command(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.process())
    }

    /// The same, as a plain process to spawn, read from and kill.
    pub fn process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("leads"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("LEADS_CONFIG", self.config_path())
            .env("LEADS_DATA_DIR", self.data_dir())
            .env("LEADS_NOW", NOW);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command().args(args).output().unwrap())
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        Run::from(
            self.command()
                .args(args)
                .write_stdin(stdin.as_bytes().to_vec())
                .output()
                .unwrap(),
        )
    }

    /// Imports `leads` (JSON values), into the database if the env has one, and asserts it
    /// worked.
    pub fn import(&self, leads: &[Value]) {
        let path = self.write("fixture.json", &Value::Array(leads.to_vec()).to_string());
        match &self.database {
            Some(url) => Run::from(
                self.command()
                    .args(["import", "--database", url, path.to_str().unwrap()])
                    .env("PGPASSWORD", crate::pg_cluster::PASSWORD)
                    .output()
                    .unwrap(),
            )
            .ok(),
            None => self.run(&["import", path.to_str().unwrap()]).ok(),
        };
    }

    /// Every lead in the store as JSON, for "the store is unchanged" checks.
    pub fn snapshot_store(&self) -> String {
        if !self.data_dir().join("leads.db").exists() {
            return String::new();
        }
        self.run(&["list", "--status", "all", "--kind", "all", "--json"])
            .ok()
    }

    /// Ids printed by `leads list --plain` with these extra arguments.
    pub fn ids(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec!["list", "--plain"];
        all.extend_from_slice(args);
        self.run(&all)
            .ok()
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect()
    }
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A valid pending New Lead, created `hours_ago` before [`NOW`], to adjust with [`with`].
pub fn lead(id: &str, hours_ago: i64) -> Value {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    let created = now - chrono::TimeDelta::hours(hours_ago);
    json!({
        "id": id,
        "kind": "new_lead",
        "status": "pending",
        "service": "Deep home cleaning",
        "category": "cleaning",
        "created_at": created.to_utc().to_rfc3339(),
        "expires_at": null,
        "fee": {"amount": 18000, "currency": "TWD"},
        "budget": {"min": 200000, "max": 300000, "currency": "TWD"},
        "location": {"city": "台北市", "district": "大安區", "postcode": "106"},
        "schedule": "Saturday morning",
        "customer": {"display_name": "Ms. Lin", "phone": null, "email": null},
        "answers": [{"question": "Home size", "answer": "3 bedrooms"}],
        "message": "Before the new year, please.",
        "decision": null
    })
}

/// `base` with the fields of `patch` replaced.
pub fn with(mut base: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

/// A lead decided `hours_ago` (arrived an hour before that).
pub fn decided(id: &str, hours_ago: i64, action: &str) -> Value {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    let at = (now - chrono::TimeDelta::hours(hours_ago))
        .to_utc()
        .to_rfc3339();
    let (status, reason) = if action == "accept" {
        ("accepted", Value::Null)
    } else {
        ("rejected", json!("too_busy"))
    };
    with(
        lead(id, hours_ago + 1),
        json!({"status": status, "decision": {"action": action, "decided_at": at, "reason": reason, "note": null}}),
    )
}

/// A lead that expired unanswered.
pub fn expired(id: &str, hours_ago: i64) -> Value {
    with(lead(id, hours_ago), json!({"status": "expired"}))
}

impl TestEnv {
    /// Runs `leads ARGS` on a real pseudo-terminal `cols` wide, without colour, and returns what
    /// the terminal received, as text with `\n` line ends.
    ///
    /// The width is set on the terminal itself (`stty cols`), the way a terminal emulator sets
    /// it, so `leads` has to find it there: COLUMNS is not set.
    pub fn on_terminal(&self, cols: u16, args: &[&str]) -> String {
        self.on_terminal_with(cols, args, &[])
    }

    /// [`TestEnv::on_terminal`] with more environment variables (an `EDITOR`, say).
    pub fn on_terminal_with(&self, cols: u16, args: &[&str], vars: &[(&str, &Path)]) -> String {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg(r#"stty cols "$0" rows 50 && exec "$@""#)
            .arg(cols.to_string())
            .arg(assert_cmd::cargo::cargo_bin("leads"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("LEADS_CONFIG", self.config_path())
            .env("LEADS_DATA_DIR", self.data_dir())
            .env("LEADS_NOW", NOW)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .envs(vars.iter().copied());
        let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("a pseudo-terminal");
        let raw = p.exp_eof().expect("leads to finish");
        // rexpect hands each byte over as one char (Latin-1); put the UTF-8 back together.
        let bytes: Vec<u8> = raw.chars().map(|c| c as u32 as u8).collect();
        String::from_utf8(bytes)
            .expect("the terminal got UTF-8")
            .replace("\r\n", "\n")
    }
}
