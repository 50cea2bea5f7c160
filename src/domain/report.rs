//! What the leads cost and earned over a period: the figures of `leads report`, for the whole
//! period, for each group (category, month, fee) and for each week.
//!
//! Money is summed per currency and never mixed; a ratio is kept as its two counts until shown.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::conversation::{Ending, Sender, Stage, Standing};
use super::lead::{Kind, Lead, Status};
use super::money::{Money, Overflow, totals};
use super::rate::Ratio;

/// The figures of a set of leads. Built by adding leads one at a time with [`Figures::add`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    /// New Leads that arrived.
    pub received: u64,
    /// Of those, accepted or rejected.
    pub answered: u64,
    pub accepted: u64,
    /// Lapsed without an answer.
    pub lapsed: u64,
    /// Contact fees of the accepted leads, per currency.
    pub spend: Vec<Money>,
    /// Median time from the accept to your first reply, over the accepted leads you replied to.
    pub median_first_reply_seconds: Option<i64>,
    /// Accepted leads with two contacts from the customer (the request counts) and one from you.
    pub developing: u64,
    pub won: u64,
    pub lost: u64,
    /// The value of the jobs won, where you gave one, per currency.
    pub revenue: Vec<Money>,
    /// Spend ÷ wins, per currency: what one job won cost in contact fees.
    pub cost_per_win: Vec<Money>,
    /// Won ÷ accepted, 0 to 1.
    pub win_rate: Option<f64>,
    /// Fees paid for accepted leads you never wrote to that have gone cold.
    pub wasted_spend: Vec<Money>,
    #[serde(skip)]
    first_replies: Vec<i64>,
    #[serde(skip)]
    fees: Vec<Money>,
    #[serde(skip)]
    values: Vec<Money>,
    #[serde(skip)]
    wasted: Vec<Money>,
    #[serde(skip)]
    wins_by_currency: Vec<(super::money::Currency, u64)>,
}

impl Figures {
    /// Counts `lead` (a New Lead; others are not counted) with its conversation's standing at
    /// `now`, when it was accepted.
    pub fn add(&mut self, lead: &Lead, standing: Option<&Standing>, lapsed: bool) {
        if lead.kind != Kind::NewLead {
            return;
        }
        self.received += 1;
        match lead.status {
            Status::Accepted | Status::Rejected => self.answered += 1,
            _ if lapsed => self.lapsed += 1,
            _ => {}
        }
        if lead.status != Status::Accepted {
            return;
        }
        self.accepted += 1;
        self.fees.push(lead.fee);
        if let Some(accepted_at) = lead.decision.as_ref().map(|d| d.decided_at)
            && let Some(first) = lead
                .messages
                .iter()
                .filter(|m| m.from == Sender::Pro)
                .map(|m| m.at)
                .min()
        {
            self.first_replies
                .push((first - accepted_at).max(TimeDelta::zero()).num_seconds());
        }
        let Some(s) = standing else { return };
        if s.developing {
            self.developing += 1;
        }
        match lead.outcome.as_ref().map(|o| o.result) {
            Some(Ending::Won) => {
                self.won += 1;
                match self
                    .wins_by_currency
                    .iter_mut()
                    .find(|(c, _)| *c == lead.fee.currency)
                {
                    Some((_, n)) => *n += 1,
                    None => self.wins_by_currency.push((lead.fee.currency, 1)),
                }
                if let Some(v) = lead.outcome.as_ref().and_then(|o| o.value) {
                    self.values.push(v);
                }
            }
            Some(Ending::Lost) => self.lost += 1,
            None => {}
        }
        if s.stage == Stage::Cold && s.from_pro == 0 {
            self.wasted.push(lead.fee);
        }
    }

