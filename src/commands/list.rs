//! `leads list`: the triage view. Pending New Leads, most urgent first.

use std::sync::mpsc::TrySendError;

use serde::Serialize;

use super::filters::{FilterArgs, SortArg, StatusFlag};
use crate::context::Ctx;
use crate::domain::filter::{KindFilter, LeadFilter, OrderKey, StatusFilter, sort_keys};
use crate::domain::freshness::{Span, Urgency};
use crate::domain::lead::Lead;
use crate::domain::money::format_sum;
use crate::error::{CliError, Exit};
use crate::render::{self, Format, Report, Style, lead::LeadView};
use crate::store::{DecodedLeads, Listed, StoreError};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub status: StatusFlag,

    /// Order of pending leads: least time left first, or highest score first
    #[arg(long, value_enum, default_value_t = SortArg::Time, value_name = "ORDER")]
    pub sort: SortArg,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let mut filter = args
        .filter
        .to_filter(args.status.to_filter(), KindFilter::NewLead, ctx);
    filter.order = args.sort.order();
    let now = ctx.now();
    let source = ctx.source()?;
    let (freshness, conditions) = (&ctx.config.freshness, &ctx.config.conditions);
    let layout = Layout {
        urgent_window: Span(freshness.urgent),
        pending_only: filter.status == StatusFilter::Pending,
        show_fit: !conditions.is_empty(),
        show_account: ctx.shows_accounts(),
    };
    // A table or a record shows no customer, answers, message or score: JSON is the whole lead.
    let whole = ctx.out.format == Format::Json;
    let view =
        |l| LeadView::new(l, now, freshness, conditions, whole).with_account(ctx.account_of(&l.id));
    // The process ends right after each of these; freeing 10,000 leads one allocation at a time
    // first would cost more than printing them did.
    match ctx.out.format {
        Format::Json => {
            let leads = source.select(&filter, now, freshness.shelf_life)?;
            let leads: Vec<&Lead> = leads.iter().collect();
            let order: Vec<usize> = (0..leads.len()).collect();
            let list = LeadList::new(&leads, &order, view, layout);
            ctx.out.emit(&list)?;
            std::mem::forget(list);
            std::mem::forget(leads);
        }
        Format::Human => {
            let mut listed = Vec::new();
            source.select_listing(&filter, now, freshness.shelf_life, &mut |batch| {
                listed.push(batch)
            })?;
            let batches = listed
                .into_iter()
                .map(|batch| batch.leads(&filter, now, freshness.shelf_life))
                .collect::<Result<Vec<_>, _>>()?;
            let leads: Vec<&Lead> = batches.iter().flatten().collect();
            let order = filter.arrange(leads.iter().copied(), now, freshness.shelf_life);
            if order.is_empty() {
                ctx.out.note(&empty_message(ctx, &filter));
                return Ok(Exit::Ok);
            }
            let list = LeadList::new(&leads, &order, view, layout);
            ctx.out.emit(&list)?;
            std::mem::forget(list);
            std::mem::forget(batches);
        }
        Format::Plain => {
            let Written {
                records,
                ids,
                mut keys,
            } = read_writing_records(ctx, &filter, &layout)?;
            // Sorted a batch at a time on the writing thread, the keys are merged here.
            sort_keys(&mut keys, |i| ids.get(i));
            let order = filter.up_to_limit(&keys);
            if order.is_empty() {
                ctx.out.note(&empty_message(ctx, &filter));
                return Ok(Exit::Ok);
            }
            render::write_stdout_all(order.iter().map(|&i| records.get(i)))?;
        }
    }
    Ok(Exit::Ok)
}

