//! Working conditions: how a lead meets or misses what the PRO offers, the rules that act on a
//! miss, and the triage score.
//!
//! On the platform, a request that matches a PRO's working conditions exactly is auto-quoted; one
//! that does not lands as a New Lead. So for every New Lead the first question is *how* it misses,
//! and whether that is a deal-breaker. Each condition is optional; with none set, every lead fits.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::freshness::{Span, expiry};
use super::lead::{Lead, RejectReason};
use super::money::Money;

/// What the PRO takes on. Every field is optional; an empty list or `None` checks nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Conditions {
    /// Category slugs or service names offered (case-insensitive), e.g. "cleaning".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// Areas served: a city ("台北市"), a city and district ("新北市 板橋區"), or a postcode.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<Area>,
    /// The least a job must be worth: the customer's budget must reach it.
    #[serde(
        with = "super::money::serde_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub min_budget: Option<Money>,
    /// The most a lead is worth paying for.
    #[serde(
        with = "super::money::serde_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_fee: Option<Money>,
    /// Days and times not available: monday … sunday, weekend, morning, afternoon, evening.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<Slot>,
}

impl Conditions {
    pub fn is_empty(&self) -> bool {
        self == &Conditions::default()
    }
}

/// A place served: a postcode (digits), a city, or a city and a district.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Area {
    Postcode(String),
    City(String),
    District { city: String, district: String },
}

impl FromStr for Area {
    type Err = String;
    fn from_str(s: &str) -> Result<Area, String> {
        let words: Vec<&str> = s.split_whitespace().collect();
        match words.as_slice() {
            [one] if one.chars().all(|c| c.is_ascii_digit()) => Ok(Area::Postcode(one.to_string())),
            [city] => Ok(Area::City(city.to_string())),
            [city, district] => Ok(Area::District {
                city: city.to_string(),
                district: district.to_string(),
            }),
            _ => Err(format!(
                "{s:?} is not an area: write a city (\"台北市\"), a city and district (\"新北市 板橋區\"), or a postcode (\"106\")"
            )),
        }
    }
}

impl TryFrom<String> for Area {
    type Error = String;
    fn try_from(s: String) -> Result<Area, String> {
        s.parse()
    }
}

impl From<Area> for String {
    fn from(a: Area) -> String {
        a.to_string()
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Area::Postcode(p) => f.write_str(p),
            Area::City(c) => f.write_str(c),
            Area::District { city, district } => write!(f, "{city} {district}"),
        }
    }
}

/// A day or a part of the day the PRO does not work, found in the customer's schedule text by
/// its English or Chinese names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Slot {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
    Weekend,
    Morning,
    Afternoon,
    Evening,
}

impl Slot {
    const ALL: [Slot; 11] = [
        Slot::Monday,
        Slot::Tuesday,
        Slot::Wednesday,
        Slot::Thursday,
        Slot::Friday,
        Slot::Saturday,
        Slot::Sunday,
        Slot::Weekend,
        Slot::Morning,
        Slot::Afternoon,
        Slot::Evening,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Slot::Monday => "monday",
            Slot::Tuesday => "tuesday",
            Slot::Wednesday => "wednesday",
            Slot::Thursday => "thursday",
            Slot::Friday => "friday",
            Slot::Saturday => "saturday",
            Slot::Sunday => "sunday",
            Slot::Weekend => "weekend",
            Slot::Morning => "morning",
            Slot::Afternoon => "afternoon",
            Slot::Evening => "evening",
        }
    }

    /// The words that name it in a schedule (lowercase).
    fn words(self) -> &'static [&'static str] {
        match self {
            Slot::Monday => &["monday", "週一", "周一", "星期一", "禮拜一"],
            Slot::Tuesday => &["tuesday", "週二", "周二", "星期二", "禮拜二"],
            Slot::Wednesday => &["wednesday", "週三", "周三", "星期三", "禮拜三"],
            Slot::Thursday => &["thursday", "週四", "周四", "星期四", "禮拜四"],
            Slot::Friday => &["friday", "週五", "周五", "星期五", "禮拜五"],
            Slot::Saturday => &["saturday", "週六", "周六", "星期六", "禮拜六"],
            Slot::Sunday => &[
                "sunday",
                "週日",
                "周日",
                "星期日",
                "星期天",
                "禮拜日",
                "禮拜天",
            ],
            Slot::Weekend => &[
                "weekend",
                "週末",
                "周末",
                "saturday",
                "sunday",
                "週六",
                "週日",
                "星期六",
                "星期日",
                "星期天",
            ],
            Slot::Morning => &["morning", "早上", "上午"],
            Slot::Afternoon => &["afternoon", "下午"],
            Slot::Evening => &["evening", "night", "晚上", "傍晚"],
        }
    }

    /// The word of the schedule that names this slot, if any.
    fn found_in(self, schedule: &str) -> Option<&'static str> {
        let text = schedule.to_lowercase();
        self.words().iter().copied().find(|w| text.contains(w))
    }
}

