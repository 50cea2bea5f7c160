//! Speed to lead: the median time from a New Lead's arrival to its answer, over the rate window.
//!
//! Read from counts kept on write (migrations/0004_response_counts.sql): how many answers took each
//! whole hour, and each minute, by the hour and by the day their leads arrived. A window is cut
//! into whole days, the whole hours at its two edges (or, for an edge of more than twelve of them,
//! its whole day less the hours outside the window) and the two partial hours at the very edges;
//! only those last are read answer by answer (a start early in its hour takes that hour whole and
//! the answers before the start off again, so at most half an hour is read there). The median is
//! then found in two steps: which hour of response holds the middle answer, then which minute of
//! that hour. So a 30-day window reads at most ~55 cells of up to 72 hours and 60 minutes each,
//! however long the history and however busy the window (it was a walk over every answer to the
//! middle one).
//!
//! Response times are counted in whole minutes, rounded down, under three days; past that in
//! whole days, a year at most. The median is exact to that: the same as sorting every answer's
//! counted time and taking the middle one (the mean of the two middle ones for an even count).

use std::collections::BTreeMap;

use chrono::TimeDelta;
use rusqlite::Connection;

use super::{StoreError, WholeHours};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// A response time (milliseconds) as the median counts it, in minutes: the rule of the
/// `decisions.response_minutes` column, for the answers read one by one at a window's edges.
fn counted_minutes(response: i64) -> i64 {
    if response < 0 {
        0
    } else if response < 3 * DAY {
        response / MINUTE
    } else {
        (response / DAY).min(365) * 24 * 60
    }
}

/// How a window of arrival times is read: ranges of whole cells of the kept counts, and ranges
/// of arrival times read answer by answer, each to add or to take off.
#[derive(Debug, Default, PartialEq, Eq)]
struct Cut {
    /// (cell_hours, first cell, last cell, +1 to add its counts or -1 to take them off).
    cells: Vec<(i64, i64, i64, i64)>,
    /// ([from, to] in milliseconds, +1 to add its answers or -1 to take them off a cell).
    exact: Vec<((i64, i64), i64)>,
}

/// Cuts the window (since, now] (milliseconds).
fn cut(since: i64, now: i64) -> Cut {
    let mut cut = Cut::default();
    if now <= since {
        return cut;
    }
    // The whole hours inside the window, as the tally counts them; the answers at the edges
    // one by one.
    let Some(hours) = WholeHours::of(since, now) else {
        cut.exact.push(((since + 1, now), 1));
        return cut;
    };
    let (first_hour, last_hour) = (hours.first, hours.last);
    cut.exact.push(hours.start_edge(since));
    cut.exact.push((((last_hour + 1) * HOUR, now), 1));
    // The whole days among those hours; the hours left over on either side, each side as its
    // hours or, when it has more than half a day of them, as its whole day with the hours outside
    // the window taken off: a day's cell holds what its hours' cells hold, and reading at most
    // twelve hours a side, not up to 23, is a quarter fewer rows for a 30-day window.
    let first_day = (first_hour + 23) / 24;
    let last_day = (last_hour + 1) / 24 - 1;
    if first_day <= last_day {
        let mut edge = |day: i64, first: i64, last: i64| {
            if last - first + 1 > 12 {
                cut.cells.push((24, day, day, 1));
                cut.cells.push((1, day * 24, first - 1, -1));
                cut.cells.push((1, last + 1, day * 24 + 23, -1));
            } else {
                cut.cells.push((1, first, last, 1));
            }
        };
        edge(first_day - 1, first_hour, first_day * 24 - 1);
        edge(last_day + 1, (last_day + 1) * 24, last_hour);
        cut.cells.push((24, first_day, last_day, 1));
    } else {
        cut.cells.push((1, first_hour, last_hour, 1));
    }
    cut.cells.retain(|(_, first, last, _)| first <= last);
    cut.exact.retain(|((from, to), _)| from <= to);
    cut
}

