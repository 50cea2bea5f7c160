//! `leads import FILE|-`: add or update leads from a file, all or nothing, at any size.
//!
//! JSON (an array, an API page `{"data": [...]}`, one lead, or one lead a line) and CSV are read
//! record by record as the parser reaches them, so a 3 GB export never sits in memory. Every
//! record becomes the JSON object the API would have sent and is read as a lead by the one
//! deserialiser the API uses, so every format obeys the same rules. All of them go into one
//! transaction, which the first bad record (or a second one with an id already seen) rolls back.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::import_pg::{PgImport, Sink};
use crate::context::Ctx;
use crate::domain::lead::Lead;
use crate::error::{CliError, Exit};
use crate::render::{Format, Report, Style};
use crate::store::{ImportSummary, SameId, StoreError, describe_io};

#[derive(Debug, clap::Args)]
#[command(after_help = CSV_HELP)]
pub struct Args {
    /// The file to read, or - for stdin
    #[arg(value_name = "FILE|-", required_unless_present = "from_store")]
    pub file: Option<String>,

    /// The file's format; by default from the extension, else from the content
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub format: InputFormat,

    /// Import into this PostgreSQL database (postgres://USER@HOST:PORT/DB, the one `leads serve
    /// --database` serves) instead of the local store; the password comes from PGPASSWORD or
    /// ~/.pgpass
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,

    /// With --database: copy every lead of the data dir's store, with its decision, charge,
    /// messages and outcome, into the database (moving a server from SQLite to PostgreSQL)
    #[arg(long, requires = "database", conflicts_with = "file")]
    pub from_store: bool,
}

const CSV_HELP: &str = "CSV: one lead a row, with a header naming the columns (any order; unknown columns are ignored).
  Required: id, service, category, created_at, fee_amount, fee_currency
  Optional: kind, status, expires_at, budget_min, budget_max, budget_currency, city, district,
            postcode, schedule, customer_name, customer_phone, customer_email, message,
            answers (a JSON array of {\"question\", \"answer\"}), decision_action, decided_at,
            reason, note
  Times are RFC 3339 (2026-11-23T08:00:00Z); amounts are integers in minor units (18000 = NT$180.00).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Auto,
    /// A JSON array of leads, or an API page {"data": [...]}
    Json,
    /// One JSON lead per line
    Ndjson,
    Csv,
}

/// Files this big get a progress bar on a terminal: about 13,000 leads, a second's work.
const BAR_FROM_BYTES: u64 = 8 << 20;
/// Records sent from the reading thread to the writing one at a time, and at most in flight
/// between them (a lead is about a kilobyte in memory).
const BATCH: usize = 256;
const IN_FLIGHT: usize = 2048;
/// How often, in records, the progress bar hears how far the import is.
const TICK: u64 = 1024;

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    if let Some(url) = &args.database {
        // A bad URL fails before anything is read, even for an empty input.
        crate::store::postgres::Target::parse(url)?;
    }
    // clap requires --database with --from-store, and a FILE without it.
    if let (true, Some(url)) = (args.from_store, &args.database) {
        return super::import_pg::copy_store(ctx, url);
    }
    let name = args.file.clone().unwrap_or_else(|| "-".into());
    if name == "-" {
        return import(ctx, &args, "stdin", Source::Stdin, None);
    }
    let file = File::open(&name).map_err(|e| {
        CliError::bad_input(format!("cannot read {name}: {}", describe_io(&e)))
            .with_hint("check the path; use - to read from stdin")
    })?;
    let len = file.metadata().ok().map(|m| m.len());
    import(ctx, &args, &name, Source::File(file), len)
}

/// Where the records come from, opened on the thread that reads them (a lock on stdin cannot
/// move between threads).
enum Source {
    Stdin,
    File(File),
}

/// Why reading stopped before the end.
enum Stop {
    /// The input's fault: exit 5, and nothing was imported.
    Bad(String),
    /// There was nothing in it.
    Empty,
    /// Not the input's fault: the store failed.
    Failed(CliError),
    /// The writing side stopped first, for a reason of its own.
    Abandoned,
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Self {
        Stop::Failed(e.into())
    }
}

impl From<CliError> for Stop {
    fn from(e: CliError) -> Self {
        Stop::Failed(e)
    }
}

/// A record as the parsers hand it on: a JSON object to read as a lead, or (a line of NDJSON,
/// read on the fast path) the lead already.
enum Record {
    Json(Value),
    Lead(Box<Lead>),
}

/// A record read and checked, on its way to the store.
struct Parsed {
    /// Where it is: "line 7".
    record: String,
    /// The same with its id, for messages.
    at: String,
    lead: Lead,
}

