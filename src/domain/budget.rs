//! The weekly spend on contact fees against the cap a PRO set.

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveTime, TimeZone, Utc};
use serde::Serialize;

use super::money::{Money, Overflow, sum_in};

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
    /// Fails rather than wrap: a budget that cannot be counted must not let an accept through.
    pub fn new(
        week_start: DateTime<Utc>,
        spent: Vec<Money>,
        cap: Option<Money>,
    ) -> Result<WeekSpend, Overflow> {
        let left = match cap {
            None => None,
            Some(cap) => {
                let used = sum_in(cap.currency, spent.iter().copied())?;
                Some(cap.checked_sub(used).ok_or(Overflow(cap.currency))?)
            }
        };
        Ok(WeekSpend {
            week_start,
            spent,
            cap,
            left,
        })
    }

    /// What would be left after paying `fees` too, in the cap's currency; None without a cap.
    pub fn left_after(&self, fees: &[Money]) -> Result<Option<Money>, Overflow> {
        let Some(left) = self.left else {
            return Ok(None);
        };
        let paying = sum_in(left.currency, fees.iter().copied())?;
        left.checked_sub(paying)
            .map(Some)
            .ok_or(Overflow(left.currency))
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
        )
        .unwrap();
        assert_eq!(w.left, Some(Money::new(180000, twd)));
        assert_eq!(w.spent_in_main_currency(), Some(Money::new(120000, twd)));
        assert_eq!(
            w.left_after(&[Money::new(200000, twd), Money::new(9, usd)]),
            Ok(Some(Money::new(-20000, twd)))
        );
    }

    #[test]
    fn a_budget_that_cannot_be_counted_is_an_error_not_a_wrapped_number() {
        let twd = "TWD".parse().unwrap();
        let cap = Some(Money::new(10000, twd));
        let huge = Money::new(i64::MAX, twd);
        assert!(WeekSpend::new(Utc::now(), vec![huge, huge], cap).is_err());
        let w = WeekSpend::new(Utc::now(), vec![], Some(Money::new(i64::MIN + 1, twd))).unwrap();
        assert!(w.left_after(&[huge]).is_err());
    }
}