impl FromStr for Slot {
    type Err = String;
    fn from_str(s: &str) -> Result<Slot, String> {
        let key = s.trim().to_ascii_lowercase();
        Slot::ALL
            .into_iter()
            .find(|slot| slot.name() == key)
            .ok_or_else(|| {
                format!(
                    "{s:?} is not a day or time: use {}",
                    Slot::ALL.map(Slot::name).join(", ")
                )
            })
    }
}

impl TryFrom<String> for Slot {
    type Error = String;
    fn try_from(s: String) -> Result<Slot, String> {
        s.parse()
    }
}

impl From<Slot> for String {
    fn from(s: Slot) -> String {
        s.name().to_string()
    }
}

/// One working condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Service,
    Area,
    Budget,
    Fee,
    Schedule,
}

impl Condition {
    /// The name of a miss of this condition, as rules write it.
    pub fn miss_code(self) -> &'static str {
        match self {
            Condition::Service => "wrong_service",
            Condition::Area => "outside_area",
            Condition::Budget => "budget_too_low",
            Condition::Fee => "fee_over_cap",
            Condition::Schedule => "schedule_conflict",
        }
    }

    /// A miss of service or area means the lead is not for this PRO at all; the others are
    /// matters of price and time, worth a look.
    fn is_hard(self) -> bool {
        matches!(self, Condition::Service | Condition::Area)
    }
}

/// How a lead stands against one condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Meets,
    Misses,
    /// The lead does not say (no location, no budget, no schedule): not held against it.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub condition: Condition,
    pub standing: Standing,
    /// In words, e.g. "outside area: 新北市 板橋區".
    pub why: String,
}

/// How well a lead fits, overall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FitLevel {
    /// Misses no condition.
    Match,
    /// Misses only budget, fee or schedule: negotiable.
    Partial,
    /// Misses the service or the area: not for you.
    Miss,
}

impl FitLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            FitLevel::Match => "match",
            FitLevel::Partial => "partial",
            FitLevel::Miss => "miss",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fit {
    pub level: FitLevel,
    /// One check per condition set, in the order of `Condition`.
    pub checks: Vec<Check>,
}

impl Fit {
    pub fn misses(&self) -> impl Iterator<Item = &Check> {
        self.checks
            .iter()
            .filter(|c| c.standing == Standing::Misses)
    }

    pub fn misses_condition(&self, condition: Condition) -> bool {
        self.misses().any(|c| c.condition == condition)
    }

    /// One short phrase for a table cell: "match", or the misses ("area, budget").
    pub fn short(&self) -> String {
        let misses: Vec<&str> = self
            .misses()
            .map(|c| match c.condition {
                Condition::Service => "service",
                Condition::Area => "area",
                Condition::Budget => "budget",
                Condition::Fee => "fee",
                Condition::Schedule => "schedule",
            })
            .collect();
        if misses.is_empty() {
            "match".into()
        } else {
            misses.join(", ")
        }
    }
}