/// A record of each of the listing's leads, its id and its [`OrderKey`], in the order they were
/// read. A batch's leads are kept only until these are made, and the next batch is decoded into
/// their memory ([`DecodedLeads`]): kept to the end, 10,000 leads were 5 MB more for the kernel
/// to map and clear. Each batch is decoded (by whichever thread is less busy), its records
/// written and its keys sorted on a second thread while the next batch is read: one after the
/// other, reading 10,000 rows, writing their records and sorting them took 12, 5 and 2 ms of
/// `leads list`'s 21, and a third of the reading was decoding. Every lead gets its record, those
/// past a `--limit` too: which leads the limit keeps is known only once all are read, and the
/// writing is off the reading's path.
fn read_writing_records(
    ctx: &Ctx,
    filter: &LeadFilter,
    layout: &Layout,
) -> Result<Written, CliError> {
    let now = ctx.now();
    let (freshness, conditions) = (&ctx.config.freshness, &ctx.config.conditions);
    let shelf_life = freshness.shelf_life;
    let source = ctx.source()?;
    std::thread::scope(|s| {
        // One batch waiting at most: when the writer is behind, the reader decodes the next
        // batch itself before it waits (below), so the two threads share the decoding by how
        // busy each is.
        let (send, batches) = std::sync::mpsc::sync_channel::<(Listed, Vec<Option<String>>)>(1);
        // The leads the reader decoded go back to it once written, to decode another batch into.
        let (give_back, spares) = std::sync::mpsc::channel::<DecodedLeads>();
        let reading_core = current_core();
        let writer = s.spawn(move || -> Result<Written, StoreError> {
            keep_off_core(reading_core);
            let mut written = Written::default();
            let mut made = String::new();
            // The batches this thread decodes, each into the memory of the one before.
            let mut mine = DecodedLeads::default();
            for (batch, accounts) in batches {
                let theirs = match batch {
                    Listed::Records(records) => {
                        records.decode_into(filter, now, shelf_life, &mut mine)?;
                        None
                    }
                    Listed::Leads(leads) => Some(leads),
                };
                let batch: &[Lead] = theirs.as_deref().unwrap_or(&mine);
                let mut parts = Vec::new();
                written.records.start_batch(batch.len());
                written.ids.start_batch(batch.len());
                let first = written.keys.len();
                let accounts = accounts.into_iter().chain(std::iter::repeat(None));
                for (lead, account) in batch.iter().zip(accounts) {
                    let view = LeadView::new(lead, now, freshness, conditions, false)
                        .with_account(account);
                    layout.push_record(&mut written.records, &view, &mut made, &mut parts);
                    let key = filter.order_key(lead, now, shelf_life);
                    written.keys.push((key, written.ids.len()));
                    written.ids.push(&lead.id);
                }
                let Written { ids, keys, .. } = &mut written;
                sort_keys(&mut keys[first..], |i| ids.get(i));
                drop(parts);
                if let Some(leads) = theirs {
                    let _ = give_back.send(leads);
                }
            }
            Ok(written)
        });
        let mut failed = None;
        let mut decode_here = |batch: Listed| {
            let reuse = spares.try_recv().unwrap_or_default();
            match batch.decode(filter, now, shelf_life, reuse) {
                Ok(leads) => Some(leads),
                Err(e) => {
                    failed = Some(e);
                    None
                }
            }
        };
        let reading = source.select_listing(filter, now, shelf_life, &mut |batch| {
            let batch = if layout.show_account {
                // The accounts are looked up on this thread, whose store knows them: the leads
                // are decoded here first.
                let Some(leads) = decode_here(batch) else {
                    return;
                };
                let accounts = leads.iter().map(|l| ctx.account_of(&l.id)).collect();
                (Listed::Leads(leads), accounts)
            } else {
                (batch, Vec::new())
            };
            let (waiting, accounts) = match send.try_send(batch) {
                Err(TrySendError::Full(waiting)) => waiting,
                // Sending fails only when the writer has stopped: on a store error, which its
                // result holds, or a panic, which its join passes on.
                Ok(()) | Err(TrySendError::Disconnected(_)) => return,
            };
            if let Some(leads) = decode_here(waiting) {
                let _ = send.send((Listed::Leads(leads), accounts));
            }
        });
        drop(send);
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        reading?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        Ok(written?)
    })
}

