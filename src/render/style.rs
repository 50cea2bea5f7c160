//! Colour, applied only when the printer decided the stream wants it.

use anstyle::{AnsiColor, Color, Style as Ansi};
use comfy_table::Color as CellColor;

use crate::domain::freshness::Urgency;
use crate::domain::rate::Verdict;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn new(color: bool) -> Style {
        Style { color }
    }

    pub fn plain() -> Style {
        Style { color: false }
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