/// Checks `lead` against every condition that is set.
pub fn fit(lead: &Lead, conditions: &Conditions) -> Fit {
    judge(lead, conditions, true)
}

/// The same checks without the reasons in words (each `why` empty): for filtering, sorting and
/// tabulating thousands of leads, where the words would cost more than the judging.
pub fn fit_brief(lead: &Lead, conditions: &Conditions) -> Fit {
    judge(lead, conditions, false)
}

pub fn fit_level(lead: &Lead, conditions: &Conditions) -> FitLevel {
    fit_brief(lead, conditions).level
}

fn judge(lead: &Lead, conditions: &Conditions, in_words: bool) -> Fit {
    let mut checks = Vec::new();
    let mut check = |condition, standing, why: &dyn Fn() -> String| {
        checks.push(Check {
            condition,
            standing,
            why: if in_words { why() } else { String::new() },
        })
    };
    if !conditions.services.is_empty() {
        let offered = conditions.services.iter().any(|s| {
            s.eq_ignore_ascii_case(&lead.category)
                || s.to_lowercase() == lead.service.to_lowercase()
        });
        if offered {
            check(Condition::Service, Standing::Meets, &|| {
                format!("a service you offer: {}", lead.category)
            });
        } else {
            check(Condition::Service, Standing::Misses, &|| {
                format!("not your service: {} ({})", lead.category, lead.service)
            });
        }
    }
    if !conditions.areas.is_empty() {
        match &lead.location {
            None => check(Condition::Area, Standing::Unknown, &|| {
                "no location given".into()
            }),
            Some(loc) => {
                let place = || {
                    [&loc.city, &loc.district, &loc.postcode]
                        .into_iter()
                        .flatten()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let served = conditions.areas.iter().any(|a| match a {
                    Area::Postcode(p) => loc.postcode.as_deref() == Some(p.as_str()),
                    Area::City(c) => loc.city.as_deref() == Some(c.as_str()),
                    Area::District { city, district } => {
                        loc.city.as_deref() == Some(city.as_str())
                            && loc.district.as_deref() == Some(district.as_str())
                    }
                });
                if served {
                    check(Condition::Area, Standing::Meets, &|| {
                        format!("in your area: {}", place())
                    });
                } else {
                    check(Condition::Area, Standing::Misses, &|| {
                        format!("outside area: {}", place())
                    });
                }
            }
        }
    }
    if let Some(minimum) = conditions.min_budget {
        let (standing, why) = budget_standing(lead, minimum);
        check(Condition::Budget, standing, &|| why.clone());
    }
    if let Some(cap) = conditions.max_fee {
        if lead.fee.currency != cap.currency {
            check(Condition::Fee, Standing::Unknown, &|| {
                format!(
                    "fee {} is in another currency than your cap {cap}",
                    lead.fee
                )
            });
        } else if lead.fee.amount <= cap.amount {
            check(Condition::Fee, Standing::Meets, &|| {
                format!("fee {} within your cap {cap}", lead.fee)
            });
        } else {
            check(Condition::Fee, Standing::Misses, &|| {
                format!("fee {} over your cap {cap}", lead.fee)
            });
        }
    }
    if !conditions.unavailable.is_empty() {
        match lead.schedule.as_deref().filter(|s| !s.trim().is_empty()) {
            None => check(Condition::Schedule, Standing::Unknown, &|| {
                "no schedule given".into()
            }),
            Some(schedule) => {
                let clash = conditions
                    .unavailable
                    .iter()
                    .find_map(|slot| slot.found_in(schedule).map(|w| (slot, w)));
                match clash {
                    Some((slot, _)) => check(Condition::Schedule, Standing::Misses, &|| {
                        format!(
                            "schedule \"{schedule}\": you are not available {}",
                            match slot {
                                Slot::Morning | Slot::Afternoon | Slot::Evening =>
                                    format!("in the {}", slot.name()),
                                _ => format!("on {}", slot.name()),
                            }
                        )
                    }),
                    None => check(Condition::Schedule, Standing::Meets, &|| {
                        format!("schedule \"{schedule}\" suits you")
                    }),
                }
            }
        }
    }
    let level = if checks
        .iter()
        .any(|c| c.standing == Standing::Misses && c.condition.is_hard())
    {
        FitLevel::Miss
    } else if checks.iter().any(|c| c.standing == Standing::Misses) {
        FitLevel::Partial
    } else {
        FitLevel::Match
    };
    Fit { level, checks }
}

/// The customer's budget against the minimum: its upper bound must reach it. With only a lower
/// bound, a lower bound at or above the minimum meets it; below, the customer may still pay more.
fn budget_standing(lead: &Lead, minimum: Money) -> (Standing, String) {
    let Some(budget) = &lead.budget else {
        return (Standing::Unknown, "no budget given".into());
    };
    if budget.currency != minimum.currency {
        return (
            Standing::Unknown,
            format!(
                "budget in {}, your minimum in {}",
                budget.currency, minimum.currency
            ),
        );
    }
    let money = |amount| Money::new(amount, budget.currency);
    match (budget.min, budget.max) {
        (_, Some(max)) if max >= minimum.amount => (
            Standing::Meets,
            format!("budget up to {} reaches your minimum {minimum}", money(max)),
        ),
        (_, Some(max)) => (
            Standing::Misses,
            format!("budget {} under your minimum {minimum}", money(max)),
        ),
        (Some(min), None) if min >= minimum.amount => (
            Standing::Meets,
            format!("budget from {} reaches your minimum {minimum}", money(min)),
        ),
        (Some(min), None) => (
            Standing::Unknown,
            format!("budget from {}: may or may not reach {minimum}", money(min)),
        ),
        (None, None) => (Standing::Unknown, "no budget given".into()),
    }
}

// --- Rules ------------------------------------------------------------------------------------

/// When a rule applies: a lead missing this condition, or a lead that meets them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    WrongService,
    OutsideArea,
    BudgetTooLow,
    FeeOverCap,
    ScheduleConflict,
    Match,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        self.condition().map_or("match", Condition::miss_code)
    }

    fn condition(self) -> Option<Condition> {
        match self {
            Trigger::WrongService => Some(Condition::Service),
            Trigger::OutsideArea => Some(Condition::Area),
            Trigger::BudgetTooLow => Some(Condition::Budget),
            Trigger::FeeOverCap => Some(Condition::Fee),
            Trigger::ScheduleConflict => Some(Condition::Schedule),
            Trigger::Match => None,
        }
    }

    /// The reject reason a rule gives when it names none; None where no contract reason fits
    /// (a fee over the cap), so the rule must say.
    pub fn default_reason(self) -> Option<RejectReason> {
        match self {
            Trigger::WrongService => Some(RejectReason::NotMyService),
            Trigger::OutsideArea => Some(RejectReason::OutsideArea),
            Trigger::BudgetTooLow => Some(RejectReason::BudgetTooLow),
            Trigger::ScheduleConflict => Some(RejectReason::ScheduleConflict),
            Trigger::FeeOverCap | Trigger::Match => None,
        }
    }

    fn applies(self, fit: &Fit) -> bool {
        match self.condition() {
            Some(c) => fit.misses_condition(c),
            None => fit.level == FitLevel::Match && !fit.checks.is_empty(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    Reject,
    /// Pays the fee: allowed only with a fee cap (checked when the config is read).
    Accept,
    /// Leave the lead for a person; later rules are not consulted.
    Leave,
}

/// `[[rules]]`: when a lead misses a condition (or meets them all), do this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub when: Trigger,
    pub action: RuleAction,
    /// For a reject: the reason sent (default: the one the trigger names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectReason>,
    /// For an accept: the most it pays for one lead (default: conditions.max_fee).
    #[serde(
        default,
        with = "super::money::serde_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_fee: Option<Money>,
}

/// What the rules decide for one lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ruling {
    Reject(RejectReason),
    /// Accept, paying at most this fee.
    Accept(Money),
    /// A rule says leave it for a person, or no rule applies.
    Leave,
}

