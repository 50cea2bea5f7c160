//! Text written by strangers (a customer's name, message and answers, a platform's messages, an
//! import file) on its way to a person's terminal.
//!
//! A terminal acts on some characters instead of showing them. ESC starts sequences that set the
//! window title, clear the screen, move the cursor or colour the text; BEL, CR and the C1
//! controls act too; bidi overrides reorder the text after them, and zero-width characters hide
//! inside it. Printed raw, a customer's message could rewrite the lines above it and hide a fee.
//! So every human view shows such a character as a visible mark: ESC as `\e`, the others by
//! their code point, `\u{7}` or `\u{202e}`. A mark reads as what it is and takes the columns it
//! shows in, so the width rules of [`super::text`] hold. A tab becomes a space; a line break is
//! kept where the view has lines of its own (a message, a reply) and folded into a space where
//! the view is one line (a table cell, a name).
//!
//! Views pass stored text through [`line()`] or [`lines`] and add their own colour after; table
//! cells, plain records and the printer's notes and errors do it for every text they get. Then
//! [`guard`] is the last step of every view printed: whatever a view let through is made visible
//! too, keeping only the view's own colour codes, so a view that forgets can at worst show
//! colour, never move the cursor or set the title. JSON keeps the exact text, with these
//! characters written as `\u` escapes (see [`json`]).

use std::borrow::Cow;
use std::fmt::Write;

/// How a character of untrusted text is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// As itself.
    Shown,
    /// A line break: kept as one, or folded into a space.
    Break,
    /// A tab: one space, so the text's width is what it shows.
    Tab,
    /// A mark: `\e`, `\u{…}`.
    Mark,
}

fn kind(c: char) -> Kind {
    match c {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => Kind::Break,
        '\t' => Kind::Tab,
        // C0, DEL and C1.
        c if c.is_control() => Kind::Mark,
        // Bidi embeddings, overrides and isolates reorder the text that follows them.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Kind::Mark,
        // Zero-width characters hide inside words: two ids that look the same would not be.
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => Kind::Mark,
        _ => Kind::Shown,
    }
}

fn push_mark(out: &mut String, c: char) {
    if c == '\x1b' {
        out.push_str("\\e");
    } else {
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    }
}

/// Where the next character that is not [`Kind::Shown`] starts, at or after byte `from`. The
/// same set as [`kind`], found byte by byte: nearly all text holds none, and decoding every
/// character of 10,000 leads just to find that out would cost more than printing them.
fn next_special(text: &str, from: usize) -> Option<usize> {
    next_special_where(text, from, |b| b.wrapping_sub(0x20) >= 0x5f, may_start)
}

/// Whether a character that is not [`Kind::Shown`] may start with byte `b`: a control, or the
/// first byte of C1 (0xc2), of the bidi and zero-width marks (0xe2) or of U+FEFF (0xef). No
/// other byte starts one, and none of these is inside a character, so CJK text (0xe3 to 0xe9,
/// then continuation bytes) is not stopped at character by character.
fn may_start(b: u8) -> bool {
    b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xe2 || b == 0xef
}

/// [`next_special`] past line ends and tabs, for a printed view, which has a line end at every
/// line and a tab at every field of a plain record.
fn next_special_past_layout(text: &str, from: usize) -> Option<usize> {
    let not_layout = |b: u8| b != b'\n' && b != b'\t';
    next_special_where(
        text,
        from,
        |b| b.wrapping_sub(0x20) >= 0x5f && not_layout(b),
        |b| may_start(b) && not_layout(b),
    )
}

/// [`next_special`] past the C0 controls, for JSON: serde_json escapes them.
fn next_special_past_c0(text: &str, from: usize) -> Option<usize> {
    next_special_where(text, from, |b| b >= 0x7f, |b| b >= 0x20 && may_start(b))
}

/// `from` is where a character starts. `may_start` picks the bytes a special character may
/// start with; `wide` picks those and more, in a test the compiler makes a few wide comparisons.
fn next_special_where(
    text: &str,
    from: usize,
    wide: impl Fn(u8) -> bool,
    may_start: impl Fn(u8) -> bool,
) -> Option<usize> {
    let b = text.as_bytes();
    let mut from = from;
    loop {
        let i = from + first_where(b.get(from..)?, &wide, &may_start)?;
        if special_at(b, i) {
            return Some(i);
        }
        // Past the whole character: the other bytes of a CJK character start nothing.
        from = i + match b[i] {
            0x00..=0x7f => 1,
            0x80..=0xdf => 2,
            0xe0..=0xef => 3,
            _ => 4,
        };
    }
}

