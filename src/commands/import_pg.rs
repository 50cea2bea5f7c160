//! `leads import --database URL`: the same records, checked by the same code, into the
//! PostgreSQL database a team's servers share, in one transaction (all or nothing, as into the
//! SQLite store). Only this and `leads serve` reach PostgreSQL.

use chrono::{DateTime, Utc};

use crate::config::ServerSettings;
use crate::context::Ctx;
use crate::domain::filter::{KindFilter, LeadFilter, StatusFilter};
use crate::domain::lead::Lead;
use crate::error::{CliError, Exit};
use crate::marketplaces::YELP_CURSOR;
use crate::render::Format;
use crate::store::postgres::{PgError, PgStore, Target, webhooks, writes};
use crate::store::{Import, ImportSummary, LeadSource, SameId, Store};

/// `leads import --database URL --from-store`: every lead of the data dir's SQLite store (the one
/// a single `leads serve` ran on), each with its decision, charge, messages and outcome, into the
/// database in one transaction, with the outcomes later ones replaced, and the marketplaces'
/// webhooks (processed ones, so a platform's retry stays a no-op; queued ones, to be processed
/// there) with Yelp's event cursors. Leads already there are updated by the import rules (nothing
/// is decided twice). What stays behind: the idempotency keys (a client retrying a decision made
/// before the move is told `already_decided`, and is charged nothing) and the outbox of replies
/// for the platforms, which only the CLI sends.
pub fn copy_store(ctx: &Ctx, url: &str) -> Result<Exit, CliError> {
    let store = Store::open(&ctx.data_dir)?;
    let everything = LeadFilter {
        status: StatusFilter::All,
        kind: KindFilter::All,
        ..Default::default()
    };
    let leads = store.select(&everything, ctx.now(), ctx.config.freshness.shelf_life)?;
    let mut import = PgImport::begin(url, &ctx.config.server, ctx.now())?;
    for lead in &leads {
        // The list leaves each lead's log out; one read each brings it.
        let full = store.get(&lead.id)?.unwrap_or_else(|| lead.clone());
        if let Err(SameId(_)) = import.add(&full, &format!("lead {}", full.id))? {
            return Err(CliError::new(
                Exit::Failure,
                format!("lead {} was read twice from the store", full.id),
            ));
        }
        let replaced = store.outcome_changes(&full.id)?;
        if !replaced.is_empty() {
            import.run(async |c| writes::copy_replaced_outcomes(c, &full.id, &replaced).await)?;
        }
    }
    let (mut events, mut queued) = (0, 0);
    for kept in store.kept_webhooks()? {
        if import.run(async |c| webhooks::copy(c, &kept).await)? {
            events += 1;
            queued += u64::from(kept.processed_at.is_none());
        }
    }
    for (name, value, at) in store.states_named(YELP_CURSOR)? {
        import.run(async |c| webhooks::remember(c, &name, &value, at).await)?;
    }
    let target = import.store.target().to_string();
    let summary = import.commit()?;
    let hooks = match events {
        0 => String::new(),
        n => format!(
            " {n} webhook event{} came with them ({queued} still to process).",
            if n == 1 { "" } else { "s" }
        ),
    };
    ctx.out.note(&format!(
        "Copied {} lead{} from {} into {target}: {} added, {} updated.{hooks}",
        leads.len(),
        if leads.len() == 1 { "" } else { "s" },
        store.path().display(),
        summary.added,
        summary.updated
    ));
    if ctx.out.format == Format::Json {
        ctx.out.emit(&summary)?;
    }
    Ok(Exit::Ok)
}

/// Where an import writes: the local store, or a database.
/// Each boxed, as each is large: an SQLite import holds its prepared statements, a PostgreSQL
/// one a runtime and a pool.
pub enum Sink<'s> {
    Sqlite(Box<Import<'s>>),
    Postgres(Box<PgImport>),
}

impl Sink<'_> {
    pub fn add(&mut self, lead: &Lead, record: &str) -> Result<Result<(), SameId>, CliError> {
        match self {
            Sink::Sqlite(import) => Ok(import.add(lead, record)?),
            Sink::Postgres(import) => Ok(import.add(lead, record)?),
        }
    }

    pub fn commit(self) -> Result<ImportSummary, CliError> {
        match self {
            Sink::Sqlite(import) => Ok(import.commit()?),
            Sink::Postgres(import) => Ok(import.commit()?),
        }
    }
}

/// An import into PostgreSQL under way: one transaction on one connection, driven from this
/// (blocking) command by a runtime of its own. Dropped without [`PgImport::commit`], the
/// connection closes and the database rolls the transaction back.
pub struct PgImport {
    runtime: tokio::runtime::Runtime,
    store: PgStore,
    client: deadpool_postgres::Client,
    now: DateTime<Utc>,
    summary: ImportSummary,
}

impl PgImport {
    pub fn begin(
        url: &str,
        settings: &ServerSettings,
        now: DateTime<Utc>,
    ) -> Result<PgImport, CliError> {
        let target = Target::parse(url)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CliError::new(crate::error::Exit::Failure, e.to_string()))?;
        // An import is one long transaction: no statement timeout meant for requests.
        let settings = ServerSettings {
            pool_size: 1,
            statement_timeout: chrono::TimeDelta::hours(1),
            ..settings.clone()
        };
        let (store, client) = runtime.block_on(async {
            let store = PgStore::open(target, &settings).await?;
            let client = store.client().await?;
            // The ids seen so far, to refuse a second record with one, kept by the database
            // rather than in memory whatever the file's size.
            client
                .batch_execute(
                    "BEGIN;
                     CREATE TEMP TABLE import_ids (id text PRIMARY KEY, record text NOT NULL)
                        ON COMMIT DROP;",
                )
                .await
                .map_err(|e| store.error(&e))?;
            Ok::<_, PgError>((store, client))
        })?;
        Ok(PgImport {
            runtime,
            store,
            client,
            now,
            summary: ImportSummary::default(),
        })
    }

    pub fn add(&mut self, lead: &Lead, record: &str) -> Result<Result<(), SameId>, PgError> {
        let (client, now, summary) = (&self.client, self.now, &mut self.summary);
        self.runtime.block_on(async {
            let fresh = client
                .execute(
                    "INSERT INTO import_ids (id, record) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &[&lead.id, &record],
                )
                .await?;
            if fresh == 0 {
                let row = client
                    .query_one("SELECT record FROM import_ids WHERE id = $1", &[&lead.id])
                    .await?;
                return Ok(Err(SameId(row.try_get(0)?)));
            }
            writes::import_lead(client, lead, now, summary).await?;
            Ok(Ok(()))
        })
    }

    /// Runs `f` inside the import's transaction.
    pub fn run<T>(
        &self,
        f: impl AsyncFnOnce(&deadpool_postgres::Client) -> Result<T, PgError>,
    ) -> Result<T, PgError> {
        self.runtime.block_on(f(&self.client))
    }

    pub fn commit(self) -> Result<ImportSummary, PgError> {
        self.runtime
            .block_on(self.client.batch_execute("COMMIT"))
            .map_err(|e| self.store.error(&e))?;
        Ok(self.summary)
    }
}