impl Rule {
    /// Why this rule cannot be used, if it cannot: read when the config is, so a bad rule never
    /// runs.
    pub fn problem(&self, conditions: &Conditions) -> Option<String> {
        let when = self.when.as_str();
        match self.action {
            RuleAction::Accept if self.max_fee.or(conditions.max_fee).is_none() => Some(format!(
                "the rule when = \"{when}\" accepts, which costs money, but sets no fee cap: add max_fee = \"300 TWD\" to the rule, or set conditions.max_fee"
            )),
            RuleAction::Reject if self.reason.or(self.when.default_reason()).is_none() => {
                Some(format!(
                    "the rule when = \"{when}\" rejects but names no reason: add reason = \"other\" (or another reason code)"
                ))
            }
            _ if self
                .when
                .condition()
                .is_some_and(|c| !condition_set(c, conditions)) =>
            {
                Some(format!(
                    "the rule when = \"{when}\" can never apply: set the condition it tests in [conditions]"
                ))
            }
            _ => None,
        }
    }
}

fn condition_set(c: Condition, conditions: &Conditions) -> bool {
    match c {
        Condition::Service => !conditions.services.is_empty(),
        Condition::Area => !conditions.areas.is_empty(),
        Condition::Budget => conditions.min_budget.is_some(),
        Condition::Fee => conditions.max_fee.is_some(),
        Condition::Schedule => !conditions.unavailable.is_empty(),
    }
}

