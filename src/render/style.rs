//! Colour, applied only when the printer decided the stream wants it, and the width lines wrap
//! at.

use anstyle::{AnsiColor, Color, Style as Ansi};
use comfy_table::Color as CellColor;

use crate::domain::freshness::Urgency;
use crate::domain::rate::Verdict;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    /// The terminal's width in columns; None when the stream is not a terminal (or its width is
    /// unknown): lines are then left as they are.
    pub width: Option<usize>,
}

impl Style {
    pub fn new(color: bool) -> Style {
        Style { color, width: None }
    }

    pub fn plain() -> Style {
        Style::new(false)
    }

    pub fn with_width(self, width: Option<usize>) -> Style {
        Style { width, ..self }
    }

    /// `text` wrapped at word boundaries to the terminal, continuation lines indented `indent`
    /// columns.
    pub fn wrap(&self, text: &str, indent: usize) -> String {
        match self.width {
            Some(cols) => super::text::wrap(text, cols, indent),
            None => text.to_string(),
        }
    }

    /// `items` joined by `sep`, wrapped to the terminal between items only.
    pub fn wrap_items<S: AsRef<str>>(&self, items: &[S], sep: &str, indent: usize) -> String {
        super::text::wrap_items(items, sep, self.width.unwrap_or(usize::MAX), indent)
    }

    /// `text` wrapped to the terminal, each line's continuation two columns past its indent.
    pub fn wrap_hanging(&self, text: &str) -> String {
        match self.width {
            Some(cols) => super::text::wrap_hanging(text, cols),
            None => text.to_string(),
        }
    }

    fn paint(&self, text: &str, style: Ansi) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn fg(color: AnsiColor) -> Ansi {
        Ansi::new().fg_color(Some(Color::Ansi(color)))
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint(text, Ansi::new().bold())
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(text, Ansi::new().dimmed())
    }

    pub fn error(&self, text: &str) -> String {
        self.paint(text, Self::fg(AnsiColor::Red).bold())
    }

    pub fn urgency(&self, text: &str, urgency: Urgency) -> String {
        match urgency_color(urgency) {
            Some(c) => self.paint(text, Self::fg(c)),
            None => text.to_string(),
        }
    }

    pub fn verdict(&self, text: &str, verdict: Verdict) -> String {
        let color = match verdict {
            Verdict::Safe => AnsiColor::Green,
            Verdict::AtRisk => AnsiColor::Yellow,
            Verdict::Below => AnsiColor::Red,
        };
        self.paint(text, Self::fg(color).bold())
    }

    /// The same urgency colours for a table cell, or none when colour is off.
    pub fn cell_color(&self, urgency: Urgency) -> Option<CellColor> {
        if !self.color {
            return None;
        }
        urgency_color(urgency).map(|c| match c {
            AnsiColor::Red => CellColor::Red,
            AnsiColor::Yellow => CellColor::Yellow,
            _ => CellColor::Green,
        })
    }
}

fn urgency_color(u: Urgency) -> Option<AnsiColor> {
    match u {
        Urgency::Lapsed | Urgency::Urgent => Some(AnsiColor::Red),
        Urgency::Soon => Some(AnsiColor::Yellow),
        Urgency::Fresh => Some(AnsiColor::Green),
    }
}
