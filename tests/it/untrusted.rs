//! Lead text is written by strangers. Every view shows it on a real terminal without letting a
//! byte of its escape sequences through: no title set, no screen cleared, no colour of theirs, no
//! text reordered or hidden; `--plain` rows keep their columns, and `--json` keeps the text exact.

use std::path::Path;

use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

use crate::env::{NOW, TestEnv, decided, lead, with};

/// Every kind of character that can drive a terminal or hide text: an OSC that sets the title
/// (ended by BEL), CSI sequences that clear the screen and colour and blink the text, a carriage
/// return that would print over what came before, a tab, C1's one-byte CSI, bidi overrides and
/// isolates, zero-width characters, and a line break.
const HOSTILE: &str = "Clean\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mRED\u{1b}[5m\rOVER\tTAB \
                       \u{9b}2J \u{202e}desrever\u{202c} \u{2066}iso\u{2069} zero\u{200b}\
                       width\u{feff}\u{2060}\u{200d}\nline two";

/// Ids may not hold controls or spaces, but they may hold the invisible ones.
const PENDING: &str = "p1\u{202e}\u{200b}";
const TALKING: &str = "a1\u{2066}";
const LOST: &str = "w1\u{feff}";
const REJECTED: &str = "r1\u{200d}";

/// The code points that reorder or hide text.
const INVISIBLE: [char; 14] = [
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}',
];

fn text(field: &str) -> String {
    format!("{field} {HOSTILE}")
}

fn ago(hours: i64) -> String {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    (now - chrono::TimeDelta::hours(hours))
        .to_utc()
        .to_rfc3339()
}

/// Every text field of `base` hostile.
fn hostile(base: Value, id: &str) -> Value {
    let mut lead = with(
        base,
        json!({
            "id": id,
            "service": text("service"),
            "location": {"city": text("city"), "district": text("district"), "postcode": text("pc")},
            "schedule": text("schedule"),
            "customer": {"display_name": text("name"), "phone": text("phone"), "email": text("email")},
            "answers": [{"question": text("question"), "answer": text("answer")}],
            "message": text("message"),
        }),
    );
    if lead["decision"].is_object() {
        lead["decision"]["note"] = json!(text("note"));
    }
    lead
}

fn message(id: &str, hours_ago: i64, from: &str, words: &str) -> Value {
    json!({"id": id, "at": ago(hours_ago), "from": from, "channel": "platform", "text": text(words)})
}

/// A pending lead, an accepted one whose customer wrote last, an accepted one lost, a rejected
/// one: every text field of each hostile, under working conditions they miss and a rule.
fn fixture() -> TestEnv {
    let env = TestEnv::new();
    env.write_config(
        "[conditions]\nareas = [\"高雄市\"]\nunavailable = [\"sunday\"]\n\
         [[rules]]\nwhen = \"outside_area\"\naction = \"reject\"\n",
    );
    let mut talking = hostile(decided(TALKING, 5, "accept"), TALKING);
    talking["messages"] = json!([
        message("m1", 4, "pro", "pro says"),
        message("m2", 2, "customer", "customer says"),
    ]);
    let mut lost = hostile(decided(LOST, 8, "accept"), LOST);
    lost["messages"] = json!([message("m3", 7, "pro", "pro wrote")]);
    lost["outcome"] =
        json!({"result": "lost", "at": ago(6), "value": null, "reason": text("reason")});
    env.import(&[
        hostile(lead(PENDING, 3), PENDING),
        talking,
        lost,
        hostile(decided(REJECTED, 10, "reject"), REJECTED),
    ]);
    env
}

/// `ESC [ params m`: a colour code, the only sequence a coloured view may hold.
fn starts_with_sgr(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("\x1b[") else {
        return false;
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == ':'))
        .unwrap_or(rest.len());
    rest[end..].starts_with('m')
}

