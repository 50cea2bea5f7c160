//! Text for a terminal: how many columns it takes, cut to fit, wrapped at word boundaries.
//!
//! One width rule for every view: a character takes the columns Unicode's East Asian Width gives
//! it (the unicode-width crate, which comfy-table measures table cells with too), so 台北市 takes
//! six columns, not three; colour codes take none.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

/// What a cut-short text ends with.
pub const ELLIPSIS: char = '…';

/// Columns `c` takes on a terminal; control characters take none.
fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// The characters of `text` that show, each with where it starts; colour codes (`ESC [ … m`)
/// are skipped.
fn visible(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        loop {
            let (i, c) = chars.next()?;
            if c != '\x1b' {
                return Some((i, c));
            }
            // A CSI sequence runs to its final byte, '@' to '~'.
            if chars.next_if(|&(_, c)| c == '[').is_some() {
                while chars.next().is_some_and(|(_, c)| !('@'..='~').contains(&c)) {}
            }
        }
    })
}

/// The columns `text` takes on one line.
pub fn width(text: &str) -> usize {
    visible(text).map(|(_, c)| char_width(c)).sum()
}

/// `text` in at most `cols` columns: whole when it fits, else cut and ended with "…".
/// For plain text (table cells, names): a colour code cut in half would leak.
pub fn truncate(text: &str, cols: usize) -> Cow<'_, str> {
    if width(text) <= cols {
        return Cow::Borrowed(text);
    }
    let room = cols.saturating_sub(1);
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        let w = char_width(c);
        if used + w > room {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    let mut cut = text[..end].trim_end().to_string();
    if cols > 0 {
        cut.push(ELLIPSIS);
    }
    Cow::Owned(cut)
}

/// `text` left-aligned in `cols` columns (by display width, not characters).
pub fn pad(text: &str, cols: usize) -> String {
    let mut out = text.to_string();
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(width(text))));
    out
}

/// Closing punctuation that must not begin a line (it stays with the character before it).
fn closes(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '、' | '：' | '；' | '！' | '？' | '）' | '」' | '』' | '》' | '〉' | '…'
    )
}

/// Pieces that stay on the line of the piece before them: a separator, an arrow.
fn binds(text: &str) -> bool {
    matches!(text, "·" | "→" | "|")
}

/// A piece the next one stays with: an arrow is never left at a line's end.
fn binds_next(text: &str) -> bool {
    text == "→" || text.ends_with(" →")
}

/// A piece of a line that wrapping keeps whole: a word, or a single CJK character (CJK text
/// may break between any two characters), with the spaces before it.
struct Piece<'a> {
    space: &'a str,
    text: &'a str,
    width: usize,
}

/// The pieces of `line`, and what follows the last one (spaces, a closing colour code).
fn pieces(line: &str) -> (Vec<Piece<'_>>, &str) {
    let mut out: Vec<Piece> = Vec::new();
    // Where the spaces (and colour codes) before the next piece begin, and where it begins.
    let mut space_start = 0;
    let mut start: Option<usize> = None;
    let mut piece_width = 0;
    let mut prev_wide = false;
    // A space past the end closes the last piece. Slices run to the next visible character,
    // so a colour code stays with the piece it follows, or goes with the spaces before the
    // piece it opens.
    for (i, c) in visible(line).chain(std::iter::once((line.len(), ' '))) {
        let w = char_width(c);
        let wide = w == 2;
        let breaks = c == ' ' || ((wide || prev_wide) && !closes(c));
        if breaks && let Some(s) = start.take() {
            let text = &line[s..i];
            match out.last_mut() {
                // A separator stays at the end of its line, and an arrow with both its sides:
                // "6h ·" then the next item, and "10 → 11" whole.
                Some(prev) if binds(text) || binds_next(prev.text) => {
                    let from = prev.text.as_ptr() as usize - line.as_ptr() as usize;
                    prev.width += width(&line[from + prev.text.len()..s]) + piece_width;
                    prev.text = &line[from..i];
                }
                _ => out.push(Piece {
                    space: &line[space_start..s],
                    text,
                    width: piece_width,
                }),
            }
            space_start = i;
        }
        prev_wide = wide;
        if c == ' ' {
            continue;
        }
        if start.is_none() {
            start = Some(i);
            piece_width = 0;
        }
        piece_width += w;
    }
    (out, &line[space_start.min(line.len())..])
}

/// `text` wrapped to `cols` columns at word boundaries (and between CJK characters), each line
/// on its own; a continuation line starts with `indent` spaces. A word longer than a whole line
/// is the one thing split, since there is no better place to break it.
pub fn wrap(text: &str, cols: usize, indent: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        wrap_line(line, cols, indent, &mut out);
    }
    out
}

/// Like [`wrap`], with each line's continuation indented two columns past the line's own
/// indent: for free-form lines (notes, errors, hints) that have no column to align to.
pub fn wrap_hanging(text: &str, cols: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let own = line.len() - line.trim_start_matches(' ').len();
        wrap_line(line, cols, own + 2, &mut out);
    }
    out
}

/// `items` joined by `sep`, on as many lines of `cols` columns as it takes, breaking only
/// between items (a key and its label, "[2] area", stay together); continuation lines start
/// with `indent` spaces.
pub fn wrap_items<S: AsRef<str>>(items: &[S], sep: &str, cols: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for (n, item) in items.iter().enumerate() {
        let item = item.as_ref();
        let w = width(item);
        if n > 0 && used + width(sep) + w > cols {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
            used = indent;
        } else if n > 0 {
            out.push_str(sep);
            used += width(sep);
        }
        out.push_str(item);
        used += w;
    }
    out
}