fn import(
    ctx: &Ctx,
    args: &Args,
    name: &str,
    source: Source,
    len: Option<u64>,
) -> Result<Exit, CliError> {
    // Every lead goes into the one local account, under its ids.
    let account = ctx.local_account("import")?;
    let prefix = account.account.prefix.as_str();
    let bar = progress_bar(len);
    let bytes = AtomicU64::new(0);
    // One thread reads and checks records while this one writes them: on two cores, parsing
    // a million leads of JSON no longer waits for SQLite, nor SQLite for it. They go over in
    // batches: handed over one by one, waking the reader took the writer a tenth of its time.
    let (send, receive) = mpsc::sync_channel::<Vec<Parsed>>(IN_FLIGHT / BATCH);
    // And back, written, for the reader to free: what a thread allocated, it frees fastest
    // itself.
    let (done, written) = mpsc::channel::<Vec<Parsed>>();
    let mut count = 0u64;
    let outcome = std::thread::scope(|scope| {
        let reader = scope.spawn(|| read(source, args, &bytes, send, written));
        // The local store is begun at the first good record, so an input that is wrong from its
        // start leaves no new store behind. A database is there already: reached first, so a
        // wrong URL or a refused login is said even for an empty file.
        let mut open: Option<Sink> = match &args.database {
            Some(url) => match PgImport::begin(url, &ctx.config.server, ctx.now()) {
                Ok(import) => Some(Sink::Postgres(Box::new(import))),
                Err(e) => return Err(Stop::Failed(e)),
            },
            None => None,
        };
        let mut write = |parsed: &mut Parsed| -> Result<(), Stop> {
            let import = match &mut open {
                Some(import) => import,
                None => open.insert(Sink::Sqlite(Box::new(
                    account.store().begin_import(ctx.now())?,
                ))),
            };
            put_in_account(&mut parsed.lead, prefix);
            if let Err(SameId(first)) = import.add(&parsed.lead, &parsed.record)? {
                return Err(Stop::Bad(format!(
                    "{}: the same id as {first}; a file may hold each lead only once",
                    parsed.at
                )));
            }
            count += 1;
            if count.is_multiple_of(TICK) {
                bar.set_position(bytes.load(Ordering::Relaxed));
                bar.set_message(format!("{count} leads"));
            }
            Ok(())
        };
        let mut waiting = None;
        let written = loop {
            let Some(mut batch) = waiting.take().or_else(|| receive.recv().ok()) else {
                break Ok(());
            };
            if let Err(stop) = batch.iter_mut().try_for_each(&mut write) {
                break Err(stop);
            }
            // Freed by whichever thread would wait otherwise: the reader when the next batch is
            // here already (a million NDJSON leads), this one, here, when it is not (a JSON
            // array, slower to read).
            waiting = receive.try_recv().ok();
            if waiting.is_some() {
                let _ = done.send(batch);
            }
        };
        // A reader waiting to hand over more is told there is no one to take it.
        drop(receive);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(Stop::Bad("reading it failed unexpectedly".into())));
        // The writer's failure is about an earlier record than the reader's.
        written.and(read).map(|()| open)
    });
    let summary = match outcome {
        Ok(open) => {
            // Committing a long import builds its indexes: seconds with nothing read.
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg}")
                    .expect("a valid template"),
            );
            bar.set_message(format!("saving {count} leads"));
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            let summary = open.map(Sink::commit).transpose();
            bar.finish_and_clear();
            summary?.unwrap_or_default()
        }
        // Dropping the import rolls back whatever it wrote.
        Err(stop) => {
            bar.finish_and_clear();
            return Err(match stop {
                Stop::Bad(why) => CliError::bad_input(format!("{name}: {why}"))
                    .with_hint("nothing was imported; fix the file and run the import again"),
                Stop::Empty => {
                    CliError::bad_input(format!("{name} is empty: there is nothing to import"))
                }
                Stop::Failed(e) => e,
                Stop::Abandoned => CliError::new(Exit::Failure, "the import stopped half-way"),
            });
        }
    };
    let mut line = format!(
        "Imported {count} lead{} from {name}: {} added, {} updated.",
        if count == 1 { "" } else { "s" },
        summary.added,
        summary.updated
    );
    if summary.kept > 0 {
        line.push_str(&format!(
            " Kept the decision or expiry already recorded for {} of them.",
            summary.kept
        ));
    }
    ctx.out.note(&line);
    if ctx.out.format == Format::Json {
        ctx.out.emit(&summary)?;
    }
    Ok(Exit::Ok)
}

/// `leads` under their ids in the account whose ids begin with `prefix`. An id that has it
/// already (a lead exported from this account, imported again) keeps it.
pub fn in_account(leads: Vec<Lead>, prefix: &str) -> Vec<Lead> {
    leads
        .into_iter()
        .map(|mut l| {
            put_in_account(&mut l, prefix);
            l
        })
        .collect()
}

/// One lead under its id in the account whose ids begin with `prefix`.
fn put_in_account(lead: &mut Lead, prefix: &str) {
    if !lead.id.starts_with(prefix) {
        lead.id.insert_str(0, prefix);
    }
}

/// Only ever printed as JSON (`--json`); people get the summary line on stderr.
impl Report for ImportSummary {
    fn human(&self, _: &Style) -> String {
        String::new()
    }
}

