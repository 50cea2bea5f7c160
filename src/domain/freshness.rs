//! How long a lead stays answerable, and how that reads on screen.
//!
//! A lead's expiry is its `expires_at`, or its `created_at` plus the configured shelf life when the
//! platform gave none. At or after that moment it has lapsed: it can no longer be answered and counts
//! against the response rate.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, TimeDelta, Utc};

use super::lead::{Lead, Status};

/// A span of time as people write it in flags and config: `48h`, `90m`, `2d`, `1d12h`, `45s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span(pub TimeDelta);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{0:?} is not a duration: write a number and a unit (d, h, m or s), like 48h, 90m, 2d or 1d12h"
)]
pub struct SpanError(pub String);

impl FromStr for Span {
    type Err = SpanError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || SpanError(s.to_string());
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(bad());
        }
        let mut total = TimeDelta::zero();
        let mut digits = String::new();
        for c in compact.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let n: i64 = digits.parse().map_err(|_| bad())?;
            digits.clear();
            let part = match c.to_ascii_lowercase() {
                'd' => TimeDelta::try_days(n),
                'h' => TimeDelta::try_hours(n),
                'm' => TimeDelta::try_minutes(n),
                's' => TimeDelta::try_seconds(n),
                _ => None,
            }
            .ok_or_else(bad)?;
            total = total.checked_add(&part).ok_or_else(bad)?;
        }
        // A trailing number without a unit ("48") is ambiguous: hours? minutes? Refuse it.
        if !digits.is_empty() {
            return Err(bad());
        }
        Ok(Span(total))
    }
}

impl fmt::Display for Span {
    /// The shortest exact form: `48h`, `1d12h`, `90m` → `1h30m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut secs = self.0.num_seconds();
        if secs == 0 {
            return f.write_str("0s");
        }
        // Whole days read worse than hours below three days ("2d" vs "48h" are both fine, but
        // config defaults are written in hours), so days only when the hours part would exceed 72.
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            if unit == "d" && secs < 3 * 86_400 {
                continue;
            }
            if secs >= size {
                write!(f, "{}{unit}", secs / size)?;
                secs %= size;
            }
        }
        Ok(())
    }
}

/// When `lead` stops being answerable.
pub fn expiry(lead: &Lead, shelf_life: TimeDelta) -> DateTime<Utc> {
    // Added only when needed: a date plus a span is a hundred instructions in chrono, and a
    // list of 10,000 asks each lead's expiry five times.
    lead.expires_at
        .unwrap_or_else(|| lead.created_at + shelf_life)
}

/// The status as of `now`: a pending lead past its expiry has lapsed, whatever the record says.
pub fn effective_status(lead: &Lead, now: DateTime<Utc>, shelf_life: TimeDelta) -> Status {
    if lead.status == Status::Pending && expiry(lead, shelf_life) <= now {
        Status::Expired
    } else {
        lead.status
    }
}

/// How pressing a pending lead is, for ordering and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Lapsed,
    Urgent,
    Soon,
    Fresh,
}

/// The thresholds that colour a countdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    pub urgent: TimeDelta,
    pub soon: TimeDelta,
}

impl Thresholds {
    pub fn urgency(&self, left: TimeDelta) -> Urgency {
        if left <= TimeDelta::zero() {
            Urgency::Lapsed
        } else if left <= self.urgent {
            Urgency::Urgent
        } else if left <= self.soon {
            Urgency::Soon
        } else {
            Urgency::Fresh
        }
    }
}

/// A compact span for columns: `2h 05m`, `1d 04h`, `35m`, `<1m`. Minutes are zero-padded after
/// hours so a column of countdowns lines up and reads at a glance.
pub fn compact(d: TimeDelta) -> String {
    let mut s = String::with_capacity(8);
    push_compact(&mut s, d);
    s
}

/// [`compact`] onto the end of `out`, without the formatting machinery: a list of 10,000 leads
/// writes two of these a row.
pub fn push_compact(out: &mut String, d: TimeDelta) {
    let secs = d.num_seconds().max(0);
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    let (big, unit, small, small_unit) = if days > 0 {
        (days, 'd', Some(hours), 'h')
    } else if hours > 0 {
        (hours, 'h', Some(mins), 'm')
    } else if mins > 0 {
        (mins, 'm', None, ' ')
    } else {
        out.push_str("<1m");
        return;
    };
    push_int(out, big);
    out.push(unit);
    if let Some(n) = small {
        out.push(' ');
        if n < 10 {
            out.push('0');
        }
        push_int(out, n);
        out.push(small_unit);
    }
}

fn push_int(out: &mut String, n: i64) {
    if n >= 10 {
        push_int(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// "expires in 2h 05m" / "lapsed 3h 10m ago", for a lead whose expiry is `left` away.
pub fn countdown(left: TimeDelta) -> String {
    if left > TimeDelta::zero() {
        format!("expires in {}", compact(left))
    } else {
        format!("lapsed {} ago", compact(-left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(s: &str) -> TimeDelta {
        s.parse::<Span>().unwrap().0
    }

    #[test]
    fn spans_parse_in_every_unit_and_combination() {
        assert_eq!(span("48h"), TimeDelta::hours(48));
        assert_eq!(span("90m"), TimeDelta::minutes(90));
        assert_eq!(span("2d"), TimeDelta::days(2));
        assert_eq!(span("1d12h"), TimeDelta::hours(36));
        assert_eq!(span("1h 30m"), TimeDelta::minutes(90));
        assert_eq!(span("45s"), TimeDelta::seconds(45));
        for bad in [
            "",
            "48",
            "h",
            "48 hours",
            "1.5h",
            "-2h",
            "2w",
            "99999999999999999999d",
        ] {
            assert!(bad.parse::<Span>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn spans_print_back_shortest() {
        assert_eq!(Span(TimeDelta::hours(48)).to_string(), "48h");
        assert_eq!(Span(TimeDelta::minutes(90)).to_string(), "1h30m");
        assert_eq!(Span(TimeDelta::days(7)).to_string(), "7d");
        assert_eq!(Span(TimeDelta::zero()).to_string(), "0s");
    }

    #[test]
    fn countdowns_read_compact() {
        assert_eq!(countdown(TimeDelta::minutes(125)), "expires in 2h 05m");
        assert_eq!(countdown(TimeDelta::hours(28)), "expires in 1d 04h");
        assert_eq!(countdown(TimeDelta::seconds(30)), "expires in <1m");
        assert_eq!(countdown(TimeDelta::minutes(-190)), "lapsed 3h 10m ago");
    }

    #[test]
    fn urgency_bands_include_their_edges() {
        let t = Thresholds {
            urgent: TimeDelta::hours(6),
            soon: TimeDelta::hours(24),
        };
        assert_eq!(t.urgency(TimeDelta::zero()), Urgency::Lapsed);
        assert_eq!(t.urgency(TimeDelta::hours(6)), Urgency::Urgent);
        assert_eq!(t.urgency(TimeDelta::hours(24)), Urgency::Soon);
        assert_eq!(t.urgency(TimeDelta::hours(25)), Urgency::Fresh);
    }

    #[test]
    fn a_pending_lead_lapses_at_its_expiry_exactly() {
        let lead = crate::domain::lead::tests::sample();
        let shelf = TimeDelta::hours(48);
        let at = lead.created_at + shelf;
        assert_eq!(
            effective_status(&lead, at - TimeDelta::seconds(1), shelf),
            Status::Pending
        );
        assert_eq!(effective_status(&lead, at, shelf), Status::Expired);
    }
}