fn wrap_line(line: &str, cols: usize, indent: usize, out: &mut String) {
    if width(line) <= cols {
        out.push_str(line);
        return;
    }
    let indent = indent.min(cols / 2);
    let (pieces, tail) = pieces(line);
    let mut used = 0;
    for (n, piece) in pieces.iter().enumerate() {
        let space_width = width(piece.space);
        if n > 0 && used + space_width + piece.width > cols {
            // The spaces go at a break; colour codes among them stay.
            out.extend(piece.space.chars().filter(|&c| c != ' '));
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
            used = indent;
        } else {
            out.push_str(piece.space);
            used += space_width;
        }
        push_split(piece.text, piece.width, cols, &mut used, indent, out);
    }
    out.extend(tail.chars().filter(|&c| c != ' '));
}

/// Appends `text`; only when it is wider than a line of its own does it split, by character.
fn push_split(
    text: &str,
    text_width: usize,
    cols: usize,
    used: &mut usize,
    indent: usize,
    out: &mut String,
) {
    if *used + text_width <= cols {
        out.push_str(text);
        *used += text_width;
        return;
    }
    for c in text.chars() {
        let w = char_width(c);
        if *used + w > cols && *used > indent {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
            *used = indent;
        }
        out.push(c);
        *used += w;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_takes_two_columns_and_colour_none() {
        assert_eq!(width("台北市 大安區"), 13);
        assert_eq!(width("\x1b[1mbold\x1b[0m"), 4);
        assert_eq!(width("NT$2,000–3,000"), 14);
    }

    #[test]
    fn truncate_cuts_to_columns_with_an_ellipsis() {
        assert_eq!(truncate("Deep home cleaning", 20), "Deep home cleaning");
        assert_eq!(truncate("Deep home cleaning", 10), "Deep home…");
        assert_eq!(truncate("Split air conditioner", 12), "Split air c…");
        // A wide character that would straddle the edge goes whole.
        assert_eq!(truncate("冷氣安裝與清洗", 8), "冷氣安…");
        assert_eq!(width(&truncate("冷氣安裝與清洗", 8)), 7);
    }

    #[test]
    fn pad_counts_columns_not_characters() {
        assert_eq!(width(&pad("冷氣安裝", 12)), 12);
        assert_eq!(pad("abc", 5), "abc  ");
        assert_eq!(pad("abcdef", 3), "abcdef");
    }

    #[test]
    fn wrap_breaks_between_words_with_a_hanging_indent() {
        let text = "Response rate  80%  (111 of 138 answered in 30 days: 38 accepted)";
        assert_eq!(
            wrap(text, 40, 15),
            "Response rate  80%  (111 of 138 answered\n               in 30 days: 38 accepted)"
        );
        assert_eq!(wrap("short", 40, 4), "short");
        assert_eq!(wrap("one\ntwo three", 6, 1), "one\ntwo\n three");
    }

    #[test]
    fn wrap_breaks_cjk_between_characters_but_not_before_closing_punctuation() {
        let wrapped = wrap("請問可以一次完成嗎？我們家有兩隻狗。", 20, 0);
        for line in wrapped.lines() {
            assert!(width(line) <= 20, "{line:?}");
            assert!(!line.starts_with(['？', '。']), "{wrapped}");
        }
        assert_eq!(
            wrapped.replace('\n', ""),
            "請問可以一次完成嗎？我們家有兩隻狗。"
        );
    }

    #[test]
    fn wrap_keeps_colour_codes_with_their_words() {
        let text = "\x1b[1mAt risk: answer 5 of your 16 pending leads\x1b[0m";
        let wrapped = wrap(text, 20, 0);
        assert!(wrapped.starts_with("\x1b[1mAt risk:"), "{wrapped:?}");
        assert!(wrapped.ends_with("leads\x1b[0m"), "{wrapped:?}");
        for line in wrapped.lines() {
            assert!(width(line) <= 20, "{line:?}");
        }
    }

    #[test]
    fn a_word_longer_than_the_line_is_split_as_a_last_resort() {
        let wrapped = wrap("see https://example.com/a/very/long/path", 16, 2);
        for line in wrapped.lines() {
            assert!(width(line) <= 16, "{wrapped}");
        }
        assert_eq!(
            wrapped.replace(['\n', ' '], ""),
            "seehttps://example.com/a/very/long/path"
        );
    }

    #[test]
    fn items_break_only_between_items() {
        let items = [
            "[1] not my service",
            "[2] area",
            "[3] schedule",
            "[6] other",
        ];
        assert_eq!(
            wrap_items(&items, "  ", 36, 5),
            "[1] not my service  [2] area\n     [3] schedule  [6] other"
        );
        assert_eq!(
            wrap_items(&items[..2], "  ", 80, 5),
            "[1] not my service  [2] area"
        );
    }

    #[test]
    fn separators_end_a_line_and_arrows_keep_both_sides() {
        let wrapped = wrap("rate 80.4% → 81.1% · lapse allowance 10 → 11", 38, 2);
        assert_eq!(wrapped, "rate 80.4% → 81.1% · lapse allowance\n  10 → 11");
        let wrapped = wrap("Pending 16 · 7 expire within 6h · next", 16, 2);
        for line in wrapped.lines() {
            assert!(!line.trim_start().starts_with('·'), "{wrapped}");
        }
    }

    #[test]
    fn hanging_wrap_indents_past_each_line_own_indent() {
        assert_eq!(
            wrap_hanging("error: one two three\n  hint: four five six", 12),
            "error: one\n  two three\n  hint: four\n    five six"
        );
    }
}