/// Reads `source` to its end (or the first bad record), sending each lead on as it is checked.
fn read(
    source: Source,
    args: &Args,
    bytes: &AtomicU64,
    send: mpsc::SyncSender<Vec<Parsed>>,
    written: mpsc::Receiver<Vec<Parsed>>,
) -> Result<(), Stop> {
    match source {
        Source::Stdin => read_from(io::stdin().lock(), args, bytes, send, written),
        Source::File(file) => read_from(
            BufReader::with_capacity(64 << 10, file),
            args,
            bytes,
            send,
            written,
        ),
    }
}

fn read_from(
    input: impl BufRead,
    args: &Args,
    bytes: &AtomicU64,
    send: mpsc::SyncSender<Vec<Parsed>>,
    written: mpsc::Receiver<Vec<Parsed>>,
) -> Result<(), Stop> {
    let read = Counted::new(skip_bom(input));
    let (format, read) = match args.format {
        InputFormat::Auto => {
            let (first, read) = first_byte(read)
                .map_err(|e| Stop::Bad(format!("cannot read it: {}", describe_io(&e))))?;
            (detect(args.file.as_deref().unwrap_or("-"), first), read)
        }
        f => (f, read),
    };
    let counted = read.bytes_read();
    let mut batch = Vec::with_capacity(BATCH);
    let outcome = records(read, format, &mut |record, value| {
        let (lead, at) = to_lead(record, value).map_err(Stop::Bad)?;
        bytes.store(counted.get(), Ordering::Relaxed);
        let record = record.to_string();
        batch.push(Parsed { record, at, lead });
        if batch.len() == BATCH {
            // A batch written comes back to be emptied and filled again.
            let next = match written.try_recv() {
                Ok(mut old) => {
                    old.clear();
                    old
                }
                Err(_) => Vec::with_capacity(BATCH),
            };
            let full = std::mem::replace(&mut batch, next);
            send.send(full).map_err(|_| Stop::Abandoned)?;
        }
        Ok(())
    });
    // The records before a bad one are written too, as the writer may find an earlier
    // record at fault (a second one with an id).
    if !batch.is_empty() && send.send(batch).is_err() {
        return Err(Stop::Abandoned);
    }
    outcome
}

/// A bar by bytes read for a big file, a count for a long stdin; indicatif draws neither when
/// stderr is not a terminal.
fn progress_bar(len: Option<u64>) -> indicatif::ProgressBar {
    let (bar, template) = match len {
        Some(len) if len >= BAR_FROM_BYTES => (
            indicatif::ProgressBar::new(len),
            "{bar:24} {binary_bytes}/{binary_total_bytes} · {msg} · {eta} left",
        ),
        Some(_) => return indicatif::ProgressBar::hidden(),
        // Shown from the first tick, so only once a thousand leads have come through.
        None => (indicatif::ProgressBar::new_spinner(), "{spinner} {msg}"),
    };
    bar.set_style(indicatif::ProgressStyle::with_template(template).expect("a valid template"));
    bar
}

/// The input as the parsers take it, counting bytes (for the progress bar) and line ends (to
/// name the line a JSON lead starts on) as they go.
struct Counted<R> {
    inner: R,
    bytes: Rc<Cell<u64>>,
    lines: Rc<Cell<u64>>,
    /// Lines of blank space read past before the parser saw any, which its own positions miss.
    skipped_lines: u64,
}

impl<R: BufRead> Counted<R> {
    fn new(inner: R) -> Self {
        Counted {
            inner,
            bytes: Default::default(),
            lines: Default::default(),
            skipped_lines: 0,
        }
    }

    fn bytes_read(&self) -> Rc<Cell<u64>> {
        Rc::clone(&self.bytes)
    }

    fn counted(&self, n: usize, ends: usize) {
        self.bytes.set(self.bytes.get() + n as u64);
        self.lines.set(self.lines.get() + ends as u64);
    }
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.inner.fill_buf()?;
        // serde_json asks for one byte at a time: that path is kept short, as it runs for every
        // byte of a 600 MB file.
        let (n, ends) = match (available.first(), out.len()) {
            (None, _) | (_, 0) => return Ok(0),
            (Some(&b), 1) => {
                out[0] = b;
                (1, usize::from(b == b'\n'))
            }
            _ => {
                let n = available.len().min(out.len());
                out[..n].copy_from_slice(&available[..n]);
                (n, out[..n].iter().filter(|&&b| b == b'\n').count())
            }
        };
        self.inner.consume(n);
        self.counted(n, ends);
        Ok(n)
    }
}

/// A UTF-8 byte-order mark says nothing either format needs.
fn skip_bom<R: BufRead>(mut input: R) -> R {
    if input
        .fill_buf()
        .is_ok_and(|b| b.starts_with(b"\xef\xbb\xbf"))
    {
        input.consume(3);
    }
    input
}

