//! The weekly spend on contact fees against the cap a PRO set.

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveTime, TimeZone, Utc};
use serde::Serialize;

use super::money::Money;

/// Monday 00:00 of the week containing `now`, in `now`'s own offset: the PRO's calendar week.
pub fn week_start(now: DateTime<FixedOffset>) -> DateTime<Utc> {
    let date = now.date_naive();
    let monday = date - Days::new(u64::from(date.weekday().num_days_from_monday()));
    let midnight = monday.and_time(NaiveTime::MIN);
    now.offset()
        .from_local_datetime(&midnight)
        .single()
        .expect("a fixed offset maps every local time to one instant")
        .to_utc()
}

/// Spend this week, per currency, and what is left under the cap (in the cap's currency).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WeekSpend {
    pub week_start: DateTime<Utc>,
    pub spent: Vec<Money>,
    pub cap: Option<Money>,
    /// Cap minus spend in the cap's currency; negative when over. None without a cap.
    pub left: Option<Money>,
}

impl WeekSpend {
    pub fn new(week_start: DateTime<Utc>, spent: Vec<Money>, cap: Option<Money>) -> WeekSpend {
        let left = cap.map(|cap| {
            let used: i64 = spent
                .iter()
                .filter(|m| m.currency == cap.currency)
                .map(|m| m.amount)
                .sum();
            Money::new(cap.amount - used, cap.currency)
        });
        WeekSpend {
            week_start,
            spent,
            cap,
            left,
        }
    }

    /// Spend in the cap's currency (or the first currency spent), for one-line summaries.
    pub fn spent_in_main_currency(&self) -> Option<Money> {
        match self.cap {
            Some(cap) => Some(
                self.spent
                    .iter()
                    .copied()
                    .find(|m| m.currency == cap.currency)
                    .unwrap_or(Money::new(0, cap.currency)),
            ),
            None => self.spent.first().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_week_starts_on_monday_midnight_local() {
        // Monday 2026-11-23 01:00 in Taipei is still Sunday in UTC; the week is Taipei's.
        let now = DateTime::parse_from_rfc3339("2026-11-23T01:00:00+08:00").unwrap();
        assert_eq!(
            week_start(now),
            "2026-11-22T16:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let sunday = DateTime::parse_from_rfc3339("2026-11-29T23:59:00+08:00").unwrap();
        assert_eq!(week_start(sunday), week_start(now));
    }

    #[test]
    fn left_is_counted_in_the_cap_currency_only() {
        let twd = "TWD".parse().unwrap();
        let usd = "USD".parse().unwrap();
        let w = WeekSpend::new(
            Utc::now(),
            vec![Money::new(120000, twd), Money::new(500, usd)],
            Some(Money::new(300000, twd)),
        );
        assert_eq!(w.left, Some(Money::new(180000, twd)));
        assert_eq!(w.spent_in_main_currency(), Some(Money::new(120000, twd)));
    }
}