/// Nothing in `screen` can drive the terminal: no control character but the line ends, no ESC
/// but the view's own colour codes (none at all without colour), no bidi or zero-width character;
/// the data's own colour codes not even among them.
#[track_caller]
fn assert_harmless(screen: &str, colour: bool, what: &str) {
    for (i, c) in screen.char_indices() {
        let allowed = c == '\n' || (c == '\x1b' && colour && starts_with_sgr(&screen[i..]));
        assert!(
            allowed || !(c.is_control() || INVISIBLE.contains(&c)),
            "{what}: {c:?} at byte {i} reached the terminal:\n{screen:?}"
        );
    }
    for theirs in ["\x1b[31mRED", "\x1b[5m", "\x1b]0;", "\x1b[2J"] {
        assert!(
            !screen.contains(theirs),
            "{what}: {theirs:?} in\n{screen:?}"
        );
    }
}

/// Every line of `screen` fits `cols` columns: the marks count as the columns they take.
#[track_caller]
fn assert_fits(screen: &str, cols: usize, what: &str) {
    for line in screen.lines() {
        let shown = without_colour(line);
        assert!(
            shown.width() <= cols,
            "{what}: wider than {cols} columns: {shown:?}\n{screen}"
        );
    }
}

/// The words of `screen` as a reader takes them in, whatever the wrapping.
fn as_read(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn without_colour(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('m').map_or(rest.len(), |m| at + m + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Every human view of the hostile leads, as a person's terminal gets it.
const VIEWS: &[&[&str]] = &[
    &["list"],
    &["list", "--status", "all", "--sort", "score"],
    &["show", PENDING],
    &["show", TALKING],
    &["show", LOST],
    &["show", REJECTED],
    &["history"],
    &["status"],
    &["followups"],
    &["report", "--by", "category"],
    &["accept", PENDING, "--dry-run"],
    &["reject", PENDING, "--reason", "other", "--dry-run"],
    &["triage", "--dry-run"],
    &["show", PENDING, "--json"],
    // An error that quotes what was typed.
    &["show", "nope\u{1b}[2J\u{202e}"],
];

#[test]
fn no_view_lets_the_data_drive_the_terminal() {
    let env = fixture();
    for view in VIEWS {
        let screen = env.on_terminal(80, view);
        assert_harmless(&screen, false, &view.join(" "));
        // JSON is data, not wrapped.
        if !view.contains(&"--json") {
            assert_fits(&screen, 80, &view.join(" "));
        }
        let mut coloured = vec!["--color", "always"];
        coloured.extend_from_slice(view);
        let screen = env.on_terminal(80, &coloured);
        assert_harmless(&screen, true, &coloured.join(" "));
    }
    // The text is shown, its controls as visible marks, not dropped.
    let card = env.on_terminal(200, &["show", PENDING]);
    for shown in [
        r"p1\u{202e}\u{200b}",
        r"service Clean\e]0;pwned\u{7}\e[2J\e[31mRED\e[5m",
        r"\u{9b}2J \u{202e}desrever\u{202c} \u{2066}iso\u{2069}",
        r"zero\u{200b}width\u{feff}\u{2060}\u{200d}",
        "name Clean",
        "phone Clean",
        "email Clean",
        "question Clean",
        "answer Clean",
    ] {
        assert!(as_read(&card).contains(shown), "{shown:?} in\n{card}");
    }
    // A one-line field folds its line break; the message keeps it.
    assert!(card.contains(r"\e[5m OVER TAB"), "{card}");
    assert!(card.contains(r"\u{200d} line two"), "{card}");
    assert!(
        card.lines().any(|l| l.trim() == "line two"),
        "the message's own line break:\n{card}"
    );
    let history = env.on_terminal(80, &["show", LOST]);
    for said in ["pro wrote Clean", "reason Clean", "note Clean"] {
        assert!(as_read(&history).contains(said), "{said:?} in\n{history}");
    }
}

/// Plain lines and JSON from a pipe: one record a line whatever the data holds, and JSON that
/// gives back exactly what was imported.
#[test]
fn plain_rows_keep_their_columns_and_json_keeps_the_text() {
    let env = fixture();
    for (args, columns) in [
        (&["list", "--plain", "--status", "all"][..], 9),
        (&["history", "--plain"][..], 8),
        (&["followups", "--plain"][..], 7),
        (&["accept", PENDING, "--dry-run", "--plain"][..], 5),
        (&["report", "--by", "category", "--plain"][..], 2),
    ] {
        let out = env.run(args).ok();
        assert!(!out.is_empty(), "{args:?}");
        for row in out.lines() {
            assert_eq!(row.split('\t').count(), columns, "{args:?}: {row:?}");
            assert!(
                !row.chars()
                    .any(|c| (c.is_control() && c != '\t') || INVISIBLE.contains(&c)),
                "{args:?}: {row:?}"
            );
        }
    }
    let rows = env.run(&["list", "--plain", "--status", "all"]).ok();
    assert_eq!(rows.lines().count(), 4, "{rows}");

    for id in [PENDING, TALKING, LOST, REJECTED] {
        let out = env.run(&["show", id, "--json"]).ok();
        // Characters a terminal would act on are escaped in the JSON text itself.
        assert!(
            !out.chars()
                .any(|c| (c.is_control() && c != '\n') || INVISIBLE.contains(&c)),
            "{out:?}"
        );
        let shown: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(shown["id"], id);
        for (pointer, field) in [
            ("/service", "service"),
            ("/location/city", "city"),
            ("/location/district", "district"),
            ("/location/postcode", "pc"),
            ("/schedule", "schedule"),
            ("/customer/display_name", "name"),
            ("/customer/phone", "phone"),
            ("/customer/email", "email"),
            ("/answers/0/question", "question"),
            ("/answers/0/answer", "answer"),
            ("/message", "message"),
        ] {
            assert_eq!(
                shown.pointer(pointer),
                Some(&json!(text(field))),
                "{id} {pointer}"
            );
        }
    }
    let lost: Value = serde_json::from_str(&env.run(&["show", LOST, "--json"]).ok()).unwrap();
    assert_eq!(lost["decision"]["note"], json!(text("note")));
    assert_eq!(lost["outcome"]["reason"], json!(text("reason")));
    assert_eq!(lost["messages"][0]["text"], json!(text("pro wrote")));
    let rows: Value = serde_json::from_str(&env.run(&["followups", "--json"]).ok()).unwrap();
    assert_eq!(rows[0]["id"], TALKING);
    assert_eq!(rows[0]["last_words"], json!(text("customer says")));
}

fn editor(env: &TestEnv, name: &str, script: &str) -> std::path::PathBuf {
    let path = env.write(name, script);
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

/// `leads reply` prints the reply ready to paste: its line breaks kept, its controls made visible.
#[test]
fn a_reply_drafted_from_hostile_fields_prints_harmlessly_with_its_line_breaks() {
    let env = fixture();
    let keep = editor(&env, "keep.sh", "#!/bin/sh\nexit 0\n");
    let vars: [(&str, &Path); 1] = [("EDITOR", &keep)];
    for colour in [false, true] {
        let mut args = vec!["reply", TALKING];
        if colour {
            args.insert(0, "--color");
            args.insert(1, "always");
        }
        let screen = env.on_terminal_with(80, &args, &vars);
        // The reply itself is not wrapped: it is pasted as it is.
        assert_harmless(&screen, colour, "reply");
        assert!(
            screen
                .lines()
                .any(|l| l.starts_with(r"Hi name Clean\e]0;pwned")),
            "{screen}"
        );
        assert!(
            screen
                .lines()
                .any(|l| l.starts_with("Thank you for your request for service")),
            "{screen}"
        );
    }
    // A reply refused as generic quotes what it could mention: the customer's words.
    let screen = env.on_terminal(80, &["--color", "always", "reply", TALKING, "-m", "Hello"]);
    assert_harmless(&screen, true, "generic reply");
    assert_fits(&screen, 80, "generic reply");
    assert!(as_read(&screen).contains("name Clean"), "{screen}");
    // The PRO's own reply, control characters and all, is recorded exactly.
    let typed = "See you\u{1b}[2J Saturday, name Clean\nsecond line";
    let screen = env.on_terminal(80, &["reply", TALKING, "-m", typed]);
    assert_harmless(&screen, false, "typed reply");
    assert!(
        screen.contains("See you\\e[2J Saturday, name Clean\nsecond line"),
        "{screen}"
    );
    let shown: Value = serde_json::from_str(&env.run(&["show", TALKING, "--json"]).ok()).unwrap();
    // Recorded at the same fixed time as the drafts before it: found by its text.
    let messages = shown["messages"].as_array().unwrap();
    assert!(messages.iter().any(|m| m["text"] == typed), "{messages:?}");
}

/// The inbox: the card, the details, the accept and its contact line, the offer of a first reply,
/// and a reply refused for saying nothing of the customer's request.
#[test]
fn the_inbox_shows_hostile_text_harmlessly() {
    use rexpect::session::spawn_command;
    let env = fixture();
    let generic = editor(
        &env,
        "generic.sh",
        "#!/bin/sh\nprintf 'Hello, thanks for asking.\\n' > \"$1\"\n",
    );
    for colour in [false, true] {
        let env = fixture();
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("leads"));
        if colour {
            cmd.args(["--color", "always"]);
        }
        cmd.arg("inbox")
            .env("LEADS_CONFIG", env.config_path())
            .env("LEADS_DATA_DIR", env.data_dir())
            .env("LEADS_NOW", NOW)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env("COLUMNS", "80")
            .env("EDITOR", &generic);
        let mut p = spawn_command(cmd, Some(10_000)).expect("a pseudo-terminal");
        let mut screen = String::new();
        let mut expect = |p: &mut rexpect::session::PtySession, text: &str| {
            screen.push_str(&p.exp_string(text).unwrap());
            screen.push_str(text);
        };
        let press = |p: &mut rexpect::session::PtySession, key: &str| {
            p.send(key).unwrap();
            p.flush().unwrap();
        };
        expect(&mut p, "[q] quit");
        press(&mut p, "d");
        expect(&mut p, "Not answered yet.");
        expect(&mut p, "[q] quit");
        press(&mut p, "a");
        expect(&mut p, "[y] yes");
        press(&mut p, "y");
        expect(&mut p, "Contact:");
        expect(&mut p, "[w] write your first reply");
        press(&mut p, "w");
        expect(&mut p, "Not recorded");
        screen.push_str(&p.exp_eof().unwrap());
        // rexpect hands each byte over as one char (Latin-1); put the UTF-8 back together.
        let bytes: Vec<u8> = screen.chars().map(|c| c as u32 as u8).collect();
        let screen = String::from_utf8(bytes).unwrap().replace("\r\n", "\n");
        assert_harmless(&screen, colour, "inbox");
        assert_fits(&screen, 80, "inbox");
        for shown in [
            "service Clean",
            "city Clean",
            "message Clean",
            "answer Clean",
            "name Clean",
        ] {
            assert!(as_read(&screen).contains(shown), "{shown:?} in\n{screen}");
        }
    }
}

/// `leads serve` logs each request's path; a path carries whatever the client sent.
#[test]
fn the_servers_request_log_shows_a_hostile_path_harmlessly() {
    use std::io::{Read, Write};
    let env = fixture();
    let server = crate::serve::TestServer::start(&env);
    let address = server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .write_all(
            format!(
                "GET /v1/leads/e1\u{202e}\u{9b}2J\u{200b} HTTP/1.1\r\nHost: x\r\n\
                 Authorization: Bearer {}\r\nConnection: close\r\n\r\n",
                crate::serve::TOKEN
            )
            .as_bytes(),
        )
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    let logged = || server.log.lock().unwrap().clone();
    for _ in 0..100 {
        if logged().contains("GET /v1/leads/e1") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let log = logged();
    assert!(
        log.contains(r"GET /v1/leads/e1\u{202e}\u{9b}2J\u{200b} 404"),
        "{log:?}"
    );
    assert_harmless(&log, false, "the request log");
}
