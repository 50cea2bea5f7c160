//! The response rate, exactly.
//!
//! Over the New Leads created in the window (see [`in_window`]): responded = accepted + rejected;
//! lapsed = expired, or pending past expiry; pending = the rest. rate = responded / (responded + lapsed). Everything is
//! integer arithmetic on fractions, so 24/32 against a 0.75 threshold is "at threshold", never
//! "below" through rounding.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Whether a New Lead created at `created_at` counts in a rate window that began at `since`.
/// The window has no end: a lead stamped a little after "now" (the platform's clock runs ahead
/// of this one) has arrived all the same, is in the queue, and its answer counts.
pub fn in_window(created_at: DateTime<Utc>, since: DateTime<Utc>) -> bool {
    created_at > since
}

/// A non-negative fraction. Compared by cross-multiplying in u128, which cannot overflow for u64 parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    pub num: u64,
    pub den: u64,
}

impl Ratio {
    /// `None` for 0/0: a rate over nothing is no rate at all.
    pub fn new(num: u64, den: u64) -> Option<Ratio> {
        (den > 0).then_some(Ratio { num, den })
    }

    pub fn cmp_to(&self, other: &Ratio) -> Ordering {
        (u128::from(self.num) * u128::from(other.den))
            .cmp(&(u128::from(other.num) * u128::from(self.den)))
    }

    /// For JSON only, where the contract carries the rate as a number. Never compared.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

/// The one way a rate is written, wherever it shows (status, inbox, decision summaries, sync):
/// a percent with one decimal, rounded down. Down, so a rate just under the threshold never
/// reads as the threshold itself (74.96% is 74.9%, not 75.0%); one decimal, so the change a
/// decision or two makes shows (80.4% → 80.5%) where whole percents would read "80% → 80%".
impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = u128::from(self.num) * 1000 / u128::from(self.den);
        write!(f, "{}.{}%", tenths / 10, tenths % 10)
    }
}

/// A rate that may not exist yet (no lead answered or lapsed): "—" for none.
pub fn percent(rate: Option<Ratio>) -> String {
    rate.map_or_else(|| "—".into(), |r| r.to_string())
}

/// The rate a PRO must stay at or above, as the exact decimal written in the config (0.75 = 75/100).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold(Ratio);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a threshold: write a decimal above 0 and at most 1, like 0.75")]
pub struct ThresholdError(pub String);

impl FromStr for Threshold {
    type Err = ThresholdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ThresholdError(s.to_string());
        let t = s.trim();
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits_only = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
        if !digits_only(int) || !(frac.is_empty() || digits_only(frac)) || frac.len() > 9 {
            return Err(bad());
        }
        let den = 10u64.pow(frac.len() as u32);
        let num: u64 = format!("{int}{frac}").parse().map_err(|_| bad())?;
        if num == 0 || num > den {
            return Err(bad());
        }
        Ok(Threshold(Ratio { num, den }))
    }
}

impl Threshold {
    pub fn ratio(&self) -> Ratio {
        self.0
    }

    pub fn to_f64(self) -> f64 {
        self.0.to_f64()
    }
}

impl fmt::Display for Threshold {
    /// Percent with as many decimals as the config gave (0.75 → 75%, 0.755 → 75.5%).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ratio { num, den } = self.0;
        let whole = u128::from(num) * 100 / u128::from(den);
        let mut rest = u128::from(num) * 100 % u128::from(den);
        write!(f, "{whole}")?;
        if rest != 0 {
            f.write_str(".")?;
            while rest != 0 {
                rest *= 10;
                write!(f, "{}", rest / u128::from(den))?;
                rest %= u128::from(den);
            }
        }
        f.write_str("%")
    }
}

/// New Leads in the window, by where they stand now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub accepted: u64,
    pub rejected: u64,
    pub lapsed: u64,
    pub pending: u64,
    /// Answers counted in the figure the platform last reported, which does not split them by
    /// action (remote source only; `accepted` and `rejected` are then the answers made here since).
    pub reported_responded: u64,
}

impl Tally {
    pub fn responded(&self) -> u64 {
        self.accepted + self.rejected + self.reported_responded
    }