/// The first byte past blank space, which says the format, or None for only blank space.
/// Nothing but blank space is consumed to find it, which both formats skip.
fn first_byte<R: BufRead>(mut read: Counted<R>) -> io::Result<(Option<u8>, Counted<R>)> {
    loop {
        let buf = read.inner.fill_buf()?;
        if buf.is_empty() {
            return Ok((None, read));
        }
        if let Some(&b) = buf.iter().find(|b| !b.is_ascii_whitespace()) {
            return Ok((Some(b), read));
        }
        let (n, ends) = (buf.len(), buf.iter().filter(|&&b| b == b'\n').count());
        read.inner.consume(n);
        read.counted(n, ends);
        read.skipped_lines += ends as u64;
    }
}

fn detect(file: &str, first: Option<u8>) -> InputFormat {
    let ext = Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => InputFormat::Csv,
        Some("json" | "ndjson" | "jsonl") => InputFormat::Json,
        _ => match first {
            Some(b'[' | b'{') | None => InputFormat::Json,
            Some(_) => InputFormat::Csv,
        },
    }
}

/// Hands each record to `add` as a JSON object, with where it is ("record 3", "line 7",
/// "row 2 (line 3)"); the first error, the input's or `add`'s, stops the reading.
fn records<R: BufRead>(
    read: Counted<R>,
    format: InputFormat,
    add: &mut dyn FnMut(&str, Record) -> Result<(), Stop>,
) -> Result<(), Stop> {
    match format {
        InputFormat::Csv => csv_records(read, add),
        InputFormat::Json | InputFormat::Ndjson | InputFormat::Auto => json_records(read, add),
    }
}

/// A record as a lead, read by the API's deserialiser and checked by its rules; also the
/// record's name with its id, for messages.
fn to_lead(record: &str, value: Record) -> Result<(Lead, String), String> {
    let value = match value {
        Record::Json(value) => value,
        Record::Lead(lead) => {
            let at = format!("{record} (id {:?})", lead.id);
            lead.validate().map_err(|e| format!("{at}: {e}"))?;
            return Ok((*lead, at));
        }
    };
    let id = value.get("id").and_then(Value::as_str).map(str::to_string);
    let at = match id {
        Some(id) => format!("{record} (id {id:?})"),
        None => record.to_string(),
    };
    if !value.is_object() {
        // serde would say "expected struct Lead".
        let found = match value {
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "true or false",
            _ => "null",
        };
        return Err(format!("{at}: a lead is a JSON object, not {found}"));
    }
    // The path names the field inside the record: "fee.currency: unknown currency code".
    let lead: Lead = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        match path.as_str() {
            "." => format!("{at}: {}", e.inner()),
            _ => format!("{at}: `{path}`: {}", e.inner()),
        }
    })?;
    lead.validate().map_err(|e| format!("{at}: {e}"))?;
    Ok((lead, at))
}

// --- JSON ---------------------------------------------------------------------------------------

/// JSON is one or more values one after another, each an array of leads, an API page
/// `{"data": [...]}` or one lead, so NDJSON (one lead a line) is JSON too. serde_json hands this
/// reader each value as it parses it, and each lead of an array or page as soon as it is whole,
/// so only one lead is in memory at a time.
struct JsonReader<'a> {
    add: &'a mut dyn FnMut(&str, Record) -> Result<(), Stop>,
    lines: Rc<Cell<u64>>,
    /// Leads seen in arrays so far, to name them "record N".
    in_arrays: u64,
    /// Why `add` stopped the parse, which serde_json only knows as an error.
    stop: Option<Stop>,
}

fn json_records<R: BufRead>(
    mut read: Counted<R>,
    add: &mut dyn FnMut(&str, Record) -> Result<(), Stop>,
) -> Result<(), Stop> {
    let mut reader = JsonReader {
        add,
        lines: Rc::clone(&read.lines),
        in_arrays: 0,
        stop: None,
    };
    let (mut values, rest) = ndjson_lines(&mut read, &mut reader)?;
    let Some(Unread { line: rest, error }) = rest else {
        return if values == 0 {
            Err(Stop::Empty)
        } else {
            Ok(())
        };
    };
    // From the first line that is not one lead, serde_json reads the rest as a stream; the
    // lines before it are lines it did not see.
    let skipped = read.lines.get();
    let read = Counted {
        inner: io::Cursor::new(rest).chain(Then {
            error,
            inner: read.inner,
        }),
        bytes: read.bytes,
        lines: read.lines,
        skipped_lines: skipped,
    };
    let mut de = serde_json::Deserializer::from_reader(read);
    loop {
        // Anything but blank space left is one more value.
        match de.end() {
            Ok(()) if values == 0 => return Err(Stop::Empty),
            Ok(()) => return Ok(()),
            Err(e) if e.is_syntax() => {}
            Err(e) => return Err(Stop::Bad(json_error(&e, skipped))),
        }
        if let Err(e) = TopLevel(&mut reader).deserialize(&mut de) {
            return Err(reader
                .stop
                .take()
                .unwrap_or_else(|| Stop::Bad(json_error(&e, skipped))));
        }
        values += 1;
    }
}

/// A line longer than this is left to the streaming parser, which holds one lead at a time
/// however long the line (a whole array on one line).
const LINE_LIMIT: u64 = 1 << 20;