/// The core the calling thread runs on, where the system says.
fn current_core() -> Option<usize> {
    #[cfg(target_os = "linux")]
    return nix::sched::sched_getcpu().ok();
    #[cfg(not(target_os = "linux"))]
    return None;
}

/// Keeps the calling thread off `core` (the reading thread's), when it may run on another.
/// Linux may run a woken thread on its waker's core, and a guest that packs its threads onto as
/// few cores as it can (the build machine's, `kernel.sched_vcpu_pack`) does it at every wakeup:
/// the writing thread, woken for each batch, waited for the reading thread's core while the
/// other stood idle, the two taking turns on one (`perf sched timehist`). Kept off it, the
/// writer runs beside the reader: 13.62 → 12.76 ms for a list of 10,000 (medians of 300
/// interleaved runs). Only the writer moves: the reader kept on its core as well waited behind
/// whatever else ran there (14.29 against 12.36 ms).
fn keep_off_core(core: Option<usize>) {
    #[cfg(target_os = "linux")]
    if let Some(core) = core {
        use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
        use nix::unistd::Pid;
        let this_thread = Pid::from_raw(0);
        let Ok(mut others) = sched_getaffinity(this_thread) else {
            return;
        };
        let any_left = |set: &CpuSet| (0..CpuSet::count()).any(|c| set.is_set(c) == Ok(true));
        if others.unset(core).is_ok() && any_left(&others) {
            // Only ever a hint: where the writer runs changes nothing it writes.
            let _ = sched_setaffinity(this_thread, &others);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = core;
}

/// What [`read_writing_records`] gives: a record, an id and a key for each lead, in read order.
#[derive(Default)]
struct Written {
    records: Texts,
    /// Which [`sort_keys`] breaks ties by.
    ids: Texts,
    /// Sorted a batch at a time: runs for [`sort_keys`] to merge.
    keys: Vec<(OrderKey, usize)>,
}

fn empty_message(ctx: &Ctx, filter: &LeadFilter) -> String {
    if filter.is_unrestricted() && filter.status == StatusFilter::Pending {
        let last = ctx
            .source()
            .ok()
            .and_then(|s| {
                s.queue(
                    ctx.now(),
                    ctx.config.freshness.shelf_life,
                    ctx.config.freshness.urgent,
                )
                .ok()
            })
            .and_then(|q| q.last_arrival);
        match last {
            Some(t) => format!(
                "Nothing to answer: no pending New Leads. The last one arrived {} ago ({}). \
                 `leads status` shows your response rate.",
                crate::domain::freshness::compact(ctx.now() - t),
                ctx.out.local(t)
            ),
            None => format!("No leads yet. {}.", ctx.how_leads_come_in()),
        }
    } else {
        "No leads match these filters. `leads list --status all` shows every lead.".into()
    }
}

/// The leads a list shows, each seen at one moment, in the list's order.
pub struct LeadList<'a> {
    /// A view of each lead shown, in the order the source gave the leads: the order they lie in
    /// memory (see [`Report::plain`]).
    views: Vec<LeadView<'a>>,
    /// Positions in `views`, in the list's order.
    order: Vec<usize>,
    layout: Layout,
}

/// What a list shows besides its rows.
pub struct Layout {
    /// What the footer counts as expiring soon.
    pub urgent_window: Span,
    /// Whether the list is the pending queue, whose footer counts what is urgent.
    pub pending_only: bool,
    /// A FIT column, when working conditions are set (without them every lead fits).
    pub show_fit: bool,
    /// An ACCOUNT column, when the config names several accounts.
    pub show_account: bool,
}

impl<'a> LeadList<'a> {
    /// The leads at the positions `order` names, in that order, each seen through `view`.
    pub fn new(
        leads: &[&'a Lead],
        order: &[usize],
        view: impl Fn(&'a Lead) -> LeadView<'a>,
        layout: Layout,
    ) -> LeadList<'a> {
        let mut place = vec![usize::MAX; leads.len()];
        for (at, &i) in order.iter().enumerate() {
            place[i] = at;
        }
        let (mut views, mut list_order) = (Vec::with_capacity(order.len()), vec![0; order.len()]);
        for (&lead, &at) in leads.iter().zip(&place) {
            if at != usize::MAX {
                list_order[at] = views.len();
                views.push(view(lead));
            }
        }
        LeadList {
            views,
            order: list_order,
            layout,
        }
    }

    /// The rows, in the list's order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &LeadView<'a>> {
        self.order.iter().map(|&i| &self.views[i])
    }
}

impl Serialize for LeadList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.rows())
    }
}

