//! At home in the shell: the generated completion scripts and man pages are current and load in
//! real shells and `man`; colour, pipes and verbosity follow the conventions.
//!
//! The files in `completions/` and `docs/man/` are generated; to regenerate them after changing
//! the command line:
//!
//!     LEADS_REGENERATE=1 cargo test --test it generated

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap_complete::Shell;

use crate::env::TestEnv;

const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Compares `expected` (what the current CLI generates) with the file at `path`, or writes it
/// when LEADS_REGENERATE is set.
fn check_generated(path: &Path, expected: &str, stale: &mut Vec<String>) {
    if std::env::var_os("LEADS_REGENERATE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, expected).unwrap();
    } else if std::fs::read_to_string(path).ok().as_deref() != Some(expected) {
        stale.push(path.display().to_string());
    }
}

#[test]
fn generated_completions_are_what_the_cli_generates() {
    let env = TestEnv::new();
    let mut stale = Vec::new();
    for shell in SHELLS {
        let script = env.run(&["completions", &shell.to_string()]).ok();
        let path = repo("completions").join(leads::commands::completions::file_name(shell));
        check_generated(&path, &script, &mut stale);
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}; run `LEADS_REGENERATE=1 cargo test --test it generated`"
    );
}

#[test]
fn generated_man_pages_are_what_the_cli_generates() {
    let pages = man_pages();
    let mut stale = Vec::new();
    for (name, text) in &pages {
        check_generated(&repo("docs/man").join(name), text, &mut stale);
    }
    // No page left over from a command that is gone.
    for entry in std::fs::read_dir(repo("docs/man")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if !pages.iter().any(|(n, _)| *n == name) {
            stale.push(format!("docs/man/{name} (no such command)"));
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}; run `LEADS_REGENERATE=1 cargo test --test it generated` (and delete pages of removed commands)"
    );
}

/// `leads.1`, with the environment and exit codes, and a page per subcommand (`leads-list.1`…).
fn man_pages() -> Vec<(String, String)> {
    let mut cmd = leads::cli::command();
    // Gives each subcommand the global options, so its page lists them too.
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut main = Vec::new();
    man.render_title(&mut main).unwrap();
    man.render_name_section(&mut main).unwrap();
    man.render_synopsis_section(&mut main).unwrap();
    man.render_description_section(&mut main).unwrap();
    man.render_options_section(&mut main).unwrap();
    man.render_subcommands_section(&mut main).unwrap();
    let mut main = String::from_utf8(main).unwrap();
    main.push_str(".SH ENVIRONMENT\n");
    for (name, what) in leads::cli::ENVIRONMENT {
        main.push_str(&format!(".TP\n\\fB{name}\\fR\n{}\n", roff_text(what)));
    }
    main.push_str(".SH \"EXIT STATUS\"\n");
    for (exit, what) in leads::error::Exit::ALL {
        main.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            exit.code(),
            roff_text(what)
        ));
    }
    main.push_str(
        ".SH FILES\n.TP\n\\fI~/.config/leads/config.toml\\fR\nThe config (Linux; see \\fBleads config path\\fR). Every key is documented in config.example.toml.\n\
         .TP\n\\fI~/.local/share/leads/leads.db\\fR\nThe lead store (SQLite).\n\
         .SH \"SEE ALSO\"\nREADME.md, the Leads API v1 contract (docs/openapi.yaml)\n",
    );
    let mut pages = vec![("leads.1".to_string(), main)];
    // Not clap's own `help` subcommand: `leads help X` is `leads X --help`, already a page.
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        subcommand_pages("leads", sub, &mut pages);
    }
    pages
}

fn subcommand_pages(parent: &str, cmd: &clap::Command, pages: &mut Vec<(String, String)>) {
    // clap keeps names as &'static str; a test process can spare these few bytes.
    let name: &'static str = format!("{parent}-{}", cmd.get_name()).leak();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone().name(name).bin_name(name.replace('-', " ")))
        .render(&mut out)
        .unwrap();
    pages.push((format!("{name}.1"), String::from_utf8(out).unwrap()));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        subcommand_pages(name, sub, pages);
    }
}

/// Escapes text for roff: a leading dot or quote would be read as a request, `\` as an escape
/// and `-` as a hyphen.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// The shell, or None when it is not installed here. CI (LEADS_CI=1) installs them all, so
/// there a missing shell fails instead of skipping.
#[allow(
    clippy::print_stderr,
    reason = "a skipped test says so in the test output"
)]
fn shell(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("LEADS_CI").is_none(),
            "{name} is not installed; .ci/run installs it"
        );
        eprintln!("skipped: {name} is not installed (.ci/run installs it)");
    }
    found
}

