//! A real PostgreSQL for the tests, started by the harness itself: Debian's `postgresql` package
//! (initdb and pg_ctl under /usr/lib/postgresql/*/bin), a cluster in a temp dir on a free loopback
//! port, one per test binary run, and a fresh database per test.
//!
//! initdb refuses to run as root, so as root (CI, this machine) the cluster belongs to the
//! package's `postgres` user, through `runuser`. The cluster is stopped and its directory removed
//! by a small shell that waits on a pipe from this process: when the test binary exits, however
//! it exits, the pipe closes and the shell cleans up.
//!
//! Without the package, the PostgreSQL tests skip with a message; under CI (LEADS_CI set by
//! .ci/run, which installs the package) they fail instead.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The superuser's password: a sentinel that no output of `leads` may ever contain.
pub const PASSWORD: &str = "pg-sentinel-pw-5d1c9e";

pub struct Cluster {
    pub port: u16,
    bin: PathBuf,
    dir: PathBuf,
    /// As whom the server runs: `runuser -u postgres --` as root, nothing otherwise.
    as_user: Vec<String>,
    /// The cleanup shell; its stdin is the pipe.
    _guard: Child,
}

static SHARED: OnceLock<Result<Cluster, String>> = OnceLock::new();
static DATABASES: AtomicU32 = AtomicU32::new(0);

/// The binaries of the newest PostgreSQL installed.
fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// The shared cluster, or None (with a message) when PostgreSQL is not installed outside CI.
#[allow(
    clippy::print_stderr,
    reason = "a skipped test says so in the test output"
)]
pub fn shared() -> Option<&'static Cluster> {
    match SHARED.get_or_init(Cluster::start) {
        Ok(c) => Some(c),
        Err(why) if std::env::var_os("LEADS_CI").is_some() => {
            panic!("PostgreSQL is needed under CI: {why}")
        }
        Err(why) => {
            eprintln!("skipped: {why}");
            None
        }
    }
}

impl Cluster {
    /// A new cluster of its own (for a test that stops and starts it).
    pub fn start() -> Result<Cluster, String> {
        let bin = bin_dir()
            .ok_or("PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)")?;
        let dir = tempfile::Builder::new()
            .prefix("leads-pg-")
            .tempdir()
            .map_err(|e| e.to_string())?
            .keep();
        let as_user: Vec<String> = if is_root() {
            let owned = Command::new("chown")
                .args(["postgres:", dir.to_str().unwrap()])
                .status()
                .map_err(|e| e.to_string())?;
            if !owned.success() {
                return Err("cannot give the cluster's dir to the postgres user".into());
            }
            ["runuser", "-u", "postgres", "--"].map(String::from).into()
        } else {
            Vec::new()
        };
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        let _ = Command::new("chmod")
            .args(["644", pwfile.to_str().unwrap()])
            .status();
        let mut cluster = Cluster {
            port: free_port(),
            bin,
            dir,
            as_user,
            _guard: Command::new("true").spawn().unwrap(),
        };
        let data = cluster.dir.join("data");
        let init = cluster
            .command("initdb")
            .args([
                "-D",
                data.to_str().unwrap(),
                "-U",
                "leads",
                "-N",
                "-A",
                "scram-sha-256",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .map_err(|e| e.to_string())?;
        if !init.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&init.stderr)
            ));
        }
        cluster.pg_ctl_start()?;
        // Stops the cluster and removes its dir once this process is gone.
        let mut guard = Command::new("sh")
            .arg("-c")
            .arg(r#"read _; $0 stop -D "$1/data" -m immediate -w >/dev/null 2>&1; rm -rf "$1""#)
            .arg(cluster.pg_ctl_line())
            .arg(&cluster.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        // The pipe's write end stays open (and unwritten) for as long as this process lives.
        std::mem::forget(guard.stdin.take());
        cluster._guard = guard;
        Ok(cluster)
    }

    fn command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        let mut cmd = match self.as_user.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        cmd.current_dir("/");
        cmd
    }

    /// pg_ctl as its user, as one shell word list for the cleanup shell.
    fn pg_ctl_line(&self) -> String {
        let mut words = self.as_user.clone();
        words.push(self.bin.join("pg_ctl").display().to_string());
        words.join(" ")
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let data = self.dir.join("data");
        // fsync off: a test cluster needs no durability past a crash of the machine (what is
        // written survives the server's own crash, or an immediate stop, in the OS's cache), and
        // it makes every commit a tenth of the time on this disk. synchronous_commit stays on:
        // off, a commit answered just before an immediate stop is lost, as the restart test
        // would show.
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c full_page_writes=off -c max_connections=200",
            self.port,
            self.dir.display()
        );
        let out = self
            .command("pg_ctl")
            .args(["start", "-w", "-D", data.to_str().unwrap(), "-o", &options])
            .args(["-l", self.dir.join("log").to_str().unwrap()])
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            return Err(format!("pg_ctl start failed: {log}"));
        }
        Ok(())
    }

    /// Stops the server at once, as a crash or a pulled plug would (its clients see their
    /// connections close).
    pub fn stop(&self) {
        let data = self.dir.join("data");
        let out = self
            .command("pg_ctl")
            .args([
                "stop",
                "-w",
                "-m",
                "immediate",
                "-D",
                data.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn restart(&self) {
        self.pg_ctl_start().unwrap();
    }

    /// A fresh, empty database; its URL (no password: that is [`PASSWORD`], in PGPASSWORD).
    pub fn database(&self) -> String {
        let name = format!(
            "t_{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::Relaxed)
        );
        self.sql(
            "postgres",
            &format!("CREATE DATABASE {name} STRATEGY FILE_COPY"),
        );
        format!("postgres://leads@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs `sql` in database `db` and returns psql's unaligned output.
    pub fn sql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
            ])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "leads",
                "-d",
                db,
                "-c",
                sql,
            ])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// The database name of a URL from [`Cluster::database`].
pub fn db_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}
