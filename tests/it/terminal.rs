//! Every human view on real terminals 80 and 120 columns wide: nothing wider than the terminal,
//! no word or date broken across lines, table rows one line each.

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::env::TestEnv;

const WIDTHS: [u16; 2] = [80, 120];

fn demo() -> TestEnv {
    let env = TestEnv::new();
    env.run(&["demo", "--no-show"]).ok();
    env
}

#[track_caller]
fn assert_fits(screen: &str, cols: u16) {
    for line in screen.lines() {
        assert!(
            line.width() <= usize::from(cols),
            "wider than {cols} columns ({}): {line:?}\n{screen}",
            line.width()
        );
    }
}

fn is_wide(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
}

/// The text as a reader takes it in: lines joined again (without a space between two CJK
/// characters, which may break anywhere), runs of spaces as one.
fn as_read(screen: &str) -> String {
    let mut text = String::new();
    for line in screen.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let joins_cjk =
            text.chars().last().is_some_and(is_wide) && line.chars().next().is_some_and(is_wide);
        if !text.is_empty() && !joins_cjk {
            text.push(' ');
        }
        text.push_str(line);
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Prose views (status, show) wrap at word boundaries: at 80 and 120 columns they fit, and read
/// word for word as they do on a terminal wide enough for every line.
#[track_caller]
fn assert_wraps_whole_words(env: &TestEnv, args: &[&str]) {
    let wide = env.on_terminal(400, args);
    for cols in WIDTHS {
        let screen = env.on_terminal(cols, args);
        assert_fits(&screen, cols);
        assert_eq!(as_read(&screen), as_read(&wide), "at {cols} columns");
    }
}

fn pending(env: &TestEnv) -> Vec<Value> {
    serde_json::from_str(&env.run(&["list", "--json"]).ok()).unwrap()
}

/// A cell as the table shows it: whole, or cut short with "…" (and then still telling).
#[track_caller]
fn assert_whole_or_cut(line: &str, text: &str) {
    if line.contains(text) {
        return;
    }
    let chars: Vec<char> = text.chars().collect();
    let cut = (12..chars.len()).rev().find(|&n| {
        let prefix: String = chars[..n].iter().collect();
        line.contains(&format!("{}…", prefix.trim_end()))
    });
    assert!(
        cut.is_some(),
        "{text:?} neither whole nor cut with … in {line:?}"
    );
}

#[test]
fn list_rows_stay_one_line_with_whole_headers() {
    let env = demo();
    let leads = pending(&env);
    for cols in WIDTHS {
        let screen = env.on_terminal(cols, &["list"]);
        assert_fits(&screen, cols);
        let lines: Vec<&str> = screen.lines().collect();
        assert_eq!(
            lines.len(),
            leads.len() + 2,
            "a header, a line a lead, a footer:\n{screen}"
        );
        let header: Vec<&str> = lines[0].split_whitespace().collect();
        for h in ["ID", "SERVICE", "LOCATION", "FEE"] {
            assert!(header.contains(&h), "{h} at {cols}: {:?}", lines[0]);
        }
        assert!(lines[0].contains("EXPIRES IN"), "{:?}", lines[0]);
        for lead in &leads {
            let id = lead["id"].as_str().unwrap();
            let row = lines
                .iter()
                .find(|l| l.split_whitespace().next() == Some(id))
                .unwrap_or_else(|| panic!("no row for {id} at {cols}:\n{screen}"));
            assert_whole_or_cut(row, lead["service"].as_str().unwrap());
            let fee = lead["fee"]["amount"].as_i64().unwrap() / 100;
            assert!(row.contains(&format!("NT${fee}")), "{row:?}");
        }
        assert!(
            lines.last().unwrap().contains("pending · fees NT$"),
            "{screen}"
        );
    }
    // 120 columns have room for every column, every service in full.
    let screen = env.on_terminal(120, &["list"]);
    assert!(
        screen.lines().next().unwrap().contains("CATEGORY"),
        "{screen}"
    );
    assert!(
        screen.contains("Split air conditioner installation"),
        "{screen}"
    );
}

/// The text without its colour codes (`ESC [ … m`).
fn without_colour(screen: &str) -> String {
    let mut out = String::new();
    let mut chars = screen.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|c| c.is_ascii_alphabetic());
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn coloured_rows_fit_as_well() {
    let env = demo();
    for cols in WIDTHS {
        for cmd in ["list", "history"] {
            let screen = env.on_terminal(cols, &["--color", "always", cmd]);
            assert!(screen.contains('\x1b'), "coloured: {screen}");
            assert_fits(&without_colour(&screen), cols);
        }
    }
}

#[test]
fn list_with_a_fit_column_fits_80_columns() {
    let env = demo();
    env.write_config(
        "[conditions]\nservices = [\"cleaning\"]\nareas = [\"台北市\"]\nmax_fee = \"200 TWD\"\n",
    );
    for cols in WIDTHS {
        let screen = env.on_terminal(cols, &["list"]);
        assert_fits(&screen, cols);
        assert_eq!(screen.lines().count(), pending(&env).len() + 2, "{screen}");
        assert!(screen.lines().next().unwrap().contains("FIT"), "{screen}");
    }
}

#[test]
fn history_rows_keep_dates_whole() {
    let env = demo();
    let decided: Vec<Value> = serde_json::from_str(&env.run(&["history", "--json"]).ok()).unwrap();
    for cols in WIDTHS {
        let screen = env.on_terminal(cols, &["history"]);
        assert_fits(&screen, cols);
        let lines: Vec<&str> = screen.lines().collect();
        assert_eq!(lines.len(), decided.len() + 2, "{screen}");
        for h in ["DECIDED", "ID", "SERVICE", "ACTION", "REASON"] {
            assert!(
                lines[0].split_whitespace().any(|w| w == h),
                "{h}: {:?}",
                lines[0]
            );
        }
        for (row, d) in lines[1..].iter().zip(&decided) {
            // The decision time, whole: "2026-11-23 09:12", or "11-23 09:12" when short of room.
            let words: Vec<&str> = row.split_whitespace().collect();
            let (date, time) = (words[0], words[1]);
            assert!(
                [5, 10].contains(&date.len()) && time.len() == 5 && time.contains(':'),
                "{row:?}"
            );
            assert!(row.contains(d["id"].as_str().unwrap()), "{row:?}");
            assert_whole_or_cut(row, d["service"].as_str().unwrap());
        }
    }
}

#[test]
fn status_wraps_at_word_boundaries() {
    assert_wraps_whole_words(&demo(), &["status"]);
}

#[test]
fn show_wraps_at_word_boundaries() {
    let env = demo();
    let decided: Vec<Value> = serde_json::from_str(&env.run(&["history", "--json"]).ok()).unwrap();
    let accepted = decided.iter().find(|d| d["action"] == "accept").unwrap();
    for id in ["dm-0002", "dm-0015", accepted["id"].as_str().unwrap()] {
        assert_wraps_whole_words(&env, &["show", id]);
    }
}

#[test]
fn the_accept_preview_lines_fees_up_under_cjk_services() {
    use crate::env::{lead, with};
    use serde_json::json;
    let env = TestEnv::new();
    env.import(&[
        with(lead("a", 5), json!({"service": "冷氣安裝與清洗"})),
        lead("b", 4),
        with(
            lead("c", 3),
            json!({"service": "Split air conditioner installation service"}),
        ),
    ]);
    let run = env.run(&["accept", "a", "b", "c", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("  ") && l.ends_with("NT$180"))
        .collect();
    assert_eq!(rows.len(), 3, "{}", run.stderr);
    let fee_column = |row: &str| row[..row.rfind("NT$").unwrap()].width();
    assert!(
        rows.iter().all(|r| fee_column(r) == fee_column(rows[0])),
        "fees in one column:\n{}",
        run.stderr
    );
}