/// Where in `b` the first byte `may_start` picks is. A block of 32 bytes at a time is tested
/// with `wide` without stopping half-way (a few wide comparisons), and only a block that has
/// such a byte (most of JSON and of a plain list has none) byte by byte with `may_start`.
fn first_where(
    b: &[u8],
    wide: &impl Fn(u8) -> bool,
    may_start: &impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut blocks = b.chunks_exact(32);
    let mut offset = 0;
    for block in blocks.by_ref() {
        if block.iter().fold(false, |any, &c| any | wide(c))
            && let Some(i) = block.iter().position(|&c| may_start(c))
        {
            return Some(offset + i);
        }
        offset += 32;
    }
    blocks
        .remainder()
        .iter()
        .position(|&c| may_start(c))
        .map(|i| offset + i)
}

/// Whether the character starting at byte `i` of `b` is not [`Kind::Shown`].
fn special_at(b: &[u8], i: usize) -> bool {
    let at = |i: usize| b.get(i).copied();
    match b[i] {
        0x00..=0x1f | 0x7f => true,
        // C1: U+0080 to U+009F.
        0xc2 => matches!(at(i + 1), Some(0x80..=0x9f)),
        // U+200B to U+200D, U+2028 to U+202E; U+2060, U+2066 to U+2069.
        0xe2 => match at(i + 1) {
            Some(0x80) => matches!(at(i + 2), Some(0x8b..=0x8d | 0xa8..=0xae)),
            Some(0x81) => matches!(at(i + 2), Some(0xa0 | 0xa6..=0xa9)),
            _ => false,
        },
        // U+FEFF.
        0xef => at(i + 1) == Some(0xbb) && at(i + 2) == Some(0xbf),
        _ => false,
    }
}

fn all_shown(text: &str) -> bool {
    // Most cells are printable ASCII (ids, amounts, times): a plain pass says so for them at a
    // fraction of the search's cost per call.
    text.bytes().all(|b| b.wrapping_sub(0x20) < 0x5f) || next_special(text, 0).is_none()
}

/// The character that starts at byte `i` of `text`.
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().expect("a character starts there")
}

/// `text` for a place that is one line (a table cell, a name, a heading): marks for what a
/// terminal would act on, and each line break, with the spaces around it, as one space (none at
/// either end).
pub fn line(text: &str) -> Cow<'_, str> {
    if all_shown(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut broke = false;
    for c in text.chars() {
        match kind(c) {
            Kind::Break => {
                broke = true;
                out.truncate(out.trim_end_matches(' ').len());
            }
            Kind::Tab | Kind::Shown if broke && (c == ' ' || c == '\t') => {}
            k => {
                if broke && !out.is_empty() {
                    out.push(' ');
                }
                broke = false;
                match k {
                    Kind::Tab => out.push(' '),
                    Kind::Mark => push_mark(&mut out, c),
                    _ => out.push(c),
                }
            }
        }
    }
    Cow::Owned(out)
}

/// [`line()`] for text that may already be owned (a table cell).
pub fn line_owned(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(s) => line(s),
        Cow::Owned(s) if all_shown(&s) => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(line(&s).into_owned()),
    }
}

/// `text` for a place with lines of its own (a message, a reply to paste): marks for what a
/// terminal would act on, and every line break (CR LF, a lone CR) as a `\n`.
pub fn lines(text: &str) -> Cow<'_, str> {
    let mut at = 0;
    loop {
        match next_special(text, at) {
            None => return Cow::Borrowed(text),
            Some(i) if text.as_bytes()[i] == b'\n' => at = i + 1,
            Some(_) => break,
        }
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut after_cr = false;
    for c in text.chars() {
        match kind(c) {
            // CR LF is one break.
            Kind::Break if c == '\n' && after_cr => {}
            Kind::Break => out.push('\n'),
            Kind::Tab => out.push(' '),
            Kind::Mark => push_mark(&mut out, c),
            Kind::Shown => out.push(c),
        }
        after_cr = c == '\r';
    }
    Cow::Owned(out)
}

/// The length of the colour code (`ESC [ params m`) `text` starts with, if it starts with one.
fn colour_code(text: &str) -> Option<usize> {
    let params = text.strip_prefix("\x1b[")?;
    let end = params
        .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == ':'))
        .unwrap_or(params.len());
    params[end..].starts_with('m').then_some(2 + end + 1)
}