/// The median response time of the New Leads that arrived in (since, now], in milliseconds, or
/// None when none of them was answered.
pub(super) fn median(
    conn: &Connection,
    since: i64,
    now: i64,
) -> Result<Option<TimeDelta>, StoreError> {
    let cut = cut(since, now);
    let mut edges = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT decided_at - arrived_at FROM decisions INDEXED BY decisions_by_arrival
         WHERE counts_in_rate = 1 AND arrived_at BETWEEN ?1 AND ?2",
    )?;
    for ((from, to), sign) in &cut.exact {
        let mut rows = stmt.query([from, to])?;
        while let Some(r) = rows.next()? {
            edges.push((counted_minutes(r.get(0)?), *sign));
        }
    }
    // Step one: how many answers took each whole hour.
    let mut by_hour: BTreeMap<i64, i64> = BTreeMap::new();
    for (minutes, sign) in &edges {
        *by_hour.entry(minutes / 60).or_default() += sign;
    }
    add_counts(
        conn,
        "SELECT hour, n FROM response_hour_counts
         WHERE cell_hours = ?1 AND cell BETWEEN ?2 AND ?3",
        &cut,
        None,
        &mut by_hour,
    )?;
    let total: i64 = by_hour.values().sum();
    match total {
        ..0 => return Err(disagree()),
        0 => return Ok(None),
        _ => {}
    }
    // The middle answer, or the two middle ones of an even count, by rank from 0.
    let ranks = if total % 2 == 1 {
        vec![total / 2]
    } else {
        vec![total / 2 - 1, total / 2]
    };
    // Step two: the minutes of the hour that holds each.
    let mut sum = 0;
    let mut minutes_of: Option<(i64, BTreeMap<i64, i64>)> = None;
    for &rank in &ranks {
        let (hour, within) = nth(&by_hour, rank)?;
        if minutes_of.as_ref().is_none_or(|(h, _)| *h != hour) {
            let mut by_minute = BTreeMap::new();
            for &(minutes, sign) in edges.iter().filter(|(m, _)| *m / 60 == hour) {
                *by_minute.entry(minutes).or_default() += sign;
            }
            add_counts(
                conn,
                "SELECT minutes, n FROM response_minute_counts
                 WHERE cell_hours = ?1 AND hour = ?4 AND cell BETWEEN ?2 AND ?3",
                &cut,
                Some(hour),
                &mut by_minute,
            )?;
            minutes_of = Some((hour, by_minute));
        }
        let (_, by_minute) = minutes_of.as_ref().expect("filled just above");
        sum += nth(by_minute, within)?.0;
    }
    Ok(Some(TimeDelta::milliseconds(
        sum * MINUTE / ranks.len() as i64,
    )))
}