/// A cell of a row: text the lead holds, or a span of the text made for the row.
enum Part<'a> {
    Held(&'a str),
    /// Made from a lead's text or the config's (the place, the account).
    Made(std::ops::Range<usize>),
    /// Made of numbers, currency symbols and our own words only (money, times, fit): a plain
    /// record writes it as [`render::Field::Ours`]. Searching such text for what a terminal acts
    /// on, which it never holds, was 3% of a list's instructions (the en dash of a budget range
    /// sends the search down its slow path).
    Ours(std::ops::Range<usize>),
}

impl<'a> Part<'a> {
    fn text<'b>(&self, made: &'b str) -> &'b str
    where
        'a: 'b,
    {
        match self {
            Part::Held(s) => s,
            Part::Made(r) | Part::Ours(r) => &made[r.clone()],
        }
    }
}

impl Layout {
    /// The cells of `row` in column order, into `parts`, with the text of the ones made for the
    /// row (place, money, times, account) written into `made`: both are cleared and reused, so a
    /// row of 10,000 costs no allocation.
    fn cells<'a>(&self, row: &LeadView<'a>, made: &mut String, parts: &mut Vec<Part<'a>>) {
        let l = row.lead;
        parts.clear();
        made.clear();
        parts.push(Part::Held(&l.id));
        let mut make = |parts: &mut Vec<Part<'a>>,
                        part: fn(std::ops::Range<usize>) -> Part<'a>,
                        write: &dyn Fn(&mut String)| {
            let start = made.len();
            write(made);
            parts.push(part(start..made.len()));
        };
        if self.show_account {
            make(parts, Part::Made, &|out| {
                out.push_str(row.account.as_deref().unwrap_or("—"))
            });
        }
        parts.push(Part::Held(&l.service));
        parts.push(Part::Held(&l.category));
        make(parts, Part::Made, &|out| l.push_place(out));
        make(parts, Part::Ours, &|out| l.push_budget_text(out));
        make(parts, Part::Ours, &|out| l.fee.push_to(out));
        make(parts, Part::Ours, &|out| row.push_age(out));
        make(parts, Part::Ours, &|out| row.push_freshness(out));
        if self.show_fit {
            make(parts, Part::Ours, &|out| out.push_str(&row.fit.short()));
        }
    }
}

/// Texts one after another, each found by its place, in a buffer a batch: 10,000 ids or records
/// cost an allocation a batch, not one a text, and no buffer is copied as it grows (a list's
/// records in one string grown to 1.4 MB touched twice that, each page cleared by the kernel
/// first).
#[derive(Default)]
struct Texts {
    buffers: Vec<String>,
    /// Which buffer each text is in, and where it ends there.
    ends: Vec<(usize, usize)>,
}

impl Texts {
    /// Starts a buffer for the next `count` texts, with room for as many as long as the texts
    /// so far (or a record's usual length).
    fn start_batch(&mut self, count: usize) {
        let written: usize = self.buffers.iter().map(String::len).sum();
        let each = written
            .checked_div(self.len())
            .map_or(128, |average| average + 8);
        self.buffers.push(String::with_capacity(count * each));
    }

