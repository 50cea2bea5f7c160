//! Tables for people: columns fitted to the terminal before anything is printed, so a row is
//! always one line, and nothing is ever broken mid-word.
//!
//! When a table is wider than the terminal, it gives way in the order its view chose (dropping
//! a column of lesser value, shortening one, cutting the long texts with "…" down to a width that
//! still reads), stopping as soon as it fits. Ids, money, times and countdowns are never cut:
//! a PRO acts on exactly those.

use std::borrow::Cow;

use comfy_table::{
    Attribute, Cell as ComfyCell, CellAlignment, Color, ContentArrangement, presets,
};

use super::Style;
use super::text::{truncate, width};
use super::untrusted;

/// How a column's cells may get narrower.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cells {
    /// Shown whole, or (by a [`GiveWay::Drop`]) not at all.
    Whole,
    /// Cut with "…" once the table gives way by [`GiveWay::Cut`], down to this many columns; below
    /// that only when every other way is used up.
    Cut(usize),
}

/// One way a table gives way to a narrow terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GiveWay {
    /// Leave out this column.
    Drop(usize),
    /// Show this column's short forms (a date without its year).
    Shorten(usize),
    /// Cut the long texts of the [`Cells::Cut`] columns to their widths.
    Cut,
}

pub struct Column<'a> {
    pub header: &'a str,
    pub cells: Cells,
}

/// One cell: its text, a shorter form for [`GiveWay::Shorten`], a colour. A cell is one line of
/// text shown as [`untrusted::line()`] shows it, whoever wrote it.
pub struct Cell<'a> {
    pub text: Cow<'a, str>,
    pub short: Option<Cow<'a, str>>,
    pub color: Option<Color>,
}

impl<'a> Cell<'a> {
    pub fn new(text: impl Into<Cow<'a, str>>) -> Self {
        Cell {
            text: untrusted::line_owned(text.into()),
            short: None,
            color: None,
        }
    }

    pub fn short(mut self, short: impl Into<Cow<'a, str>>) -> Self {
        self.short = Some(untrusted::line_owned(short.into()));
        self
    }

    pub fn color(mut self, color: Option<Color>) -> Self {
        self.color = color;
        self
    }

    fn shown(&self, short: bool) -> &str {
        match (&self.short, short) {
            (Some(s), true) => s,
            _ => &self.text,
        }
    }
}

/// A table in the house style: no borders, bold headers, one line a row.
pub struct Table<'a> {
    columns: Vec<Column<'a>>,
    give_way: Vec<GiveWay>,
    rows: Vec<Vec<Cell<'a>>>,
}

/// The space a column takes besides its text: comfy-table pads each side by one.
const GAP: usize = 2;

/// What the table shows of each column: not at all, or in so many columns, whole or short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Shown {
    width: usize,
    short: bool,
}

impl<'a> Table<'a> {
    /// `give_way`: the ways to fit a narrow terminal, first tried first.
    pub fn new(columns: Vec<Column<'a>>, give_way: Vec<GiveWay>) -> Self {
        Table {
            columns,
            give_way,
            rows: Vec::new(),
        }
    }

    pub fn with_capacity(mut self, rows: usize) -> Self {
        self.rows.reserve(rows);
        self
    }