/// The fast path for NDJSON, the common case: each line that is one lead is parsed from memory,
/// straight into a lead. serde_json reading a stream takes each byte through its reader and
/// each lead through a map of JSON values first, which was most of an import's reading time.
/// Stops at the first line that is not one whole lead (an array, a page, a lead over several
/// lines, an error), giving it back unread with the count of values read so far; the streaming
/// parser reads from there, with the same results and messages as if it had read everything.
fn ndjson_lines<R: BufRead>(
    read: &mut Counted<R>,
    reader: &mut JsonReader,
) -> Result<(u64, Option<Unread>), Stop> {
    let mut values = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = match (&mut read.inner)
            .take(LINE_LIMIT)
            .read_until(b'\n', &mut line)
        {
            Ok(0) => return Ok((values, None)),
            Ok(n) => n,
            // The streaming parser reads what came before the failure (whole leads of an
            // array on one line), then says what failed.
            Err(e) => {
                return Ok((
                    values,
                    Some(Unread {
                        line,
                        error: Some(e),
                    }),
                ));
            }
        };
        let ended = line.last() == Some(&b'\n');
        if !ended && n as u64 == LINE_LIMIT {
            return Ok((values, Some(Unread { line, error: None })));
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            read.counted(n, usize::from(ended));
            continue;
        }
        let Ok(lead) = one_lead(&line) else {
            return Ok((values, Some(Unread { line, error: None })));
        };
        let at = format!("line {}", read.lines.get() + 1);
        read.counted(n, usize::from(ended));
        values += 1;
        (reader.add)(&at, Record::Lead(Box::new(lead)))?;
    }
}

/// Where the fast path stopped: the line it did not take, and the failure to read on, if that
/// is what stopped it.
struct Unread {
    line: Vec<u8>,
    error: Option<io::Error>,
}

/// `inner`, after the failure (if any) that stopped the fast path.
struct Then<R> {
    error: Option<io::Error>,
    inner: R,
}

impl<R: BufRead> Read for Then<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = io::Read::read(&mut self.fill_buf()?, out)?;
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Then<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self.error.take() {
            Some(e) => Err(e),
            None => self.inner.fill_buf(),
        }
    }

    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
    }
}

/// `line` as one lead, or an error if it is anything else: not JSON, not one value, not a
/// lead, or an API page (an object with `data`, which the streaming parser reads as a page
/// whatever else it holds).
fn one_lead(line: &[u8]) -> serde_json::Result<Lead> {
    struct Object;
    impl<'de> Visitor<'de> for Object {
        type Value = Lead;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a lead")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Lead, A::Error> {
            Lead::deserialize(de::value::MapAccessDeserializer::new(NotAPage(map)))
        }
    }
    let mut de = serde_json::Deserializer::from_slice(line);
    let lead = de::Deserializer::deserialize_map(&mut de, Object)?;
    de.end()?;
    Ok(lead)
}

/// A key, borrowed from the line where it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = std::borrow::Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = std::borrow::Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.to_owned().into())
    }
}

/// The keys of an object as the lead's deserialiser asks for them, refusing `data`.
struct NotAPage<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for NotAPage<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.0.next_key_seed(Key)? else {
            return Ok(None);
        };
        if key == "data" {
            return Err(de::Error::custom("a page, not a lead"));
        }
        seed.deserialize(de::IntoDeserializer::<A::Error>::into_deserializer(
            key.as_ref(),
        ))
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(seed)
    }
}

impl JsonReader<'_> {
    fn hand<E: de::Error>(&mut self, at: String, value: Record) -> Result<(), E> {
        (self.add)(&at, value).map_err(|stop| {
            self.stop = Some(stop);
            E::custom("stopped")
        })
    }

    fn elements<'de, A: SeqAccess<'de>>(&mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            self.in_arrays += 1;
            self.hand(format!("record {}", self.in_arrays), Record::Json(value))?;
        }
        Ok(())
    }
}

/// "line 2: not valid JSON: key must be a string (column 2)"; `skipped` lines came before what
/// serde_json read.
fn json_error(e: &serde_json::Error, skipped: u64) -> String {
    let text = e.to_string();
    let line = e.line() as u64 + skipped;
    let what = text
        .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
        .unwrap_or(&text);
    match e.classify() {
        serde_json::error::Category::Io => format!("cannot read it: {what}"),
        serde_json::error::Category::Data => format!("line {line}: {what} (column {})", e.column()),
        // serde_json places the end after the last newline, on a line of its own; the last
        // line with anything on it is the one a person looks for.
        serde_json::error::Category::Eof => {
            let last = if e.column() == 0 && line > 1 {
                line - 1
            } else {
                line
            };
            format!("the file ends inside a record (at line {last}): was it cut short?")
        }
        _ => format!(
            "line {line}: not valid JSON: {what} (column {})",
            e.column()
        ),
    }
}