/// The first rule that applies, in the order written, decides; none applying leaves the lead.
pub fn rule_for(fit: &Fit, rules: &[Rule], conditions: &Conditions) -> (Ruling, Option<usize>) {
    for (i, rule) in rules.iter().enumerate() {
        if !rule.when.applies(fit) {
            continue;
        }
        let ruling = match rule.action {
            RuleAction::Leave => Ruling::Leave,
            RuleAction::Reject => match rule.reason.or(rule.when.default_reason()) {
                Some(reason) => Ruling::Reject(reason),
                None => Ruling::Leave,
            },
            RuleAction::Accept => match rule.max_fee.or(conditions.max_fee) {
                Some(cap) => Ruling::Accept(cap),
                None => Ruling::Leave,
            },
        };
        return (ruling, Some(i));
    }
    (Ruling::Leave, None)
}

// --- Score ------------------------------------------------------------------------------------

/// The triage score, 0 to 100: urgency (up to 50) + fit (up to 30) + value (up to 20). Higher
/// first. Integer arithmetic, so the order is the same on every machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Score {
    pub total: u32,
    /// 50 × the share of its shelf life the lead has used: 0 when new, 50 about to lapse.
    pub urgency: u32,
    /// 30 for a match, 15 partial, 0 a miss.
    pub fit: u32,
    /// The fee against the customer's budget: 20 at 2% or less, 0 at 10% or more, 10 unknown.
    pub value: u32,
    #[serde(skip)]
    left: TimeDelta,
    /// What the value was weighed on: the fee, its share of the budget in basis points, and the
    /// budget (None: no budget in the fee's currency). Put in words only by `explain`.
    #[serde(skip)]
    value_basis: Option<(Money, i64, Money)>,
}

pub fn score(lead: &Lead, fit: &Fit, now: DateTime<Utc>, shelf_life: TimeDelta) -> Score {
    score_for(lead, fit.level, now, shelf_life)
}

