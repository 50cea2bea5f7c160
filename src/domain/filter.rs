//! Which leads a command works on. One filter, shared by every command that selects leads, so
//! `leads list --category moving` shows exactly what `leads reject --category moving` would decide.

use chrono::{DateTime, TimeDelta, Utc};

use super::fit::{Conditions, FitLevel, fit_level, score_for};
use super::freshness::{effective_status, expiry};
use super::lead::{Kind, Lead, Status};
use super::money::Amount;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Still answerable: pending and not past expiry.
    #[default]
    Pending,
    Accepted,
    Rejected,
    /// Expired on the platform, or lapsed here while pending.
    Expired,
    All,
}

impl StatusFilter {
    /// The stored statuses that can match, so a store can narrow its scan. A pending lead past its
    /// expiry is stored as pending but matches `Expired`.
    pub fn stored(self) -> &'static [Status] {
        match self {
            StatusFilter::Pending => &[Status::Pending],
            StatusFilter::Accepted => &[Status::Accepted],
            StatusFilter::Rejected => &[Status::Rejected],
            StatusFilter::Expired => &[Status::Expired, Status::Pending],
            StatusFilter::All => &[
                Status::Pending,
                Status::Accepted,
                Status::Rejected,
                Status::Expired,
            ],
        }
    }

    fn admits(self, status: Status) -> bool {
        match self {
            StatusFilter::Pending => status == Status::Pending,
            StatusFilter::Accepted => status == Status::Accepted,
            StatusFilter::Rejected => status == Status::Rejected,
            StatusFilter::Expired => status == Status::Expired,
            StatusFilter::All => true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KindFilter {
    #[default]
    NewLead,
    Promotion,
    All,
}

impl KindFilter {
    pub fn admits(self, kind: Kind) -> bool {
        match self {
            KindFilter::NewLead => kind == Kind::NewLead,
            KindFilter::Promotion => kind == Kind::Promotion,
            KindFilter::All => true,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct LeadFilter {
    /// Any of these category slugs (empty: any category).
    pub categories: Vec<String>,
    /// Any of these places: matched against city and district (case-insensitive, part of the name
    /// is enough, so `台北` finds `台北市`) and as a postcode prefix.
    pub cities: Vec<String>,
    /// Created at least this long ago.
    pub older_than: Option<TimeDelta>,
    /// Answerable, and lapsing within this long.
    pub expiring_within: Option<TimeDelta>,
    /// Fee strictly above this amount, in the fee's own currency.
    pub fee_above: Option<Amount>,
    /// Fee strictly below this amount, in the fee's own currency.
    pub fee_below: Option<Amount>,
    pub status: StatusFilter,
    pub kind: KindFilter,
    /// Any of these fits against `conditions` (empty: any fit).
    pub fit: Vec<FitLevel>,
    /// The working conditions fit and score are judged by.
    pub conditions: Conditions,
    pub order: Order,
    pub limit: Option<usize>,
}

/// How answerable leads are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Order {
    /// Least time left first.
    #[default]
    TimeLeft,
    /// Highest triage score first (`fit::score`), then least time left.
    Score,
}

/// Where a lead goes in a list's order, ties aside: pending leads by score (with `--sort score`),
/// then least time left; the others newest first. Leads of equal keys go by id
/// ([`sort_keys`]). Integers only, compared one instruction each: a list of 10,000 compares
/// keys 130,000 times, and keys of dates compared field by field were a tenth of its work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrderKey {
    /// A pending lead's score, highest first (as `u32::MAX - score`); zero for the others.
    score: u32,
    /// A pending lead's expiry, earliest first; the others' arrival, latest first: to the
    /// millisecond (what the store keeps), as an unsigned number in the same order.
    time: u64,
    /// The id's first 8 bytes, big-endian, zeros after a shorter id. Whichever of two ids these
    /// put first comes first in full too, so only ids that begin alike are looked up to break a
    /// tie: leads made the same minute tie on time (10,000 demo leads hold 4,269 expiries), and
    /// each tie looked up both ids.
    id_start: u64,
}

/// The first 8 bytes of `id` as a number in the ids' order, zeros after an id that is shorter.
fn id_start(id: &str) -> u64 {
    let mut start = [0; 8];
    let n = id.len().min(8);
    start[..n].copy_from_slice(&id.as_bytes()[..n]);
    u64::from_be_bytes(start)
}

/// `t` in milliseconds, as an unsigned number in the same order.
fn ordered_millis(t: DateTime<Utc>) -> u64 {
    (t.timestamp_millis() as u64) ^ (1 << 63)
}

/// Sorts (key, position) pairs into a list's order, equal keys by the id `id_of` gives for a
/// position, so the order is total and stable. A stable sort takes runs that are in order
/// already as they are: keys sorted a batch at a time as the leads are read (`leads list`) are
/// merged, not sorted again.
pub fn sort_keys<'a>(keys: &mut [(OrderKey, usize)], id_of: impl Fn(usize) -> &'a str) {
    keys.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| id_of(a.1).cmp(id_of(b.1))));
}