    /// Works out the sums, the median and the ratios from what was added.
    pub fn finish(mut self) -> Result<Figures, Overflow> {
        self.spend = totals(self.fees.iter().copied())?;
        self.revenue = totals(self.values.iter().copied())?;
        self.wasted_spend = totals(self.wasted.iter().copied())?;
        self.cost_per_win = self
            .spend
            .iter()
            .filter_map(|spend| {
                let wins = self
                    .wins_by_currency
                    .iter()
                    .find(|(c, _)| *c == spend.currency)
                    .map_or(0, |(_, n)| *n);
                super::conversation::cost_per_win(*spend, wins)
            })
            .collect();
        self.win_rate = Ratio::new(self.won, self.accepted).map(Ratio::to_f64);
        self.first_replies.sort_unstable();
        self.median_first_reply_seconds = median(&self.first_replies);
        Ok(self)
    }
}

/// The lower middle of an even count, so the median is always one that happened.
fn median(sorted: &[i64]) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted[(sorted.len() - 1) / 2])
}

/// One week of the period: the response rate of the New Leads that arrived in it, what was spent
/// on them and how many were won.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Week {
    pub start: DateTime<Utc>,
    pub received: u64,
    pub responded: u64,
    /// Still pending at "now": not yet counted either way.
    pub pending: u64,
    pub spend: Vec<Money>,
    pub won: u64,
}

impl Week {
    /// Responded ÷ (received − pending): what the platform counts once the week's leads settle.
    pub fn rate(&self) -> Option<Ratio> {
        Ratio::new(self.responded, self.received - self.pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::conversation::{Channel, JobOutcome, Message, Timing, standing};
    use crate::domain::lead::{Action, Decision};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn accepted(id: &str, fee: i64) -> Lead {
        let mut l = crate::domain::lead::tests::sample();
        l.id = id.into();
        l.fee.amount = fee;
        l.status = Status::Accepted;
        l.decision = Some(Decision {
            action: Action::Accept,
            decided_at: at("2026-11-23T09:00:00Z"),
            reason: None,
            note: None,
        });
        l
    }

    #[test]
    fn figures_add_up_spend_wins_cost_per_win_and_waste() {
        let now = at("2026-11-30T00:00:00Z");
        let t = Timing::default();
        let mut won = accepted("w", 18_000);
        won.messages.push(Message {
            id: "m1".into(),
            at: at("2026-11-23T09:30:00Z"),
            from: Sender::Pro,
            channel: Channel::Platform,
            text: Some("hi".into()),
        });
        won.outcome = Some(JobOutcome {
            result: Ending::Won,
            at: at("2026-11-24T00:00:00Z"),
            value: Some(Money::new(360_000, won.fee.currency)),
            reason: None,
        });
        let silent = accepted("s", 20_000);
        let mut rejected = crate::domain::lead::tests::sample();
        rejected.status = Status::Rejected;
        let pending = crate::domain::lead::tests::sample();

        let mut f = Figures::default();
        for l in [&won, &silent] {
            f.add(
                l,
                standing(l, &l.messages, l.outcome.as_ref(), now, t).as_ref(),
                false,
            );
        }
        f.add(&rejected, None, false);
        f.add(&pending, None, true);
        let f = f.finish().unwrap();
        let twd = won.fee.currency;
        assert_eq!((f.received, f.answered, f.accepted, f.lapsed), (4, 3, 2, 1));
        assert_eq!(f.spend, vec![Money::new(38_000, twd)]);
        assert_eq!(f.revenue, vec![Money::new(360_000, twd)]);
        assert_eq!(f.cost_per_win, vec![Money::new(38_000, twd)]);
        assert_eq!(f.win_rate, Some(0.5));
        assert_eq!(
            f.wasted_spend,
            vec![Money::new(20_000, twd)],
            "never written to, now cold"
        );
        assert_eq!(f.median_first_reply_seconds, Some(1800));
        assert_eq!((f.won, f.lost, f.developing), (1, 0, 0));
    }

    #[test]
    fn a_week_rate_leaves_out_what_is_still_pending() {
        let w = Week {
            start: Utc::now(),
            received: 10,
            responded: 6,
            pending: 2,
            spend: vec![],
            won: 0,
        };
        assert_eq!(w.rate(), Ratio::new(6, 8));
        assert_eq!(median(&[1, 2, 3, 4]), Some(2));
        assert_eq!(median(&[]), None);
    }
}