/// The score from the fit level alone (all it needs of the fit).
pub fn score_for(lead: &Lead, level: FitLevel, now: DateTime<Utc>, shelf_life: TimeDelta) -> Score {
    let left = expiry(lead, shelf_life) - now;
    let shelf = shelf_life.num_milliseconds().max(1);
    let used = (shelf - left.num_milliseconds()).clamp(0, shelf);
    let urgency = (50 * used / shelf) as u32;
    let fit_points = match level {
        FitLevel::Match => 30,
        FitLevel::Partial => 15,
        FitLevel::Miss => 0,
    };
    let (value, value_basis) = match lead.budget.as_ref() {
        Some(b) if b.currency == lead.fee.currency && b.max.is_some_and(|m| m > 0) => {
            let max = b.max.unwrap_or(1);
            // Basis points of the budget the fee costs.
            let bp = lead.fee.amount.saturating_mul(10_000) / max;
            let points = if bp <= 200 {
                20
            } else if bp >= 1_000 {
                0
            } else {
                (20 * (1_000 - bp) / 800) as u32
            };
            (points, Some((lead.fee, bp, Money::new(max, b.currency))))
        }
        _ => (10, None),
    };
    Score {
        total: urgency + fit_points + value,
        urgency,
        fit: fit_points,
        value,
        left,
        value_basis,
    }
}