/// One value at the top of the input.
struct TopLevel<'r, 'a>(&'r mut JsonReader<'a>);

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of leads, an API page {\"data\": [...]}, or one lead")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.0.elements(seq)
    }

    /// A page streams its `data`; any other object is one lead, named by the line it starts on.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let line = self.0.lines.get() + 1;
        let mut fields = Map::new();
        let mut page = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "data" {
                map.next_value_seed(Data(&mut *self.0))?;
                page = true;
            } else {
                fields.insert(key, map.next_value()?);
            }
        }
        match page {
            true => Ok(()),
            false => self
                .0
                .hand(format!("line {line}"), Record::Json(Value::Object(fields))),
        }
    }
}

/// The `data` of an API page.
struct Data<'r, 'a>(&'r mut JsonReader<'a>);

impl<'de> DeserializeSeed<'de> for Data<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Data<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("`data` to be an array of leads")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.0.elements(seq)
    }
}

// --- CSV ----------------------------------------------------------------------------------------

fn csv_records<R: BufRead>(
    read: Counted<R>,
    add: &mut dyn FnMut(&str, Record) -> Result<(), Stop>,
) -> Result<(), Stop> {
    let skipped = read.skipped_lines;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(read);
    let headers = reader
        .headers()
        .map_err(|e| Stop::Bad(csv_error("the CSV header", e)))?;
    if headers.iter().all(str::is_empty) {
        return Err(Stop::Empty);
    }
    // Where each column is; of two with one name, the first.
    let mut columns: HashMap<String, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        columns.entry(h.to_string()).or_insert(i);
    }
    for required in [
        "id",
        "service",
        "category",
        "created_at",
        "fee_amount",
        "fee_currency",
    ] {
        if !columns.contains_key(required) {
            return Err(Stop::Bad(format!(
                "the CSV header has no `{required}` column (see `leads import --help` for the columns)"
            )));
        }
    }
    let mut row = csv::StringRecord::new();
    for i in 1.. {
        let at = format!("row {i}");
        if !reader
            .read_record(&mut row)
            .map_err(|e| Stop::Bad(csv_error(&at, e)))?
        {
            break;
        }
        let line = row.position().map_or(0, |p| p.line()) + skipped;
        let at = format!("{at} (line {line})");
        let lead = csv_lead(&columns, &row, &at).map_err(Stop::Bad)?;
        add(&at, Record::Json(lead))?;
    }
    Ok(())
}

fn csv_error(at: &str, e: csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => {
            let line = pos
                .as_ref()
                .map_or(String::new(), |p| format!(" (line {})", p.line()));
            format!("{at}{line} is not UTF-8 text; save the file as UTF-8 and import it again")
        }
        csv::ErrorKind::Io(io) => format!("cannot read it: {}", describe_io(io)),
        _ => format!("{at}: {e}"),
    }
}