impl LeadFilter {
    pub fn matches(&self, lead: &Lead, now: DateTime<Utc>, shelf_life: TimeDelta) -> bool {
        let status = effective_status(lead, now, shelf_life);
        if !self.status.admits(status) || !self.kind.admits(lead.kind) {
            return false;
        }
        if !self.categories.is_empty()
            && !self
                .categories
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&lead.category))
        {
            return false;
        }
        if !self.cities.is_empty() && !self.cities.iter().any(|c| in_place(lead, c)) {
            return false;
        }
        if let Some(min_age) = self.older_than
            && now - lead.created_at < min_age
        {
            return false;
        }
        if let Some(window) = self.expiring_within {
            let left = expiry(lead, shelf_life) - now;
            if status != Status::Pending || left > window {
                return false;
            }
        }
        if self
            .fee_above
            .is_some_and(|a| a.cmp_money(&lead.fee).is_ge())
        {
            return false;
        }
        if self
            .fee_below
            .is_some_and(|a| a.cmp_money(&lead.fee).is_le())
        {
            return false;
        }
        if !self.fit.is_empty() && !self.fit.contains(&fit_level(lead, &self.conditions)) {
            return false;
        }
        true
    }

    /// Puts leads that [`matches`](LeadFilter::matches) kept in triage order, up to the limit:
    /// answerable leads most urgent first (least time left) or by score, otherwise newest first;
    /// ties by id, so the order is stable.
    pub fn order(&self, leads: Vec<Lead>, now: DateTime<Utc>, shelf_life: TimeDelta) -> Vec<Lead> {
        let order = self.arrange(&leads, now, shelf_life);
        // Each lead to its place, in place: a swap puts at least one of the two where it
        // belongs, so there are fewer swaps than leads, and no second buffer of them.
        let mut leads = leads;
        let mut place = vec![usize::MAX; leads.len()];
        for (at, &from) in order.iter().enumerate() {
            place[from] = at;
        }
        // Leads past the limit have no place; they go to the end, to be cut off.
        let unplaced = place.iter_mut().filter(|p| **p == usize::MAX);
        for (end, p) in (order.len()..).zip(unplaced) {
            *p = end;
        }
        for i in 0..leads.len() {
            while place[i] != i {
                let j = place[i];
                leads.swap(i, j);
                place.swap(i, j);
            }
        }
        leads.truncate(order.len());
        leads
    }

    /// [`order`](LeadFilter::order) as positions in `leads`, for a caller that can read the
    /// leads where they are (in one slice or in the batches they were read in): moving 10,000
    /// of them into order (hundreds of bytes each) was a tenth of `leads list`.
    pub fn arrange<'a>(
        &self,
        leads: impl IntoIterator<Item = &'a Lead>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Vec<usize> {
        let leads: Vec<&Lead> = leads.into_iter().collect();
        // The keys are sorted, each with its lead's place: sorting the leads themselves moved
        // each a dozen times over 10,000.
        let mut keys: Vec<_> = leads
            .iter()
            .enumerate()
            .map(|(i, l)| (self.order_key(l, now, shelf_life), i))
            .collect();
        sort_keys(&mut keys, |i| &leads[i].id);
        self.up_to_limit(&keys)
    }

    /// Where `lead` goes in [`order`](LeadFilter::order), but for ties, which go by id.
    pub fn order_key(&self, lead: &Lead, now: DateTime<Utc>, shelf_life: TimeDelta) -> OrderKey {
        if self.status == StatusFilter::Pending {
            let score = match self.order {
                Order::Score => {
                    score_for(lead, fit_level(lead, &self.conditions), now, shelf_life).total
                }
                Order::TimeLeft => 0,
            };
            OrderKey {
                score: u32::MAX - score,
                time: ordered_millis(expiry(lead, shelf_life)),
                id_start: id_start(&lead.id),
            }
        } else {
            OrderKey {
                score: 0,
                time: !ordered_millis(lead.created_at),
                id_start: id_start(&lead.id),
            }
        }
    }

    /// The positions of keys put in order by [`sort_keys`], as many as the limit keeps.
    pub fn up_to_limit(&self, keys: &[(OrderKey, usize)]) -> Vec<usize> {
        let limit = self.limit.unwrap_or(usize::MAX);
        keys.iter().take(limit).map(|&(_, i)| i).collect()
    }

    /// True when nothing but status and kind narrows the selection. A bulk decision on such a
    /// filter would touch every pending lead, so it asks for `--all`.
    pub fn is_unrestricted(&self) -> bool {
        self.categories.is_empty()
            && self.cities.is_empty()
            && self.older_than.is_none()
            && self.expiring_within.is_none()
            && self.fee_above.is_none()
            && self.fee_below.is_none()
            && self.fit.is_empty()
            && self.limit.is_none()
    }
}