impl Score {
    /// How the score was made, for `leads show`.
    pub fn explain(&self, fit: &Fit, shelf_life: TimeDelta) -> String {
        let fit_why = match fit.level {
            FitLevel::Match if fit.checks.is_empty() => "no conditions set".to_string(),
            FitLevel::Match => "meets every condition".to_string(),
            FitLevel::Partial => format!("misses {}", fit.short()),
            FitLevel::Miss => format!("misses {}", fit.short()),
        };
        format!(
            "{} of 100 = urgency {} of 50 ({} left of {}) + fit {} of 30 ({fit_why}) + value {} of 20 ({})",
            self.total,
            self.urgency,
            super::freshness::compact(self.left.max(TimeDelta::zero())),
            Span(shelf_life),
            self.fit,
            self.value,
            match self.value_basis {
                Some((fee, bp, budget)) => format!(
                    "fee {fee} is {}.{}% of the budget {budget}",
                    bp / 100,
                    bp % 100 / 10
                ),
                None => "no budget to weigh the fee against".to_string(),
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead::{Budget, Location};
    use crate::domain::money::parse_money;

    /// The lead module's sample, moved to Banqiao, created at midnight UTC, with a NT$150 fee
    /// and a Saturday-morning schedule.
    fn lead() -> Lead {
        let mut l = crate::domain::lead::tests::sample();
        l.created_at = "2026-11-23T00:00:00Z".parse().unwrap();
        l.fee.amount = 15_000;
        l.location = Some(Location {
            city: Some("新北市".into()),
            district: Some("板橋區".into()),
            postcode: Some("220".into()),
        });
        l.schedule = Some("Saturday morning".into());
        l
    }

    fn money(s: &str) -> Money {
        parse_money(s).unwrap()
    }

    fn standing(f: &Fit, c: Condition) -> (Standing, String) {
        let check = f.checks.iter().find(|x| x.condition == c).unwrap();
        (check.standing, check.why.clone())
    }

    #[test]
    fn no_conditions_means_everything_fits_and_no_rule_applies() {
        let f = fit(&lead(), &Conditions::default());
        assert_eq!(f.level, FitLevel::Match);
        assert!(f.checks.is_empty());
        let rules = [Rule {
            when: Trigger::Match,
            action: RuleAction::Reject,
            reason: Some(RejectReason::Other),
            max_fee: None,
        }];
        assert_eq!(
            rule_for(&f, &rules, &Conditions::default()),
            (Ruling::Leave, None)
        );
    }

    #[test]
    fn service_matches_category_or_service_name_in_any_case() {
        for offered in ["cleaning", "CLEANING", "deep home cleaning"] {
            let c = Conditions {
                services: vec![offered.into()],
                ..Conditions::default()
            };
            assert_eq!(fit(&lead(), &c).level, FitLevel::Match, "{offered}");
        }
        let c = Conditions {
            services: vec!["moving".into()],
            ..Conditions::default()
        };
        let f = fit(&lead(), &c);
        assert_eq!(f.level, FitLevel::Miss);
        assert_eq!(
            standing(&f, Condition::Service),
            (
                Standing::Misses,
                "not your service: cleaning (Deep home cleaning)".into()
            )
        );
    }

    #[test]
    fn areas_are_cities_districts_or_postcodes() {
        let area = |list: &[&str]| {
            let c = Conditions {
                areas: list.iter().map(|a| a.parse().unwrap()).collect(),
                ..Conditions::default()
            };
            fit(&lead(), &c)
        };
        assert_eq!(area(&["新北市"]).level, FitLevel::Match);
        assert_eq!(area(&["新北市 板橋區"]).level, FitLevel::Match);
        assert_eq!(area(&["220"]).level, FitLevel::Match);
        let f = area(&["台北市", "新北市 中和區", "106"]);
        assert_eq!(f.level, FitLevel::Miss);
        assert_eq!(
            standing(&f, Condition::Area),
            (Standing::Misses, "outside area: 新北市 板橋區 220".into())
        );
        let mut nowhere = lead();
        nowhere.location = None;
        let c = Conditions {
            areas: vec!["台北市".parse().unwrap()],
            ..Conditions::default()
        };
        assert_eq!(
            fit(&nowhere, &c).level,
            FitLevel::Match,
            "unknown is not held against it"
        );
        assert!("a b c".parse::<Area>().is_err());
    }

    #[test]
    fn budget_must_reach_the_minimum() {
        let c = |min: &str| Conditions {
            min_budget: Some(money(min)),
            ..Conditions::default()
        };
        assert_eq!(fit(&lead(), &c("3000 TWD")).level, FitLevel::Match);
        let f = fit(&lead(), &c("3000.01 TWD"));
        assert_eq!(f.level, FitLevel::Partial);
        assert_eq!(
            standing(&f, Condition::Budget),
            (
                Standing::Misses,
                "budget NT$3,000 under your minimum NT$3,000.01".into()
            )
        );
        let mut open = lead();
        open.budget = Some(Budget {
            min: Some(100_000),
            max: None,
            currency: money("1 TWD").currency,
        });
        assert_eq!(
            standing(&fit(&open, &c("2000 TWD")), Condition::Budget).0,
            Standing::Unknown
        );
        assert_eq!(
            standing(&fit(&open, &c("1000 TWD")), Condition::Budget).0,
            Standing::Meets
        );
        assert_eq!(
            standing(&fit(&lead(), &c("10 USD")), Condition::Budget).0,
            Standing::Unknown
        );
        open.budget = None;
        assert_eq!(
            standing(&fit(&open, &c("1 TWD")), Condition::Budget).0,
            Standing::Unknown
        );
    }

    #[test]
    fn fee_over_the_cap_is_a_partial_miss() {
        let c = |cap: &str| Conditions {
            max_fee: Some(money(cap)),
            ..Conditions::default()
        };
        assert_eq!(fit(&lead(), &c("150 TWD")).level, FitLevel::Match);
        let f = fit(&lead(), &c("149 TWD"));
        assert_eq!(f.level, FitLevel::Partial);
        assert_eq!(
            standing(&f, Condition::Fee),
            (Standing::Misses, "fee NT$150 over your cap NT$149".into())
        );
    }

    #[test]
    fn schedules_clash_by_day_or_time_in_english_or_chinese() {
        let c = |slots: &[&str]| Conditions {
            unavailable: slots.iter().map(|s| s.parse().unwrap()).collect(),
            ..Conditions::default()
        };
        assert_eq!(
            fit(&lead(), &c(&["sunday", "evening"])).level,
            FitLevel::Match
        );
        for clash in [&["saturday"][..], &["weekend"], &["morning"]] {
            assert_eq!(
                fit(&lead(), &c(clash)).level,
                FitLevel::Partial,
                "{clash:?}"
            );
        }
        let mut zh = lead();
        zh.schedule = Some("週六下午".into());
        let f = fit(&zh, &c(&["afternoon"]));
        assert_eq!(
            standing(&f, Condition::Schedule),
            (
                Standing::Misses,
                "schedule \"週六下午\": you are not available in the afternoon".into()
            )
        );
        zh.schedule = None;
        assert_eq!(fit(&zh, &c(&["monday"])).level, FitLevel::Match);
        assert!("someday".parse::<Slot>().unwrap_err().contains("monday"));
    }

    #[test]
    fn the_first_applicable_rule_decides() {
        let conditions = Conditions {
            services: vec!["moving".into()],
            areas: vec!["台北市".parse().unwrap()],
            max_fee: Some(money("300 TWD")),
            ..Conditions::default()
        };
        let f = fit(&lead(), &conditions); // misses service and area
        let rule = |when, action, reason| Rule {
            when,
            action,
            reason,
            max_fee: None,
        };
        let rules = [
            rule(Trigger::FeeOverCap, RuleAction::Leave, None),
            rule(Trigger::OutsideArea, RuleAction::Reject, None),
            rule(Trigger::WrongService, RuleAction::Reject, None),
        ];
        assert_eq!(
            rule_for(&f, &rules, &conditions),
            (Ruling::Reject(RejectReason::OutsideArea), Some(1))
        );
        let accept = [rule(Trigger::Match, RuleAction::Accept, None)];
        let fits = Conditions {
            max_fee: Some(money("300 TWD")),
            ..Conditions::default()
        };
        assert_eq!(
            rule_for(&fit(&lead(), &fits), &accept, &fits),
            (Ruling::Accept(money("300 TWD")), Some(0))
        );
    }

    #[test]
    fn rules_that_cannot_be_used_say_why() {
        let none = Conditions::default();
        let accept = Rule {
            when: Trigger::Match,
            action: RuleAction::Accept,
            reason: None,
            max_fee: None,
        };
        assert!(accept.problem(&none).unwrap().contains("fee cap"));
        let capped = Rule {
            max_fee: Some(money("200 TWD")),
            ..accept.clone()
        };
        assert_eq!(capped.problem(&none), None);
        let fee = Rule {
            when: Trigger::FeeOverCap,
            action: RuleAction::Reject,
            reason: None,
            max_fee: None,
        };
        assert!(fee.problem(&none).unwrap().contains("names no reason"));
        let area = Rule {
            when: Trigger::OutsideArea,
            action: RuleAction::Reject,
            reason: None,
            max_fee: None,
        };
        assert!(area.problem(&none).unwrap().contains("never apply"));
    }

    #[test]
    fn score_weighs_time_left_fit_and_fee_against_budget() {
        let l = lead(); // created 2026-11-23T00:00Z, shelf 48h
        let f = fit(&l, &Conditions::default());
        let shelf = TimeDelta::hours(48);
        let at = |h| "2026-11-23T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::hours(h);
        let s = score(&l, &f, at(24), shelf);
        // Half the shelf life used: 25; a match: 30; NT$150 of NT$3,000 is 5%: 20·(1000−500)/800.
        assert_eq!((s.urgency, s.fit, s.value, s.total), (25, 30, 12, 67));
        assert_eq!(
            s.explain(&f, shelf),
            "67 of 100 = urgency 25 of 50 (1d 00h left of 48h) + fit 30 of 30 (no conditions set) + value 12 of 20 (fee NT$150 is 5.0% of the budget NT$3,000)"
        );
        assert_eq!(score(&l, &f, at(0), shelf).urgency, 0);
        assert_eq!(score(&l, &f, at(47), shelf).urgency, 48);
        let mut cheap = l.clone();
        cheap.fee.amount = 1_000;
        assert_eq!(score(&cheap, &f, at(0), shelf).value, 20);
        let mut no_budget = l.clone();
        no_budget.budget = None;
        assert_eq!(score(&no_budget, &f, at(0), shelf).value, 10);
    }
}