/// A CSV row as the JSON object the API would have sent.
fn csv_lead(
    columns: &HashMap<String, usize>,
    row: &csv::StringRecord,
    at: &str,
) -> Result<Value, String> {
    let col = |name: &str| {
        columns
            .get(name)
            .and_then(|&i| row.get(i))
            .filter(|v| !v.is_empty())
    };
    let text = |name: &str| col(name).map_or(Value::Null, |v| Value::String(v.into()));
    let int = |name: &str| -> Result<Value, String> {
        match col(name) {
            None => Ok(Value::Null),
            Some(v) => v.parse::<i64>().map(Value::from).map_err(|_| {
                format!("{at}: column {name}: {v:?} is not a whole number of minor units")
            }),
        }
    };
    let mut lead = Map::new();
    for key in [
        "id",
        "kind",
        "status",
        "service",
        "category",
        "created_at",
        "expires_at",
        "schedule",
        "message",
    ] {
        let v = text(key);
        if !v.is_null() {
            lead.insert(key.into(), v);
        }
    }
    lead.insert(
        "fee".into(),
        serde_json::json!({"amount": int("fee_amount")?, "currency": text("fee_currency")}),
    );
    let (bmin, bmax) = (int("budget_min")?, int("budget_max")?);
    if !bmin.is_null() || !bmax.is_null() {
        let currency = col("budget_currency").or(col("fee_currency"));
        lead.insert(
            "budget".into(),
            serde_json::json!({"min": bmin, "max": bmax, "currency": currency}),
        );
    }
    if ["city", "district", "postcode"]
        .iter()
        .any(|c| col(c).is_some())
    {
        lead.insert(
            "location".into(),
            serde_json::json!({"city": text("city"), "district": text("district"), "postcode": text("postcode")}),
        );
    }
    lead.insert(
        "customer".into(),
        serde_json::json!({
            "display_name": col("customer_name").unwrap_or_default(),
            "phone": text("customer_phone"),
            "email": text("customer_email"),
        }),
    );
    if let Some(answers) = col("answers") {
        let parsed: Value = serde_json::from_str(answers)
            .map_err(|e| format!("{at}: column answers is not a JSON array: {e}"))?;
        lead.insert("answers".into(), parsed);
    }
    if let Some(action) = col("decision_action") {
        lead.insert(
            "decision".into(),
            serde_json::json!({
                "action": action,
                "decided_at": text("decided_at"),
                "reason": text("reason"),
                "note": text("note"),
            }),
        );
    }
    Ok(Value::Object(lead))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"{"id":"a","service":"Cleaning","category":"cleaning","created_at":"2026-11-23T08:00:00Z","fee":{"amount":100,"currency":"TWD"}}"#;

    /// The leads `input` holds as `leads import` reads them, without a store, or the first error.
    fn read_all(input: impl BufRead, format: InputFormat) -> Result<Vec<Lead>, String> {
        let (first, read) = first_byte(Counted::new(skip_bom(input))).unwrap();
        let format = match format {
            InputFormat::Auto => detect("-", first),
            f => f,
        };
        let mut leads = Vec::new();
        let outcome = records(read, format, &mut |at, value| {
            leads.push(to_lead(at, value).map_err(Stop::Bad)?.0);
            Ok(())
        });
        match outcome {
            Ok(()) => Ok(leads),
            Err(Stop::Bad(why)) => Err(why),
            Err(Stop::Empty) => Err("empty".into()),
            Err(Stop::Failed(e)) => Err(e.message),
            Err(Stop::Abandoned) => Err("abandoned".into()),
        }
    }

    fn parse(text: &str, format: InputFormat) -> Result<Vec<Lead>, String> {
        read_all(text.as_bytes(), format)
    }

    fn sniff(file: &str, text: &str) -> InputFormat {
        detect(file, first_byte(Counted::new(text.as_bytes())).unwrap().0)
    }

    #[test]
    fn detects_formats_from_content() {
        assert_eq!(sniff("-", &format!("[{ONE}]")), InputFormat::Json);
        assert_eq!(
            sniff("-", &format!("  \n{{\"data\": [{ONE}]}}")),
            InputFormat::Json
        );
        assert_eq!(sniff("-", &format!("{ONE}\n{ONE}\n")), InputFormat::Json);
        assert_eq!(sniff("-", "id,service\n"), InputFormat::Csv);
        assert_eq!(sniff("x.CSV", "[...]"), InputFormat::Csv);
        assert_eq!(sniff("x.jsonl", "id,service"), InputFormat::Json);
    }

    #[test]
    fn every_format_yields_the_same_lead() {
        let json = parse(&format!("[{ONE}]"), InputFormat::Json).unwrap();
        let page = parse(
            &format!("{{\"next_cursor\": null, \"data\": [{ONE}]}}"),
            InputFormat::Auto,
        )
        .unwrap();
        let nd = parse(&format!("{ONE}\n\n"), InputFormat::Ndjson).unwrap();
        let pretty = serde_json::to_string_pretty(&serde_json::from_str::<Value>(ONE).unwrap());
        let one = parse(&format!("\u{feff}{}", pretty.unwrap()), InputFormat::Auto).unwrap();
        let csv = parse(
            "\u{feff}id,service,category,created_at,fee_amount,fee_currency\na,Cleaning,cleaning,2026-11-23T08:00:00Z,100,TWD\n",
            InputFormat::Auto,
        )
        .unwrap();
        assert_eq!(json.len(), 1);
        for other in [&page, &nd, &one, &csv] {
            assert_eq!(&json, other);
        }
        // Values one after another, of any of these shapes, are all read.
        let mixed = format!("[{ONE},{ONE}]{ONE}\n{{\"data\":[{ONE}]}}");
        assert_eq!(parse(&mixed, InputFormat::Auto).unwrap().len(), 4);
    }

    #[test]
    fn errors_name_the_record_and_the_reason() {
        let bad = ONE.replace("100", "-5");
        let e = parse(&format!("[{ONE}, {bad}]"), InputFormat::Json).unwrap_err();
        assert_eq!(e, "record 2 (id \"a\"): `fee.amount` must not be negative");
        let e = parse(&format!("{ONE}\n\n{bad}\n"), InputFormat::Auto).unwrap_err();
        assert_eq!(e, "line 3 (id \"a\"): `fee.amount` must not be negative");
        let e = parse(&format!("{ONE}\n{{oops\n"), InputFormat::Ndjson).unwrap_err();
        assert_eq!(e, "line 2: not valid JSON: key must be a string (column 2)");
        // A file cut short names its last line, not the empty one after it.
        let cut = &ONE[..ONE.len() - 1];
        let e = parse(&format!("{ONE}\n{cut}\n"), InputFormat::Auto).unwrap_err();
        assert_eq!(
            e,
            "the file ends inside a record (at line 2): was it cut short?"
        );
        let e = parse("{\"data\": 3}", InputFormat::Json).unwrap_err();
        assert!(e.contains("expected `data` to be an array of leads"), "{e}");
        let e = parse("id,service,category,created_at,fee_amount,fee_currency\na,S,c,2026-11-23T08:00:00Z,1.5,TWD\n", InputFormat::Csv).unwrap_err();
        assert!(e.contains("row 1 (line 2): column fee_amount"), "{e}");
        let e = parse("id,service\n", InputFormat::Csv).unwrap_err();
        assert!(e.contains("no `category` column"), "{e}");
        let e = parse("[1, 2]", InputFormat::Auto).unwrap_err();
        assert_eq!(e, "record 1: a lead is a JSON object, not a number");
        assert_eq!(parse(" \n\t", InputFormat::Auto).unwrap_err(), "empty");
        assert_eq!(parse("", InputFormat::Csv).unwrap_err(), "empty");
    }

    /// NDJSON lines are read on a fast path until one is not a whole lead; whatever follows is
    /// read as it always was, with the same records, names and messages.
    #[test]
    fn the_ndjson_fast_path_hands_over_to_the_streaming_parser_unchanged() {
        let two = ONE.replace("\"a\"", "\"b\"");
        // A page on one line that also has every field of a lead is a page, as it always was.
        let page = format!("{{\"data\": [{two}], {}", &ONE[1..]);
        let pretty = serde_json::to_string_pretty(&serde_json::from_str::<Value>(ONE).unwrap());
        let text = format!("{ONE}\n\n{page}\n{}\n{two}\n", pretty.unwrap());
        let leads = parse(&text, InputFormat::Ndjson).unwrap();
        let ids: Vec<&str> = leads.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "a", "b"]);
        // A key twice is an error serde_json's map of values lets through (the last wins).
        let twice = ONE.replace("\"id\":\"a\"", "\"id\":\"x\",\"id\":\"a\"");
        assert_eq!(parse(&twice, InputFormat::Ndjson).unwrap()[0].id, "a");
        // Line numbers after the hand-over count the lines of the fast path too.
        let bad = ONE.replace("100", "-5");
        let e = parse(&format!("{ONE}\n[{ONE},\n{bad}]"), InputFormat::Ndjson).unwrap_err();
        assert_eq!(e, "record 2 (id \"a\"): `fee.amount` must not be negative");
        let e = parse(&format!("{ONE}\n{{\n\"id\": 3}}"), InputFormat::Ndjson).unwrap_err();
        assert_eq!(
            e,
            "line 2: `id`: invalid type: integer `3`, expected a string"
        );
        let e = parse(&format!("{ONE}\n{ONE}\n{ONE} x\n"), InputFormat::Ndjson).unwrap_err();
        assert_eq!(e, "line 3: not valid JSON: expected value (column 129)");
    }

    /// Blank space longer than the read buffer is read past to find the format; the lines it
    /// held still count in the names of the records after it.
    #[test]
    fn records_after_long_blank_space_keep_their_line_numbers() {
        let blank = "\n".repeat(100);
        let csv = format!(
            "{blank}id,service,category,created_at,fee_amount,fee_currency\na,S,c,2026-11-23T08:00:00Z,x,TWD\n"
        );
        let input = BufReader::with_capacity(16, csv.as_bytes());
        let e = read_all(input, InputFormat::Auto).unwrap_err();
        assert!(e.starts_with("row 1 (line 102): column fee_amount"), "{e}");
        let bad = ONE.replace("100", "-5");
        let text = format!("{blank}{ONE}\n{bad}");
        let e = read_all(
            BufReader::with_capacity(16, text.as_bytes()),
            InputFormat::Auto,
        );
        assert_eq!(
            e.unwrap_err(),
            "line 102 (id \"a\"): `fee.amount` must not be negative"
        );
        let text = format!("{blank}[{ONE},\n{{oops");
        let e = read_all(
            BufReader::with_capacity(16, text.as_bytes()),
            InputFormat::Auto,
        )
        .unwrap_err();
        assert!(e.starts_with("line 102: not valid JSON"), "{e}");
    }

    /// Gives `first`, then fails as a broken disk would: what was handed on before the failure
    /// shows the reader works record by record rather than reading everything first.
    struct BreaksAfter(io::Cursor<String>);

    impl Read for BreaksAfter {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match self.0.read(out)? {
                0 => Err(io::Error::other("the disk went away")),
                n => Ok(n),
            }
        }
    }

    #[test]
    fn records_are_handed_on_as_they_are_read() {
        for (format, start) in [
            (InputFormat::Json, format!("[{ONE}, {ONE}, ")),
            (InputFormat::Json, format!("{{\"data\": [{ONE}, {ONE}, ")),
            (InputFormat::Ndjson, format!("{ONE}\n{ONE}\n{{")),
            (
                InputFormat::Csv,
                "id,service,category,created_at,fee_amount,fee_currency\na,S,c,2026-11-23T08:00:00Z,1,TWD\nb,S,c,2026-11-23T08:00:00Z,1,TWD\nc,S".into(),
            ),
        ] {
            let input = BufReader::new(BreaksAfter(io::Cursor::new(start)));
            let mut handed = 0;
            let outcome = records(Counted::new(input), format, &mut |_, _| {
                handed += 1;
                Ok(())
            });
            let Err(Stop::Bad(why)) = outcome else {
                panic!("{format:?}: the failure is not reported");
            };
            assert!(why.contains("the disk went away"), "{format:?}: {why}");
            assert_eq!(handed, 2, "{format:?}");
        }
    }
}
