//! Which PostgreSQL database, as whom, and with what password: a `postgres://` URL (or libpq's
//! `key=value` form) without the password, which comes the way psql finds it — PGPASSWORD, then
//! the passfile (PGPASSFILE, else ~/.pgpass). A URL is shown in process lists, shell histories and
//! config files, so one that carries a password is refused rather than used; and the password is
//! kept out of everything this module prints ([`Target`]'s `Display` has none).

use std::fmt;
use std::path::PathBuf;

use tokio_postgres::config::Host;

use super::PgError;

/// A database to connect to, with its password found.
#[derive(Clone)]
pub struct Target {
    pub(super) config: tokio_postgres::Config,
    /// `user@host:port/dbname`, for messages and the log.
    shown: String,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", self.shown)
    }
}

impl Target {
    /// Reads `url` and finds its password in the environment or the passfile.
    pub fn parse(url: &str) -> Result<Target, PgError> {
        Self::parse_with(url, &|name| std::env::var(name).ok())
    }

    /// The same, with the environment given (tests).
    pub fn parse_with(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Target, PgError> {
        let bad = |why: String| PgError::Config(why);
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(bad(
                "the database must be a postgres:// URL, like postgres://leads@127.0.0.1:5432/leads"
                    .into(),
            ));
        }
        // tokio-postgres's own message quotes nothing of the URL, so it cannot leak a password.
        let mut config: tokio_postgres::Config = url.parse().map_err(|e| {
            bad(format!(
                "the database URL is not one PostgreSQL understands ({e}); write it like \
                 postgres://leads@127.0.0.1:5432/leads"
            ))
        })?;
        if config.get_password().is_some() {
            return Err(bad(
                "the database URL carries a password; take it out and put it in PGPASSWORD or a \
                 passfile (~/.pgpass, or the file PGPASSFILE names): a URL shows in process lists \
                 and config files"
                    .into(),
            ));
        }
        if config.get_hosts().is_empty() {
            return Err(bad(
                "the database URL names no host; write it like postgres://leads@127.0.0.1/leads"
                    .into(),
            ));
        }
        if config.get_user().is_none() {
            let user = env("PGUSER").or_else(|| env("USER")).ok_or_else(|| {
                bad("the database URL names no user, and neither PGUSER nor USER is set".into())
            })?;
            config.user(&user);
        }
        let user = config.get_user().unwrap_or_default().to_string();
        let dbname = config.get_dbname().unwrap_or(&user).to_string();
        let host = match &config.get_hosts()[0] {
            Host::Tcp(h) => h.clone(),
            #[cfg(unix)]
            Host::Unix(p) => p.display().to_string(),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        if let Some(password) = env("PGPASSWORD").filter(|p| !p.is_empty()) {
            config.password(password);
        } else if let Some(password) = passfile(env).and_then(|file| {
            lookup(
                &std::fs::read_to_string(file).ok()?,
                &host,
                port,
                &dbname,
                &user,
            )
        }) {
            config.password(password);
        }
        config.application_name("leads serve");
        Ok(Target {
            shown: format!("{user}@{host}:{port}/{dbname}"),
            config,
        })
    }
}

/// The passfile psql would read: PGPASSFILE, else ~/.pgpass.
fn passfile(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".pgpass")))
}

/// The password of the first line of a passfile (`host:port:database:user:password`, `*` for any,
/// `\:` and `\\` escaped, `#` comments) that matches, as libpq reads it.
fn lookup(text: &str, host: &str, port: u16, dbname: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    let wanted = [host, port.as_str(), dbname, user];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split(line);
            if fields.len() != 5 {
                return None;
            }
            let matches = wanted.iter().zip(&fields).all(|(want, field)| {
                field == "*" || field == want || (field == "localhost" && host.starts_with('/'))
            });
            matches.then(|| fields[4].clone())
        })
}

/// A passfile line's fields, unescaped.
fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("never empty").push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().expect("never empty").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_password_in_the_url_is_refused_without_being_repeated() {
        let err = Target::parse_with("postgres://leads:s3cret-pw@db/leads", &env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("PGPASSWORD"), "{err}");
        assert!(!err.contains("s3cret-pw"), "{err}");
        for bad in [
            "mysql://x@db/leads",
            "postgres://leads@/leads",
            "postgres://x@db:notaport/y",
        ] {
            let err = Target::parse_with(bad, &env(&[("USER", "me")]))
                .unwrap_err()
                .to_string();
            assert!(err.contains("postgres://"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_password_comes_from_the_environment_or_the_passfile_and_is_never_shown() {
        let t = Target::parse_with(
            "postgres://leads@db:6543/queue",
            &env(&[("PGPASSWORD", "from-env")]),
        )
        .unwrap();
        assert_eq!(t.config.get_password(), Some(&b"from-env"[..]));
        assert_eq!(t.to_string(), "leads@db:6543/queue");
        assert!(!format!("{t:?}").contains("from-env"));

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "# team\nother:*:*:*:no\ndb:6543:queue:leads:pa\\:ss\n*:*:*:*:fallback\n",
        )
        .unwrap();
        let vars = [("PGPASSFILE", file.to_str().unwrap())];
        let t = Target::parse_with("postgres://leads@db:6543/queue", &env(&vars)).unwrap();
        assert_eq!(t.config.get_password(), Some(&b"pa:ss"[..]));
        let t = Target::parse_with("postgres://leads@elsewhere/queue", &env(&vars)).unwrap();
        assert_eq!(t.config.get_password(), Some(&b"fallback"[..]));
        // No user in the URL: PGUSER, as psql.
        let t = Target::parse_with("postgres://db/queue", &env(&[("PGUSER", "ops")])).unwrap();
        assert_eq!(t.to_string(), "ops@db:5432/queue");
    }
}