    /// The buffer the next text is written to.
    fn buffer(&mut self) -> &mut String {
        if self.buffers.is_empty() {
            self.buffers.push(String::new());
        }
        self.buffers.last_mut().expect("a buffer was just made")
    }

    /// Ends the text written to [`Texts::buffer`] since the one before.
    fn end(&mut self) {
        let at = self.buffers.len() - 1;
        self.ends.push((at, self.buffers[at].len()));
    }

    fn push(&mut self, text: &str) {
        self.buffer().push_str(text);
        self.end();
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &str {
        let (buffer, end) = self.ends[i];
        let start = match i.checked_sub(1).map(|before| self.ends[before]) {
            Some((same, start)) if same == buffer => start,
            _ => 0,
        };
        &self.buffers[buffer][start..end]
    }
}

impl Layout {
    /// Adds the plain record of `row` to `records`: a line a lead. Each is harmless to a
    /// terminal as it is written: every field is one line as [`render::untrusted::line()`] shows
    /// it ([`render::push_tsv_row`]), or text of our own that holds nothing it would change
    /// ([`Part::Ours`]), which leaves nothing that [`render::untrusted::guard`], the last step of
    /// every other view printed, would change. So the records are written out as they are, with
    /// no pass over the whole list once it is read, nor a second one over each record (a tenth
    /// of the list's work).
    fn push_record<'a>(
        &self,
        records: &mut Texts,
        row: &LeadView<'a>,
        made: &mut String,
        parts: &mut Vec<Part<'a>>,
    ) {
        self.cells(row, made, parts);
        render::push_tsv_row(
            records.buffer(),
            parts.iter().map(|p| match p {
                Part::Ours(r) => render::Field::Ours(&made[r.clone()]),
                other => render::Field::Untrusted(other.text(made)),
            }),
        );
        records.end();
    }
}

impl LeadList<'_> {
    fn footer(&self) -> String {
        let fees = format_sum(self.views.iter().map(|r| r.lead.fee));
        let n = self.views.len();
        let what = if self.layout.pending_only {
            "pending"
        } else {
            "shown"
        };
        let mut footer = format!("{n} {what} · fees {fees}");
        if self.layout.pending_only {
            let urgent = self
                .views
                .iter()
                .filter(|r| r.urgency == Some(Urgency::Urgent))
                .count();
            footer.push_str(&format!(
                " · {} within {}",
                render::count_verb(urgent as u64, "expires", "expire"),
                self.layout.urgent_window
            ));
        }
        footer
    }
}