    pub fn add_row(&mut self, row: Vec<Cell<'a>>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// The widest cell of each column (its header included), whole and short.
    fn natural(&self) -> Vec<[usize; 2]> {
        let mut widths: Vec<[usize; 2]> =
            self.columns.iter().map(|c| [width(c.header); 2]).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                let whole = width(&cell.text);
                w[0] = w[0].max(whole);
                w[1] = w[1].max(cell.short.as_deref().map_or(whole, width));
            }
        }
        widths
    }

    /// Each column's place at `cols` columns of terminal (None: dropped).
    fn layout(&self, cols: Option<usize>) -> Vec<Option<Shown>> {
        let natural = self.natural();
        let mut shown: Vec<Option<Shown>> = natural
            .iter()
            .map(|w| {
                Some(Shown {
                    width: w[0],
                    short: false,
                })
            })
            .collect();
        let Some(cols) = cols else {
            return shown;
        };
        let total = |shown: &[Option<Shown>]| -> usize {
            shown.iter().flatten().map(|s| s.width + GAP).sum::<usize>()
        };
        // A cut column's floor: its comfortable width, never narrower than its header.
        let floor = |i: usize, hard: bool| match self.columns[i].cells {
            Cells::Whole => usize::MAX,
            Cells::Cut(min) => {
                let header = width(self.columns[i].header);
                if hard { header.max(1) } else { min.max(header) }
            }
        };
        let mut cut = false;
        for step in &self.give_way {
            if total(&shown) <= cols {
                break;
            }
            match *step {
                GiveWay::Drop(i) => shown[i] = None,
                GiveWay::Shorten(i) => {
                    if let Some(s) = &mut shown[i] {
                        s.short = true;
                        s.width = if cut {
                            s.width.min(natural[i][1])
                        } else {
                            natural[i][1]
                        };
                    }
                }
                GiveWay::Cut => {
                    cut = true;
                    for (i, s) in shown.iter_mut().enumerate() {
                        if let Some(s) = s {
                            s.width = s.width.min(floor(i, false));
                        }
                    }
                }
            }
        }
        if !cut {
            return shown;
        }
        // Past the floors, the widest cut column gives a column at a time, down to its header.
        while total(&shown) > cols {
            let widest = (0..shown.len())
                .filter(|&i| shown[i].is_some_and(|s| s.width > floor(i, true)))
                .max_by_key(|&i| shown[i].map_or(0, |s| s.width));
            match widest {
                Some(i) => shown[i].as_mut().expect("shown").width -= 1,
                // Narrower than the columns that never cut: the terminal wraps what is left.
                None => break,
            }
        }
        // Room left over goes back to the cut columns, the one nearest to whole first.
        let mut room = cols.saturating_sub(total(&shown));
        while room > 0 {
            let nearest = (0..shown.len())
                .filter_map(|i| {
                    let s = shown[i]?;
                    let whole = natural[i][usize::from(s.short)];
                    (s.width < whole).then_some((whole - s.width, i))
                })
                .min();
            let Some((short_by, i)) = nearest else { break };
            let give = short_by.min(room);
            shown[i].as_mut().expect("shown").width += give;
            room -= give;
        }
        shown
    }

    /// The table as text, fitted to `style.width`.
    pub fn render(&self, style: &Style) -> String {
        // Lines start and end where their text does: no space before the first column, none
        // printed after the last.
        let layout = self.layout(style.width.map(|w| w + 2));
        let mut table = comfy_table::Table::new();
        table
            .load_style(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled);
        // comfy-table styles on its own when it sees a terminal; the style decides instead, so
        // `--color never` and NO_COLOR hold for tables too.
        if style.color {
            // Only the text: padding inside the colour codes would hide from trimming and make
            // each line a column wider than the terminal.
            table.enforce_styling().style_text_only();
        } else {
            table.force_no_tty();
        }
        let visible: Vec<(usize, Shown)> = layout
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|s| (i, s)))
            .collect();
        table.set_header(
            visible.iter().map(|&(i, _)| {
                ComfyCell::new(self.columns[i].header).add_attribute(Attribute::Bold)
            }),
        );
        if let Some(first) = table.column_mut(0) {
            first.set_padding((0, 1));
        }
        for row in &self.rows {
            table.add_row(visible.iter().map(|&(i, s)| {
                let cell = &row[i];
                let mut out = ComfyCell::new(truncate(cell.shown(s.short), s.width))
                    .set_alignment(CellAlignment::Left);
                if let Some(color) = cell.color {
                    out = out.fg(color);
                }
                out
            }));
        }
        table.trim_fmt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table<'static> {
        let mut t = Table::new(
            vec![
                Column {
                    header: "ID",
                    cells: Cells::Whole,
                },
                Column {
                    header: "SERVICE",
                    cells: Cells::Cut(10),
                },
                Column {
                    header: "WHEN",
                    cells: Cells::Whole,
                },
                Column {
                    header: "NOTE",
                    cells: Cells::Whole,
                },
            ],
            vec![GiveWay::Drop(3), GiveWay::Cut, GiveWay::Shorten(2)],
        );
        t.add_row(vec![
            Cell::new("ld_1"),
            Cell::new("Split air conditioner installation"),
            Cell::new("2026-11-23 09:00").short("11-23 09:00"),
            Cell::new("call first"),
        ]);
        t
    }

    fn at(cols: usize) -> String {
        sample().render(&Style::plain().with_width(Some(cols)))
    }

    #[test]
    fn a_table_that_fits_is_shown_whole() {
        let out = at(200);
        assert!(out.contains("Split air conditioner installation"), "{out}");
        assert!(out.contains("NOTE"), "{out}");
        assert_eq!(out, sample().render(&Style::plain()));
    }

    #[test]
    fn it_gives_way_in_order_and_stops_once_it_fits() {
        // "ld_1  Split air conditioner installation  2026-11-23 09:00": without NOTE it fits whole.
        let out = at(58);
        assert!(!out.contains("NOTE"), "{out}");
        assert!(out.contains("Split air conditioner installation"), "{out}");
        assert!(out.lines().any(|l| width(l) == 58), "{out}");
        // Then the service is cut, the date still whole.
        let out = at(57);
        assert!(out.contains("Split air conditioner installati…"), "{out}");
        let out = at(49);
        assert!(out.contains("Split air conditioner in…"), "{out}");
        assert!(out.contains("2026-11-23 09:00"), "{out}");
        // Then the date goes short, and the room it leaves goes back to the service.
        let out = at(40);
        assert!(out.contains("11-23 09:00"), "{out}");
        for line in out.lines() {
            assert!(width(line) <= 40, "{out}");
        }
    }

    #[test]
    fn past_every_way_cut_columns_shrink_to_their_headers() {
        let out = at(30);
        for line in out.lines() {
            assert!(width(line) <= 30, "{out}");
        }
        assert!(out.contains("SERVICE"), "{out}");
    }
}