    /// Leads that count in the rate now: answered or lapsed (the contract's `received`).
    pub fn received(&self) -> u64 {
        self.responded() + self.lapsed
    }
}

/// What the PRO must still do to be safe even if everything else lapses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MustAnswer {
    /// Respond to this many pending leads (0: already safe).
    Reachable(u64),
    /// Even answering every pending lead leaves the worst case below; this is the best it can be.
    Unreachable { best: Ratio },
}

/// Ordered from best to worst: the worst of several accounts is their greatest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// At or above the threshold, and stays there even if every pending lead lapses.
    Safe,
    /// At or above the threshold now (or no rate yet), but letting pending leads lapse would drop it.
    AtRisk,
    /// Strictly below the threshold.
    Below,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateReport {
    pub tally: Tally,
    pub threshold: Threshold,
    pub rate: Option<Ratio>,
    pub worst_case: Option<Ratio>,
    pub lapse_allowance: u64,
    pub must_answer: MustAnswer,
    pub verdict: Verdict,
}

impl RateReport {
    pub fn new(tally: Tally, threshold: Threshold) -> RateReport {
        let Ratio { num: p, den: q } = threshold.ratio();
        let (p, q) = (u128::from(p), u128::from(q));
        let r = u128::from(tally.responded());
        let l = u128::from(tally.lapsed);
        let pending = u128::from(tally.pending);
        let all = r + l + pending;

        let rate = Ratio::new(tally.responded(), tally.received());
        let worst_case = Ratio::new(tally.responded(), tally.received() + tally.pending);

        // Largest k with r / (r + l + k) >= p/q, i.e. k <= (r·q − p·(r + l)) / p. Zero when the
        // rate is already below (or there is none yet: any lapse then makes it 0%).
        let lapse_allowance = (r * q)
            .checked_sub(p * (r + l))
            .map_or(0, |slack| (slack / p) as u64);

        // Fewest m with (r + m) / all >= p/q, i.e. m >= (p·all − r·q) / q, rounded up.
        let must_answer = match (p * all).checked_sub(r * q) {
            None | Some(0) => MustAnswer::Reachable(0),
            Some(gap) => {
                let m = gap.div_ceil(q);
                if m <= pending {
                    MustAnswer::Reachable(m as u64)
                } else {
                    MustAnswer::Unreachable {
                        best: Ratio {
                            num: tally.responded() + tally.pending,
                            den: all as u64,
                        },
                    }
                }
            }
        };

        let below = |x: &Ratio| x.cmp_to(&threshold.ratio()) == Ordering::Less;
        let verdict = if rate.as_ref().is_some_and(below) {
            Verdict::Below
        } else if worst_case.as_ref().is_some_and(below) {
            Verdict::AtRisk
        } else {
            Verdict::Safe
        };

        RateReport {
            tally,
            threshold,
            rate,
            worst_case,
            lapse_allowance,
            must_answer,
            verdict,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t75() -> Threshold {
        "0.75".parse().unwrap()
    }

    fn report(responded: u64, lapsed: u64, pending: u64) -> RateReport {
        let tally = Tally {
            accepted: responded / 2,
            rejected: responded - responded / 2,
            lapsed,
            pending,
            reported_responded: 0,
        };
        RateReport::new(tally, t75())
    }

    #[test]
    fn exactly_at_threshold_is_not_below() {
        // 24 / 32 = 0.75 exactly: the float 0.75 would agree, but 0.1 + 0.2 style errors must not
        // matter anywhere, so the comparison is on integers.
        let r = report(24, 8, 0);
        assert_eq!(r.rate, Some(Ratio { num: 24, den: 32 }));
        assert_eq!(r.verdict, Verdict::Safe);
        assert_eq!(r.lapse_allowance, 0);
        assert_eq!(r.rate.unwrap().to_string(), "75.0%");
    }

    #[test]
    fn one_lapse_more_is_below() {
        let r = report(24, 9, 0);
        assert_eq!(r.verdict, Verdict::Below);
        assert_eq!(r.rate.unwrap().to_string(), "72.7%");
        assert_eq!(r.lapse_allowance, 0);
    }

    #[test]
    fn just_under_never_prints_as_the_threshold() {
        // 7499/10000 = 74.99%: rounding down keeps it at 74.9%, matching the "below" verdict.
        let r = report(7499, 2501, 0);
        assert_eq!(r.verdict, Verdict::Below);
        assert_eq!(r.rate.unwrap().to_string(), "74.9%");
        assert_eq!(percent(None), "—");
    }

    #[test]
    fn lapse_allowance_is_the_largest_safe_count() {
        // 30 / 36 = 83%: 30/(36+4) = 75% still safe, 30/41 is not.
        let r = report(30, 6, 0);
        assert_eq!(r.lapse_allowance, 4);
        assert!(Ratio::new(30, 40).unwrap().cmp_to(&t75().ratio()) != Ordering::Less);
        assert!(Ratio::new(30, 41).unwrap().cmp_to(&t75().ratio()) == Ordering::Less);
    }

    #[test]
    fn pending_leads_put_a_safe_rate_at_risk() {
        // 30/36 now; if 8 pending lapse: 30/44 = 68% → at risk; answer 3 → 33/44 = 75%.
        let r = report(30, 6, 8);
        assert_eq!(r.verdict, Verdict::AtRisk);
        assert_eq!(r.must_answer, MustAnswer::Reachable(3));
        assert_eq!(r.worst_case.unwrap().to_string(), "68.1%");
    }

    #[test]
    fn must_answer_can_be_unreachable() {
        // 10/20 now with 4 pending: best is 14/24 = 58%.
        let r = report(10, 10, 4);
        assert_eq!(r.verdict, Verdict::Below);
        assert_eq!(
            r.must_answer,
            MustAnswer::Unreachable {
                best: Ratio { num: 14, den: 24 }
            }
        );
    }

    #[test]
    fn no_leads_means_no_rate_and_nothing_to_do() {
        let r = report(0, 0, 0);
        assert_eq!(r.rate, None);
        assert_eq!(r.worst_case, None);
        assert_eq!(r.verdict, Verdict::Safe);
        assert_eq!(r.must_answer, MustAnswer::Reachable(0));
    }

    #[test]
    fn only_pending_leads_are_at_risk_until_answered() {
        let r = report(0, 0, 4);
        assert_eq!(r.rate, None);
        assert_eq!(r.verdict, Verdict::AtRisk);
        assert_eq!(r.must_answer, MustAnswer::Reachable(3));
    }

    #[test]
    fn must_answer_matches_brute_force() {
        for responded in 0..12 {
            for lapsed in 0..6 {
                for pending in 0..6 {
                    let r = report(responded, lapsed, pending);
                    let all = responded + lapsed + pending;
                    let ok = |m: u64| {
                        all == 0
                            || Ratio::new(responded + m, all)
                                .unwrap()
                                .cmp_to(&t75().ratio())
                                != Ordering::Less
                    };
                    let brute = (0..=pending).find(|&m| ok(m));
                    match (brute, r.must_answer) {
                        (Some(m), MustAnswer::Reachable(n)) => assert_eq!(m, n),
                        (None, MustAnswer::Unreachable { .. }) => {}
                        other => panic!("{responded}/{lapsed}/{pending}: {other:?}"),
                    }
                    let allowed = (0..100)
                        .take_while(|&k| {
                            Ratio::new(responded, responded + lapsed + k)
                                .is_some_and(|x| x.cmp_to(&t75().ratio()) != Ordering::Less)
                        })
                        .last();
                    assert_eq!(r.lapse_allowance, allowed.unwrap_or(0));
                }
            }
        }
    }

    #[test]
    fn thresholds_parse_exactly_and_refuse_nonsense() {
        assert_eq!(t75().ratio(), Ratio { num: 75, den: 100 });
        assert_eq!("1".parse::<Threshold>().unwrap().to_string(), "100%");
        assert_eq!("0.755".parse::<Threshold>().unwrap().to_string(), "75.5%");
        for bad in ["0", "0.0", "1.01", "75", "-0.5", ".75", "abc", ""] {
            assert!(bad.parse::<Threshold>().is_err(), "{bad:?} parsed");
        }
    }
}