impl Report for LeadList<'_> {
    fn human(&self, style: &Style) -> String {
        use render::table::{Cell, Cells, Column, GiveWay, Table};
        let column = |header, cells| Column { header, cells };
        // The ACCOUNT column, when shown, comes second and shifts the others along.
        let at = |i: usize| i + usize::from(self.layout.show_account);
        let mut columns = vec![column("ID", Cells::Whole)];
        if self.layout.show_account {
            columns.push(column("ACCOUNT", Cells::Whole));
        }
        columns.extend([
            column("SERVICE", Cells::Cut(16)),
            column("CATEGORY", Cells::Whole),
            column("LOCATION", Cells::Cut(13)),
            column("BUDGET", Cells::Whole),
            column("FEE", Cells::Whole),
            column("AGE", Cells::Whole),
            column("EXPIRES IN", Cells::Whole),
        ]);
        if self.layout.show_fit {
            columns.push(column("FIT", Cells::Cut(12)));
        }
        // On a narrow terminal the category goes first (the service names it; the slug is
        // mostly for `--category`), then long services and places are cut, then the account
        // (each id begins with it), the age and the budget go. The id, fee and countdown always
        // show: a PRO triages by exactly those.
        let mut give_way = vec![
            GiveWay::Drop(at(2)),
            GiveWay::Cut,
            GiveWay::Drop(at(6)),
            GiveWay::Drop(at(4)),
        ];
        if self.layout.show_account {
            give_way.insert(2, GiveWay::Drop(1));
        }
        let mut table = Table::new(columns, give_way).with_capacity(self.views.len());
        let countdown_at = at(7);
        let (mut made, mut parts) = (String::new(), Vec::new());
        for row in self.rows() {
            let color = row.urgency.and_then(|u| style.cell_color(u));
            self.layout.cells(row, &mut made, &mut parts);
            let mut cells: Vec<Cell> = parts
                .iter()
                .map(|p| match p {
                    Part::Held(s) => Cell::new(*s),
                    Part::Made(r) | Part::Ours(r) => Cell::new(made[r.clone()].to_string()),
                })
                .collect();
            let countdown = std::mem::replace(&mut cells[countdown_at], Cell::new(""));
            cells[countdown_at] = countdown.color(color);
            table.add_row(cells);
        }
        let footer = style.wrap_hanging(&self.footer());
        format!("{}\n{}\n", table.render(style), style.dim(&footer))
    }

    fn plain(&self, _: &Style) -> String {
        // The records are written in the order the leads lie in memory and then put in the
        // list's: written straight in the list's order, each one reached for a lead and its
        // text somewhere else in megabytes, and 10,000 took a seventh longer.
        let mut records = Texts::default();
        let (mut made, mut parts) = (String::new(), Vec::new());
        for view in &self.views {
            self.layout
                .push_record(&mut records, view, &mut made, &mut parts);
        }
        self.order.iter().map(|&i| records.get(i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Freshness;
    use crate::domain::lead::tests::sample;

    /// The writer leaves the reader's core when it may run elsewhere, and is never left with no
    /// core at all: a thread allowed only the reader's keeps it. Each case on a thread of its
    /// own, whose mask it may change.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_writer_leaves_the_readers_core_only_for_another() {
        use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
        use nix::unistd::Pid;
        let mask = || sched_getaffinity(Pid::from_raw(0)).unwrap();
        let allowed: Vec<usize> = (0..CpuSet::count())
            .filter(|&c| mask().is_set(c).unwrap())
            .collect();
        let reader = allowed[0];
        std::thread::spawn(move || {
            let mut only = CpuSet::new();
            only.set(reader).unwrap();
            sched_setaffinity(Pid::from_raw(0), &only).unwrap();
            keep_off_core(Some(reader));
            assert!(mask().is_set(reader).unwrap(), "left with no core");
        })
        .join()
        .unwrap();
        if allowed.len() > 1 {
            std::thread::spawn(move || {
                keep_off_core(Some(reader));
                assert!(!mask().is_set(reader).unwrap());
                assert!(allowed[1..].iter().all(|&c| mask().is_set(c).unwrap()));
            })
            .join()
            .unwrap();
        }
    }

    /// The cells a plain record writes without [`render::untrusted::line()`] ([`Part::Ours`])
    /// hold nothing it or [`render::untrusted::guard`] would change, in every currency, for
    /// every kind of budget and amount, and for every countdown and age.
    #[test]
    fn our_own_cells_hold_nothing_a_terminal_acts_on() {
        use crate::domain::lead::Budget;
        use crate::domain::money::{Currency, Money};
        let now: chrono::DateTime<chrono::Utc> = "2026-11-23T12:00:00Z".parse().unwrap();
        let letters = || b'A'..=b'Z';
        let currencies: Vec<Currency> = letters()
            .flat_map(|a| letters().flat_map(move |b| letters().map(move |c| [a, b, c])))
            .filter_map(|code| std::str::from_utf8(&code).ok()?.parse().ok())
            .collect();
        assert!(currencies.len() > 150, "{}", currencies.len());
        let amounts = [0, 7, 123_456_789, i64::MAX, -5, i64::MIN];
        let freshness = Freshness::default();
        let layout = Layout {
            urgent_window: Span(freshness.urgent),
            pending_only: false,
            show_fit: true,
            show_account: false,
        };
        let (mut made, mut checked) = (String::new(), 0);
        for (i, &currency) in currencies.iter().enumerate() {
            for (j, &amount) in amounts.iter().enumerate() {
                let mut lead = sample();
                lead.fee = Money::new(amount, currency);
                let other = Some(amounts[(j + 1) % amounts.len()]);
                lead.budget = match (i + j) % 5 {
                    0 => None,
                    1 => Some(Budget {
                        min: Some(amount),
                        max: other,
                        currency,
                    }),
                    2 => Some(Budget {
                        min: Some(amount),
                        max: Some(amount),
                        currency,
                    }),
                    3 => Some(Budget {
                        min: Some(amount),
                        max: None,
                        currency,
                    }),
                    _ => Some(Budget {
                        min: None,
                        max: Some(amount),
                        currency,
                    }),
                };
                // From long past to a year on: expired, minutes, hours, days.
                let minutes: i64 = [-600_000, -1, 0, 1, 59, 61, 1_439, 1_441, 525_600][(i + j) % 9];
                lead.created_at = now - chrono::TimeDelta::minutes(minutes.abs() + 1);
                lead.expires_at = Some(now + chrono::TimeDelta::minutes(minutes));
                let view = LeadView::new(&lead, now, &freshness, &Default::default(), false);
                let mut parts = Vec::new();
                layout.cells(&view, &mut made, &mut parts);
                for part in &parts {
                    if let Part::Ours(r) = part {
                        let text = &made[r.clone()];
                        assert_eq!(render::untrusted::line(text), text);
                        assert_eq!(render::untrusted::guard(text, false), text);
                        assert!(!text.contains(['\t', '\n']), "{text:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, currencies.len() * amounts.len() * 5);
    }

    #[test]
    fn the_table_has_a_row_per_lead_and_a_footer() {
        let now = "2026-11-23T12:00:00Z".parse().unwrap();
        let mut urgent = sample();
        urgent.id = "ld_2".into();
        urgent.expires_at = Some("2026-11-23T14:05:00Z".parse().unwrap());
        urgent.location = None;
        urgent.budget = None;
        let freshness = Freshness::default();
        let mut last = sample();
        last.id = "ld_3".into();
        // In the list's order, not the order the source gave them in.
        let leads = [sample(), last, urgent];
        let layout = Layout {
            urgent_window: Span(freshness.urgent),
            pending_only: true,
            show_fit: false,
            show_account: false,
        };
        let view = |l| LeadView::new(l, now, &freshness, &Default::default(), true);
        let list = LeadList::new(&leads.iter().collect::<Vec<_>>(), &[2, 0], view, layout);
        insta::assert_snapshot!(list.human(&Style::plain()), @r"
        ID    SERVICE             CATEGORY  LOCATION       BUDGET          FEE     AGE     EXPIRES IN
        ld_2  Deep home cleaning  cleaning  —              —               NT$180  4h 00m  2h 05m
        ld_1  Deep home cleaning  cleaning  台北市 大安區  NT$2,000–3,000  NT$180  4h 00m  1d 20h
        2 pending · fees NT$360 · 1 expires within 6h
        ");
        insta::assert_snapshot!(list.plain(&Style::plain()), @r"
        ld_2	Deep home cleaning	cleaning	—	—	NT$180	4h 00m	2h 05m
        ld_1	Deep home cleaning	cleaning	台北市 大安區	NT$2,000–3,000	NT$180	4h 00m	1d 20h
        ");
        let ids: Vec<_> = serde_json::to_value(&list)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids, ["ld_2", "ld_1"]);
    }
}