/// A view as it is printed: its line ends and tabs (plain records) as they are, its colour codes
/// when `colour` is on, and anything else a terminal would act on as a mark.
pub fn guard(text: &str, colour: bool) -> Cow<'_, str> {
    // text[..copied] is in `out`, or needs nothing when `out` is still empty.
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(i) = next_special_past_layout(text, at) {
        let c = char_at(text, i);
        at = i + c.len_utf8();
        if c == '\x1b'
            && colour
            && let Some(code) = colour_code(&text[i..])
        {
            at = i + code;
            continue;
        }
        out.push_str(&text[copied..i]);
        push_mark(&mut out, c);
        copied = at;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// JSON text with the characters a terminal acts on, and that serde_json leaves raw in strings
/// (DEL, C1, bidi and zero-width characters, U+2028 and U+2029), written as `\u` escapes: the
/// same strings to a parser, nothing to act on for `leads show ID --json` on a terminal. Outside
/// strings JSON has only ASCII, so every such character is inside one.
pub fn json(text: String) -> String {
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(i) = next_special_past_c0(&text, at) {
        let c = char_at(&text, i);
        at = i + c.len_utf8();
        out.push_str(&text[copied..i]);
        // Every such character is in the Basic Multilingual Plane: one escape each.
        let _ = write!(out, "\\u{:04x}", u32::from(c));
        copied = at;
    }
    if copied == 0 {
        return text;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "Clean\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\u{9b}2J";

    #[test]
    fn the_byte_scan_finds_exactly_the_characters_not_shown_as_themselves() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(
                next_special(&text, 0).is_some(),
                kind(c) != Kind::Shown,
                "{c:?}"
            );
            assert_eq!(
                next_special_past_c0(&text, 0).is_some(),
                kind(c) != Kind::Shown && u32::from(c) >= 0x20,
                "{c:?}"
            );
            assert_eq!(
                next_special_past_layout(&text, 0).is_some(),
                kind(c) != Kind::Shown && c != '\n' && c != '\t',
                "{c:?}"
            );
        }
    }

    /// `leads list` writes plain records without [`guard`]: each field made one line is all the
    /// guarding a record needs.
    #[test]
    fn a_plain_record_leaves_guard_nothing_to_change() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let mut record = String::new();
            let fields = [format!("a{c}b"), c.to_string(), format!("{HOSTILE}{c}")];
            crate::render::push_tsv_row(&mut record, &fields);
            assert!(matches!(guard(&record, false), Cow::Borrowed(_)), "{c:?}");
        }
    }

    #[test]
    fn escapes_and_controls_become_visible_marks() {
        assert_eq!(line(HOSTILE), r"Clean\e]0;pwned\u{7}\e[2J\e[31mRED\u{9b}2J");
        assert_eq!(
            line("ab\u{202e}cd\u{2066}e\u{2069}f\u{200b}g\u{feff}"),
            r"ab\u{202e}cd\u{2066}e\u{2069}f\u{200b}g\u{feff}"
        );
        assert_eq!(line("del\x7f nul\0"), r"del\u{7f} nul\u{0}");
        // Ordinary text, CJK and emoji included, is borrowed as it is.
        assert!(matches!(line("台北市 大安區 👍"), Cow::Borrowed(_)));
        assert!(matches!(lines("two\nlines"), Cow::Borrowed(_)));
    }

    #[test]
    fn one_line_folds_breaks_and_tabs_into_single_spaces() {
        assert_eq!(line("hi \r\n\n  there\ttab"), "hi there tab");
        assert_eq!(line("\nedge\n"), "edge");
        assert_eq!(line("over\rwrite"), "over write");
        assert_eq!(line("a\u{2028}b"), "a b");
        // Spaces that are not at a break are the text's own.
        assert_eq!(line("two  spaces"), "two  spaces");
        assert_eq!(line_owned(Cow::Owned("a\nb".into())), "a b");
    }

    #[test]
    fn lines_keep_breaks_as_newlines() {
        assert_eq!(
            lines("one\r\ntwo\rthree\n\x1b[2Jfour"),
            "one\ntwo\nthree\n\\e[2Jfour"
        );
        assert_eq!(lines("tab\there"), "tab here");
    }

    #[test]
    fn the_guard_keeps_only_the_views_own_colour_codes() {
        let view = "\x1b[1mbold\x1b[0m and \x1b[38;5;9mred\x1b[39m\tcell\n";
        assert_eq!(guard(view, true), view);
        assert_eq!(
            guard(view, false),
            "\\e[1mbold\\e[0m and \\e[38;5;9mred\\e[39m\tcell\n"
        );
        // With colour on, only colour codes pass: not a title, not a clear, not a CR.
        assert_eq!(
            guard("\x1b]0;t\x07\x1b[2J\x1b[1m\rx\u{202e}", true),
            "\\e]0;t\\u{7}\\e[2J\x1b[1m\\u{d}x\\u{202e}"
        );
        assert!(matches!(guard("plain\trow\n", false), Cow::Borrowed(_)));
    }

    #[test]
    fn json_escapes_what_serde_leaves_raw_and_parses_back_the_same() {
        let value = serde_json::json!({"text": format!("{HOSTILE}\u{202e}\u{200b}\u{7f}\u{2028}")});
        let text = json(serde_json::to_string_pretty(&value).unwrap());
        assert!(
            !text.chars().any(|c| c != '\n' && kind(c) != Kind::Shown),
            "{text:?}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