fn run_shell(shell: &Path, args: &[&str]) -> String {
    let out = Command::new(shell)
        .args(args)
        .current_dir(repo("completions"))
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{shell:?} {args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn bash_loads_the_completions_and_completes_commands_and_reasons() {
    let Some(bash) = shell("bash") else { return };
    let registered = run_shell(&bash, &["-c", "source ./leads.bash && complete -p leads"]);
    assert!(registered.contains("leads"), "{registered}");
    let complete = |words: &str| {
        run_shell(
            &bash,
            &[
                "-c",
                &format!(
                    "source ./leads.bash; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
                     COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; \
                     _leads leads \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
                     printf '%s\\n' \"${{COMPREPLY[@]}}\""
                ),
            ],
        )
    };
    let commands = complete("leads re");
    assert!(commands.lines().any(|l| l == "reject"), "{commands}");
    let reasons = complete("leads reject --reason ''");
    assert!(reasons.lines().any(|l| l == "outside_area"), "{reasons}");
}

#[test]
fn zsh_loads_the_completions() {
    let Some(zsh) = shell("zsh") else { return };
    // compinit replaces its dump file: point it at a file of our own. (Given /dev/null, a test
    // run as root once replaced the device with a plain file, and every later build read junk.)
    let dump = tempfile::tempdir().unwrap();
    let script = format!(
        "autoload -Uz compinit && compinit -u -d {}/zcompdump && source ./_leads && print -r -- $_comps[leads]",
        dump.path().display()
    );
    let out = run_shell(&zsh, &["-fc", &script]);
    assert_eq!(out.trim(), "_leads");
}

#[test]
fn fish_loads_the_completions_and_completes_commands_and_reasons() {
    let Some(fish) = shell("fish") else { return };
    let commands = run_shell(
        &fish,
        &[
            "--no-config",
            "-c",
            "source ./leads.fish; complete -C 'leads rej'",
        ],
    );
    assert!(commands.starts_with("reject\t"), "{commands}");
    let reasons = run_shell(
        &fish,
        &[
            "--no-config",
            "-c",
            "source ./leads.fish; complete -C 'leads reject --reason '",
        ],
    );
    assert!(
        reasons.lines().any(|l| l.starts_with("outside_area")),
        "{reasons}"
    );
}

#[test]
fn man_renders_every_page_without_warnings() {
    let Some(man) = shell("man") else { return };
    for entry in std::fs::read_dir(repo("docs/man")).unwrap() {
        let path = entry.unwrap().path();
        let out = Command::new(&man)
            .args(["--warnings", "-l"])
            .arg(&path)
            .env("MANWIDTH", "80")
            .env("MAN_DISABLE_SECCOMP", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {stderr}", path.display());
        assert!(stderr.trim().is_empty(), "{}: {stderr}", path.display());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("leads"), "{}", path.display());
    }
}

// --- Colour -------------------------------------------------------------------------------------

const ESC: char = '\u{1b}';

/// `leads status` with these flags and environment, piped (never a terminal here).
fn status_with(env: &TestEnv, flags: &[&str], vars: &[(&str, &str)]) -> String {
    let mut cmd = env.command();
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut args = vec!["status"];
    args.extend_from_slice(flags);
    let out = cmd.args(&args).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn colour_follows_the_flag_then_the_environment_then_the_stream() {
    let env = TestEnv::new();
    env.import(&[crate::env::lead("a", 1)]);
    let coloured =
        |flags: &[&str], vars: &[(&str, &str)]| status_with(&env, flags, vars).contains(ESC);
    // Piped, auto: no colour, unless forced.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    // The flag beats the environment.
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    // JSON is never coloured; piped list rows are data, never coloured either.
    assert!(!coloured(&["--json", "--color", "always"], &[]));
    let list = env
        .command()
        .args(["list", "--color", "always"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&list.stdout).contains(ESC));
}

#[test]
fn colour_on_a_terminal_honours_no_color_clicolor_and_dumb_terminals() {
    let env = TestEnv::new();
    env.import(&[crate::env::lead("a", 1)]);
    let on_terminal = |vars: &[(&str, &str)], what: &str| {
        let mut command = format!(
            "env LEADS_CONFIG={} LEADS_DATA_DIR={} LEADS_NOW={} TERM=xterm-256color",
            env.config_path().display(),
            env.data_dir().display(),
            crate::env::NOW
        );
        for (k, v) in vars {
            command.push_str(&format!(" {k}={v}"));
        }
        command.push_str(&format!(
            " {} {what}",
            assert_cmd::cargo::cargo_bin("leads").display()
        ));
        let mut p = rexpect::spawn(&command, Some(10_000)).unwrap();
        let out = p.exp_eof().unwrap();
        out.contains(ESC)
    };
    // A card (status) and a table (list): the table crate must not style on its own.
    for what in ["status", "list"] {
        assert!(on_terminal(&[], what), "{what}");
        assert!(!on_terminal(&[("NO_COLOR", "1")], what), "{what}");
        assert!(!on_terminal(&[("CLICOLOR", "0")], what), "{what}");
        assert!(!on_terminal(&[("TERM", "dumb")], what), "{what}");
        assert!(
            !on_terminal(&[], &format!("--color never {what}")),
            "{what}"
        );
    }
}

// --- Pipes and verbosity ------------------------------------------------------------------------

#[test]
fn a_reader_that_stops_early_ends_the_listing_quietly() {
    let env = TestEnv::new();
    env.run(&["demo", "--count", "3000", "--history", "0", "--no-show"])
        .ok();
    let mut child = env
        .process()
        .args(["list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, as `head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn quiet_silences_summaries_but_not_data_or_errors() {
    let env = TestEnv::new();
    env.import(&[crate::env::lead("a", 1), crate::env::lead("b", 2)]);
    let run = env.run(&["-q", "reject", "a", "b", "--reason", "busy", "--yes"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().count(),
        2,
        "the per-lead results are data"
    );
    let loud = env.run(&["reject", "a", "--reason", "busy"]);
    assert!(loud.stderr.contains("skipped"), "{}", loud.stderr);
    let err = env.run(&["-q", "show", "nope"]).fails(6);
    assert!(err.contains("no lead"), "{err}");
    env.run(&["-q", "-v", "list"]).fails(2);
}

#[test]
fn verbose_adds_diagnostics_on_stderr_only() {
    let env = TestEnv::new();
    env.import(&[crate::env::lead("a", 1)]);
    let plain = env.run(&["list"]);
    let v = env.run(&["-v", "list"]);
    assert_eq!(v.stdout, plain.stdout, "stdout is the same data");
    assert!(v.stderr.contains("leads: config:"), "{}", v.stderr);
    assert!(v.stderr.contains("leads: store:"), "{}", v.stderr);
    let vv = env.run(&["-vv", "list"]);
    assert!(vv.stderr.contains("finished in"), "{}", vv.stderr);
    assert!(!v.stderr.contains("finished in"), "{}", v.stderr);
}

// --- Exit codes ---------------------------------------------------------------------------------

#[test]
fn the_readme_lists_exactly_the_exit_codes_of_the_code() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let section = readme.split("## Exit codes").nth(1).unwrap();
    let documented: Vec<u8> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.trim_matches('|').split('|').next()?.trim().parse().ok())
        .collect();
    let in_code: Vec<u8> = leads::error::Exit::ALL
        .iter()
        .map(|(e, _)| e.code())
        .collect();
    assert_eq!(documented, in_code);
}

/// One way to reach each exit code but 130, which needs a terminal to press Ctrl-C in
/// (inbox::ctrl_c_mid_prompt_keeps_earlier_decisions_and_exits_130).
#[test]
fn every_exit_code_is_what_the_table_says() {
    use crate::env::{decided, expired, lead};
    use leads::error::Exit;
    let fresh = || {
        let env = TestEnv::new();
        env.import(&[lead("a", 1), decided("done", 2, "reject")]);
        env
    };
    let code = |env: &TestEnv, args: &[&str]| env.run(args).code;

    let env = fresh();
    assert_eq!(code(&env, &["list"]), 0);
    // The store's directory is a file: nothing the user typed is wrong.
    let blocked = TestEnv::new();
    std::fs::write(blocked.data_dir(), "not a directory").unwrap();
    assert_eq!(code(&blocked, &["list"]), Exit::Failure as i32);
    assert_eq!(
        code(&env, &["list", "--older-than", "soon"]),
        Exit::Usage as i32
    );
    assert_eq!(
        code(&env, &["accept", "a", "--no-input"]),
        Exit::Usage as i32
    );
    assert_eq!(
        code(&env, &["--config", "/nonexistent/leads.toml", "list"]),
        Exit::Config as i32
    );
    let bad = env.write("bad.json", "[{\"id\": 1}]");
    assert_eq!(
        code(&env, &["import", bad.to_str().unwrap()]),
        Exit::BadInput as i32
    );
    assert_eq!(code(&env, &["show", "nope"]), Exit::NotFound as i32);
    assert_eq!(
        code(&env, &["reject", "a", "done", "--reason", "busy", "--yes"]),
        Exit::Partial as i32
    );
    assert_eq!(
        code(&env, &["reject", "done", "--reason", "busy", "--yes"]),
        Exit::AllSkipped as i32
    );
    let capped = fresh();
    capped.write_config("[budget]\nweekly_cap = \"100 TWD\"\n");
    assert_eq!(
        code(&capped, &["accept", "a", "--yes"]),
        Exit::Declined as i32
    );
    let remote = fresh();
    remote.write_config("source = \"remote\"\n[remote]\nurl = \"http://127.0.0.1:9\"\n");
    assert_eq!(
        code(&remote, &["reject", "a", "--reason", "busy", "--offline"]),
        Exit::Queued as i32
    );
    // 3 answered of 4: at the threshold, with one pending lead that could drop it.
    let at_risk = TestEnv::new();
    at_risk.import(&[
        decided("d1", 5, "reject"),
        decided("d2", 5, "reject"),
        decided("d3", 5, "reject"),
        expired("x1", 60),
        lead("p1", 1),
    ]);
    assert_eq!(code(&at_risk, &["status", "--check"]), Exit::AtRisk as i32);
    let below = TestEnv::new();
    below.import(&[decided("d1", 5, "reject"), expired("x1", 60)]);
    assert_eq!(code(&below, &["status", "--check"]), Exit::Below as i32);
}