fn in_place(lead: &Lead, needle: &str) -> bool {
    let Some(loc) = &lead.location else {
        return false;
    };
    let needle = needle.trim().to_lowercase();
    let named = [&loc.city, &loc.district]
        .into_iter()
        .flatten()
        .any(|name| name.to_lowercase().contains(&needle));
    named
        || loc
            .postcode
            .as_deref()
            .is_some_and(|p| p.starts_with(&needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead::tests::sample;

    fn now() -> DateTime<Utc> {
        "2026-11-23T12:00:00Z".parse().unwrap()
    }
    const SHELF: TimeDelta = TimeDelta::hours(48);

    #[test]
    fn default_filter_is_pending_new_leads() {
        let lead = sample();
        assert!(LeadFilter::default().matches(&lead, now(), SHELF));
        let mut promo = sample();
        promo.kind = Kind::Promotion;
        assert!(!LeadFilter::default().matches(&promo, now(), SHELF));
        let lapsed_at = lead.created_at + SHELF;
        assert!(!LeadFilter::default().matches(&lead, lapsed_at, SHELF));
        let expired = LeadFilter {
            status: StatusFilter::Expired,
            ..Default::default()
        };
        assert!(expired.matches(&lead, lapsed_at, SHELF));
    }

    #[test]
    fn place_matches_part_of_city_or_district_and_postcode_prefix() {
        let lead = sample();
        let by = |c: &str| LeadFilter {
            cities: vec![c.into()],
            ..Default::default()
        };
        assert!(by("台北").matches(&lead, now(), SHELF));
        assert!(by("大安區").matches(&lead, now(), SHELF));
        assert!(by("10").matches(&lead, now(), SHELF));
        assert!(!by("新北市").matches(&lead, now(), SHELF));
    }

    #[test]
    fn fee_bounds_are_strict_and_exact() {
        let lead = sample(); // NT$180
        let f = |above: Option<&str>, below: Option<&str>| LeadFilter {
            fee_above: above.map(|a| a.parse().unwrap()),
            fee_below: below.map(|a| a.parse().unwrap()),
            ..Default::default()
        };
        assert!(f(Some("179.99"), None).matches(&lead, now(), SHELF));
        assert!(!f(Some("180"), None).matches(&lead, now(), SHELF));
        assert!(f(None, Some("180.01")).matches(&lead, now(), SHELF));
        assert!(!f(None, Some("180")).matches(&lead, now(), SHELF));
    }

    #[test]
    fn triage_order_is_least_time_left_then_newest() {
        let mut with_expiry = sample();
        with_expiry.id = "platform".into();
        with_expiry.expires_at = Some(with_expiry.created_at + TimeDelta::hours(10));
        let mut older = sample();
        older.id = "older".into();
        older.created_at -= TimeDelta::hours(1);
        let leads = vec![sample(), with_expiry, older];
        let ids = |f: &LeadFilter| -> Vec<String> {
            f.order(leads.clone(), now(), SHELF)
                .into_iter()
                .map(|l| l.id)
                .collect()
        };
        assert_eq!(ids(&LeadFilter::default()), ["platform", "older", "ld_1"]);
        let all = LeadFilter {
            status: StatusFilter::All,
            limit: Some(2),
            ..Default::default()
        };
        assert_eq!(ids(&all), ["ld_1", "platform"]);
    }

    /// The order puts leads in place by a permutation: it must equal a plain stable sort, to
    /// the limit, for any arrival order.
    #[test]
    fn the_order_is_a_plain_sort_cut_at_the_limit() {
        let leads: Vec<Lead> = (0..300_i64)
            .map(|i| {
                // A scramble of 0..300, so the leads arrive in no particular order.
                let n = (i * 7_919) % 300;
                let mut l = sample();
                // Ids the first eight bytes tell apart and ids they do not: longer ones that
                // begin alike, short ones, CJK, and an id that is another's and a NUL byte,
                // whose lead is the same as the other's but for the id.
                let (id, like) = match n % 5 {
                    0 => (format!("ld_{n:03}"), n),
                    1 => (format!("lead-abc-{n:03}"), n),
                    2 => (format!("{n}"), n),
                    3 => (format!("ld_{:03}\0", n - 3), n - 3),
                    _ => (format!("台北{n}"), n),
                };
                l.id = id;
                // Few distinct times: most leads share theirs with others, ordered by id.
                l.created_at = now() - TimeDelta::minutes(like % 17);
                if like % 3 == 0 {
                    l.expires_at = Some(l.created_at + TimeDelta::hours(like % 5));
                }
                if like % 4 == 0 {
                    l.fee.amount = 0;
                }
                l
            })
            .collect();
        for order in [Order::TimeLeft, Order::Score] {
            for limit in [None, Some(0), Some(1), Some(37), Some(299), Some(400)] {
                for status in [StatusFilter::Pending, StatusFilter::All] {
                    let f = LeadFilter {
                        status,
                        order,
                        limit,
                        ..Default::default()
                    };
                    let mut expected = leads.clone();
                    if status == StatusFilter::Pending {
                        expected.sort_by_key(|l| {
                            let score = score_for(l, fit_level(l, &f.conditions), now(), SHELF);
                            let first = if order == Order::Score {
                                score.total
                            } else {
                                0
                            };
                            (std::cmp::Reverse(first), expiry(l, SHELF), l.id.clone())
                        });
                    } else {
                        expected
                            .sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
                    }
                    expected.truncate(limit.unwrap_or(usize::MAX));
                    let ids = |v: Vec<Lead>| v.into_iter().map(|l| l.id).collect::<Vec<_>>();
                    let arranged: Vec<String> = f
                        .arrange(&leads, now(), SHELF)
                        .into_iter()
                        .map(|i| leads[i].id.clone())
                        .collect();
                    let expected = ids(expected);
                    assert_eq!(arranged, expected, "arrange {order:?} {limit:?} {status:?}");
                    // As `leads list` sorts: a batch at a time as read, then merged.
                    let mut keys = Vec::new();
                    for (n, batch) in leads.chunks(37).enumerate() {
                        let first = n * 37;
                        keys.extend(
                            batch
                                .iter()
                                .enumerate()
                                .map(|(i, l)| (f.order_key(l, now(), SHELF), first + i)),
                        );
                        sort_keys(&mut keys[first..], |i| &batch[i - first].id);
                    }
                    sort_keys(&mut keys, |i| &leads[i].id);
                    let merged: Vec<String> = f
                        .up_to_limit(&keys)
                        .into_iter()
                        .map(|i| leads[i].id.clone())
                        .collect();
                    assert_eq!(merged, expected, "merged {order:?} {limit:?} {status:?}");
                    assert_eq!(
                        ids(f.order(leads.clone(), now(), SHELF)),
                        expected,
                        "{order:?} {limit:?} {status:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn age_and_expiry_windows() {
        let lead = sample(); // created 08:00, now 12:00, lapses 08:00 + 48h
        let older = |h| LeadFilter {
            older_than: Some(TimeDelta::hours(h)),
            ..Default::default()
        };
        assert!(older(4).matches(&lead, now(), SHELF));
        assert!(!older(5).matches(&lead, now(), SHELF));
        let within = |h| LeadFilter {
            expiring_within: Some(TimeDelta::hours(h)),
            ..Default::default()
        };
        assert!(within(44).matches(&lead, now(), SHELF));
        assert!(!within(43).matches(&lead, now(), SHELF));
    }
}