/// Builds the response counts again from the decisions, for an import that dropped the triggers
/// that keep them: one walk over the decisions in arrival order, counting each arrival hour and
/// day as it passes, so nothing is sorted and only one day's counts are held.
pub(super) fn recount(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch("DELETE FROM response_hour_counts; DELETE FROM response_minute_counts;")?;
    let mut hours = conn.prepare(
        "INSERT INTO response_hour_counts (cell_hours, cell, hour, n) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut minutes = conn.prepare(
        "INSERT INTO response_minute_counts (cell_hours, hour, cell, minutes, n)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    // (cell_hours, the cell being counted, its answers by counted minutes).
    let mut cells: [(i64, Option<i64>, BTreeMap<i64, i64>); 2] =
        [(1, None, BTreeMap::new()), (24, None, BTreeMap::new())];
    let mut flush = |(cell_hours, cell, by_minute): &mut (i64, Option<i64>, BTreeMap<i64, i64>)| {
        let Some(cell) = *cell else { return Ok(()) };
        let mut by_hour: BTreeMap<i64, i64> = BTreeMap::new();
        for (&m, &n) in by_minute.iter() {
            minutes.execute([*cell_hours, m / 60, cell, m, n])?;
            *by_hour.entry(m / 60).or_default() += n;
        }
        for (hour, n) in by_hour {
            hours.execute([*cell_hours, cell, hour, n])?;
        }
        by_minute.clear();
        Ok::<_, rusqlite::Error>(())
    };
    let mut walk = conn.prepare(
        "SELECT arrived_at, decided_at FROM decisions INDEXED BY decisions_by_arrival
         WHERE counts_in_rate = 1 ORDER BY arrived_at",
    )?;
    let mut rows = walk.query([])?;
    while let Some(r) = rows.next()? {
        let (arrived, decided): (i64, i64) = (r.get(0)?, r.get(1)?);
        let m = counted_minutes(decided - arrived);
        for c in &mut cells {
            let cell = arrived / (c.0 * HOUR);
            if c.1 != Some(cell) {
                flush(c)?;
                c.1 = Some(cell);
            }
            *c.2.entry(m).or_default() += 1;
        }
    }
    for c in &mut cells {
        flush(c)?;
    }
    Ok(())
}

/// Adds the kept counts of every cell range in `cut` to `counts` (or takes them off, as the range
/// says), by the first column `sql` selects; `hour` (?4), when given, narrows them to the answers
/// that took that hour.
fn add_counts(
    conn: &Connection,
    sql: &str,
    cut: &Cut,
    hour: Option<i64>,
    counts: &mut BTreeMap<i64, i64>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    for (cell_hours, first, last, sign) in &cut.cells {
        let mut rows = match hour {
            None => stmt.query([cell_hours, first, last])?,
            Some(hour) => stmt.query([cell_hours, first, last, &hour])?,
        };
        while let Some(r) = rows.next()? {
            let n: i64 = r.get(1)?;
            if n < 0 {
                return Err(disagree());
            }
            *counts.entry(r.get(0)?).or_default() += sign * n;
        }
    }
    Ok(())
}

/// The key of the `rank`-th item (from 0) in key order, and the item's rank within that key.
/// A count below zero (more answers taken off a cell than it holds) is a store out of step.
fn nth(counts: &BTreeMap<i64, i64>, mut rank: i64) -> Result<(i64, i64), StoreError> {
    for (&key, &n) in counts {
        if n < 0 {
            return Err(disagree());
        }
        if rank < n {
            return Ok((key, rank));
        }
        rank -= n;
    }
    Err(disagree())
}

/// Only a store edited by hand gets here: the triggers change both counts together.
fn disagree() -> StoreError {
    StoreError::Corrupt("the kept counts of response times disagree with each other".into())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use chrono::{DateTime, TimeDelta, Utc};
    use rusqlite::trace::{TraceEvent, TraceEventCodes};
    use rusqlite::{Connection, StatementStatus};

    use super::super::{FILE_NAME, MIGRATIONS, Store, upsert};
    use crate::domain::conversation::{Channel, Ending, JobOutcome, Message, Sender};
    use crate::domain::lead::tests::sample;
    use crate::domain::lead::{Action, Decision, Kind, Lead, RejectReason, Status};
    use crate::store::{DecisionRequest, LeadSource};

    const MINUTE: i64 = 60_000;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    const SHELF: TimeDelta = TimeDelta::hours(48);

    /// splitmix64, as in the demo generator: seeded, so a failure names the history behind it.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: i64) -> i64 {
            (self.next() % n.max(1) as u64) as i64
        }

        fn chance(&mut self, percent: i64) -> bool {
            self.below(100) < percent
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn ms(t: i64) -> TimeDelta {
        TimeDelta::milliseconds(t)
    }

    /// The README's rule, written out here on its own rather than shared with the store: whole
    /// minutes rounded down under three days, whole days past that and a year at most, and 0 for
    /// an answer recorded before its lead arrived.
    fn as_counted(response: i64) -> i64 {
        let minutes = response.max(0) / MINUTE;
        if minutes < 3 * 24 * 60 {
            minutes
        } else {
            (minutes / (24 * 60)).min(365) * 24 * 60
        }
    }

    /// The median straight from the leads (not from what the decisions copy of them): every New
    /// Lead with a decision that arrived in (since, now].
    fn exact(store: &Store, since: DateTime<Utc>, now: DateTime<Utc>) -> Option<TimeDelta> {
        let mut stmt = store
            .conn
            .prepare(
                "SELECT d.decided_at - l.created_at FROM leads l JOIN decisions d ON d.lead_id = l.id
                 WHERE l.kind = 'new_lead' AND l.created_at > ?1 AND l.created_at <= ?2",
            )
            .unwrap();
        let mut minutes: Vec<i64> = stmt
            .query_map([since.timestamp_millis(), now.timestamp_millis()], |r| {
                r.get(0)
            })
            .unwrap()
            .map(|r| as_counted(r.unwrap()))
            .collect();
        minutes.sort_unstable();
        let n = minutes.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(ms(minutes[n / 2] * MINUTE)),
            _ => Some(ms((minutes[n / 2 - 1] + minutes[n / 2]) * MINUTE / 2)),
        }
    }

    /// What `leads status` asks: the tally's count of answers, then the median.
    fn kept(store: &Store, since: DateTime<Utc>, now: DateTime<Utc>) -> Option<TimeDelta> {
        let responded = store.tally(since, now, SHELF).unwrap().responded();
        store.median_response(since, now, responded).unwrap()
    }

    /// Mostly within a day, as people answer; some on the edges of the minutes, hours and days
    /// counted, some past three days, and a few before the lead arrived or years after it, as
    /// only imported data can say.
    fn response(rng: &mut Rng) -> i64 {
        const EDGES: [i64; 10] = [
            0,
            MINUTE - 1,
            MINUTE,
            HOUR - 1,
            HOUR,
            3 * DAY - 1,
            3 * DAY,
            365 * DAY - 1,
            365 * DAY,
            366 * DAY,
        ];
        match rng.below(20) {
            0 => -rng.below(2 * HOUR),
            1 => EDGES[rng.below(EDGES.len() as i64) as usize],
            2 | 3 => 3 * DAY + rng.below(10 * DAY),
            4 => 400 * DAY + rng.below(700 * DAY),
            _ => rng.below(30 * HOUR),
        }
    }

    fn answered(lead: &mut Lead, after: i64, accept: bool) {
        let action = if accept {
            Action::Accept
        } else {
            Action::Reject
        };
        lead.status = if accept {
            Status::Accepted
        } else {
            Status::Rejected
        };
        lead.decision = Some(Decision {
            action,
            decided_at: lead.created_at + ms(after),
            reason: (!accept).then_some(RejectReason::TooBusy),
            note: None,
        });
    }

    /// A lead of any kind and status, arrived in the 40 days before `now` (a third of them in
    /// the last two, so some can still be answered here).
    fn random_lead(rng: &mut Rng, id: String, now: DateTime<Utc>) -> Lead {
        let mut lead = sample();
        lead.id = id;
        let back = if rng.chance(33) { 47 * HOUR } else { 40 * DAY };
        lead.created_at = now - ms(rng.below(back));
        if rng.chance(15) {
            lead.kind = Kind::Promotion;
        }
        match rng.below(100) {
            0..45 => {
                let after = response(rng);
                answered(&mut lead, after, rng.chance(40));
            }
            45..60 => lead.status = Status::Expired,
            _ => {}
        }
        // Some accepted leads arrive with a conversation, some of them settled.
        if lead.status == Status::Accepted && rng.chance(50) {
            for k in 0..rng.below(4) {
                lead.messages.push(Message {
                    id: format!("m{k}"),
                    at: lead.created_at + ms(rng.below(2 * DAY)),
                    from: if rng.chance(50) {
                        Sender::Pro
                    } else {
                        Sender::Customer
                    },
                    channel: Channel::Platform,
                    text: Some("Saturday?".into()),
                });
            }
            if rng.chance(30) {
                lead.outcome = Some(JobOutcome {
                    result: Ending::Lost,
                    at: now,
                    value: None,
                    reason: None,
                });
            }
        }
        lead
    }

    /// Windows of every length, on and off the hour and day boundaries the counts are kept by.
    fn windows(rng: &mut Rng, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let now_ms = now.timestamp_millis();
        let mut out = vec![(now - TimeDelta::days(30), now)];
        for _ in 0..7 {
            let end = match rng.below(3) {
                0 => now_ms,
                1 => now_ms / HOUR * HOUR - rng.below(2),
                _ => now_ms / DAY * DAY - rng.below(2),
            };
            let start = match rng.below(4) {
                0 => end - 1 - rng.below(HOUR),
                1 => (end - rng.below(45 * DAY)) / HOUR * HOUR - rng.below(2),
                2 => (end - rng.below(45 * DAY)) / DAY * DAY - rng.below(2),
                _ => end - 1 - rng.below(45 * DAY),
            };
            let t = |m: i64| DateTime::from_timestamp_millis(m).unwrap();
            out.push((t(start), t(end)));
        }
        out
    }

    #[track_caller]
    fn agrees(store: &Store, rng: &mut Rng, now: DateTime<Utc>, what: &str) {
        super::super::assert_derived_exact(store, what);
        for (since, until) in windows(rng, now) {
            assert_eq!(
                kept(store, since, until),
                exact(store, since, until),
                "{what}: window ({since}, {until}]"
            );
        }
    }

    #[test]
    fn the_kept_median_is_the_exact_one_over_random_histories() {
        for seed in 0..6 {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).unwrap();
            let mut rng = Rng(seed);
            let mut now = at("2026-11-23T04:00:00Z");
            let mut ids: Vec<String> = Vec::new();
            for step in 0..14 {
                let what = format!("seed {seed}, step {step}");
                let pick = |rng: &mut Rng, n: usize| -> Vec<Lead> {
                    (0..n.min(ids.len()))
                        .filter_map(|_| {
                            store
                                .get(&ids[rng.below(ids.len() as i64) as usize])
                                .unwrap()
                        })
                        .collect()
                };
                match if step < 2 { 0 } else { rng.below(6) } {
                    // Leads arrive, some already answered.
                    0 | 1 => {
                        let batch: Vec<Lead> = (0..60)
                            .map(|i| random_lead(&mut rng, format!("s{step}-{i}"), now))
                            .collect();
                        ids.extend(batch.iter().map(|l| l.id.clone()));
                        if rng.chance(50) {
                            store.import(&batch, now).unwrap();
                        } else {
                            // As a long file goes: indexes and count triggers dropped part-way
                            // and everything built again at the end.
                            let mut import = store.begin_import_bulk_from(now, 25).unwrap();
                            for (i, lead) in batch.iter().enumerate() {
                                import.add(lead, &format!("line {i}")).unwrap().unwrap();
                            }
                            import.commit().unwrap();
                        }
                    }
                    // Answered here, now.
                    2 => {
                        let pending = store.pending_ids().unwrap();
                        let requests: Vec<DecisionRequest> = pending
                            .iter()
                            .filter_map(|id| {
                                let (decide, accept) = (rng.chance(50), rng.chance(50));
                                decide.then(|| DecisionRequest {
                                    lead_id: id.clone(),
                                    action: if accept {
                                        Action::Accept
                                    } else {
                                        Action::Reject
                                    },
                                    reason: (!accept).then_some(RejectReason::TooBusy),
                                    note: None,
                                    max_fee: None,
                                })
                            })
                            .collect();
                        store.decide(&requests, now, SHELF).unwrap();
                    }
                    // An import rewrites history: arrivals move across hours and days, and New
                    // Leads turn out to be promotions or the other way round.
                    3 => {
                        let moved: Vec<Lead> = pick(&mut rng, 20)
                            .into_iter()
                            .map(|mut l| {
                                let moved = ms(rng.below(6 * DAY) - 3 * DAY);
                                l.created_at += moved;
                                for m in &mut l.messages {
                                    m.at += moved;
                                }
                                if rng.chance(30) {
                                    l.kind = match l.kind {
                                        Kind::NewLead => Kind::Promotion,
                                        Kind::Promotion => Kind::NewLead,
                                    };
                                }
                                l
                            })
                            .collect();
                        let mut unique = HashMap::new();
                        for l in moved {
                            unique.insert(l.id.clone(), l);
                        }
                        let moved: Vec<Lead> = unique.into_values().collect();
                        store.import(&moved, now).unwrap();
                    }
                    // Lapses: the platform reports pending leads expired.
                    4 => {
                        let lapsed: Vec<Lead> = store
                            .pending_ids()
                            .unwrap()
                            .iter()
                            .filter(|_| rng.chance(30))
                            .map(|id| {
                                let mut l = store.get(id).unwrap().unwrap();
                                l.status = Status::Expired;
                                l
                            })
                            .collect();
                        store.import(&lapsed, now).unwrap();
                    }
                    // Decisions go away: the API refuses one, or a batch is replaced.
                    _ => {
                        for l in pick(&mut rng, 5) {
                            if l.decision.is_some() {
                                store.unsend("k", &l.id, Status::Pending, now).unwrap();
                            }
                        }
                        let batch = rng.below(step);
                        let fresh = random_lead(&mut rng, format!("s{batch}-0"), now);
                        store
                            .replace_prefixed(&format!("s{batch}-"), &[fresh], now)
                            .unwrap();
                    }
                }
                agrees(&store, &mut rng, now, &what);
                now += ms(rng.below(12 * HOUR));
            }
        }
    }

    /// Answers of leads that arrived a millisecond either side of the window's start, on the hour
    /// and in the first and second half of it: the cell of that hour is counted whole with the
    /// leads up to the start taken off, or the rest of the hour read lead by lead, and either way
    /// only the leads after the start count.
    #[test]
    fn the_window_starts_exactly_where_it_says() {
        let now = at("2026-11-23T04:00:00Z");
        for start in [
            "2026-10-24T04:00:00Z",
            "2026-10-24T04:20:00Z",
            "2026-10-24T04:40:00Z",
        ] {
            let since = at(start);
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).unwrap();
            // Slow answers before the start and at it, quick ones after it: a median that
            // counts any lead on the wrong side of the start comes out slow.
            let leads: Vec<Lead> = [
                (-HOUR / 4, 50),
                (-1, 40),
                (0, 30),
                (1, 1),
                (2, 2),
                (HOUR, 3),
            ]
            .into_iter()
            .enumerate()
            .map(|(i, (offset, hours))| {
                let mut l = sample();
                l.id = format!("edge-{i}");
                l.created_at = since + ms(offset);
                answered(&mut l, hours * HOUR, i % 2 == 0);
                l
            })
            .collect();
            store.import(&leads, now).unwrap();
            assert_eq!(
                kept(&store, since, now),
                exact(&store, since, now),
                "from {start}"
            );
            assert_eq!(
                kept(&store, since, now),
                Some(TimeDelta::hours(2)),
                "from {start}"
            );
        }
    }

    /// A store as the schema before the kept counts left it, full of answers, opens with its
    /// counts made from them.
    #[test]
    fn a_store_from_before_the_counts_gets_them_when_opened() {
        const BEFORE_COUNTS: usize = 3;
        let dir = tempfile::tempdir().unwrap();
        let now = at("2026-11-23T04:00:00Z");
        let mut rng = Rng(99);
        {
            let mut conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
            for sql in &MIGRATIONS[..BEFORE_COUNTS] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", BEFORE_COUNTS as i64)
                .unwrap();
            // That schema had no conversations.
            let leads: Vec<Lead> = (0..400)
                .map(|i| Lead {
                    messages: Vec::new(),
                    outcome: None,
                    ..random_lead(&mut rng, format!("old-{i}"), now)
                })
                .collect();
            let tx = conn.transaction().unwrap();
            upsert(&tx, &leads, now).unwrap();
            tx.commit().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert!(exact(&store, now - TimeDelta::days(30), now).is_some());
        agrees(&store, &mut rng, now, "after the migration");
    }

    /// How much SQLite works to answer `median_response` (virtual machine steps, its own count),
    /// whatever way the store goes about it.
    fn work(store: &mut Store, since: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
        let responded = store.tally(since, now, SHELF).unwrap().responded();
        // Fresh statements, so each one's count covers this call only.
        store.conn.flush_prepared_statement_cache();
        let steps: Arc<Mutex<HashMap<String, i32>>> = Arc::default();
        let seen = Arc::clone(&steps);
        store
            .conn
            .trace_v2(
                TraceEventCodes::SQLITE_TRACE_PROFILE,
                Some(move |e: TraceEvent<'_>| {
                    if let TraceEvent::Profile(stmt, _) = e {
                        let n = stmt.get_status(StatementStatus::VmStep);
                        seen.lock().unwrap().insert(stmt.sql().into_owned(), n);
                    }
                }),
            )
            .unwrap();
        store.median_response(since, now, responded).unwrap();
        store
            .conn
            .trace_v2(TraceEventCodes::empty(), None::<fn(TraceEvent<'_>)>)
            .unwrap();
        steps.lock().unwrap().values().map(|&n| n as u64).sum()
    }

    /// The issue this was made for: the median walked every answer there ever was.
    #[test]
    fn the_work_of_the_median_follows_the_window_not_the_history() {
        let now = at("2026-11-23T04:00:00Z");
        let since = now - TimeDelta::days(30);
        let mut rng = Rng(5);
        // Answered within 26 hours, as the demo's history is.
        let mut answers = |n: usize, from: i64, to: i64, tag: &str| -> Vec<Lead> {
            (0..n)
                .map(|i| {
                    let mut l = sample();
                    l.id = format!("{tag}-{i}");
                    l.created_at = now - ms(from + rng.below(to - from));
                    answered(&mut l, rng.below(26 * HOUR), false);
                    l
                })
                .collect()
        };
        let in_window = answers(2_000, 0, 30 * DAY, "w");
        let years_before = answers(20_000, 31 * DAY, 3 * 365 * DAY, "old");
        let busier = answers(18_000, 0, 30 * DAY, "more");
        let open = |batches: &[&[Lead]]| {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).unwrap();
            for b in batches {
                store.import(b, now).unwrap();
            }
            (dir, store)
        };
        let (_a, mut new_user) = open(&[&in_window]);
        let (_b, mut with_history) = open(&[&in_window, &years_before]);
        let (_c, mut team) = open(&[&in_window, &busier]);
        let base = work(&mut new_user, since, now);
        let history = work(&mut with_history, since, now);
        let ten_times = work(&mut team, since, now);
        // Years of answers before the window cost nothing at all.
        assert!(
            history <= base + base / 20,
            "{history} steps with 20,000 older answers against {base} without"
        );
        // Ten times the answers in the window fill more of the kept counts, but the counts are
        // bounded by the window (days × hours answered, then one hour's minutes).
        assert!(
            ten_times < 3 * base,
            "{ten_times} steps for 20,000 answers in the window against {base} for 2,000"
        );
    }
}
