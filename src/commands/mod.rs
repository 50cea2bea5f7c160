//! One file per subcommand: its clap `Args` and one `run(ctx, args)`.

pub mod accept;
pub mod completions;
pub mod config;
pub mod contact;
pub mod conversation;
pub mod decide;
pub mod demo;
pub mod filters;
pub mod followups;
pub mod history;
pub mod import;
pub mod import_pg;
pub mod inbox;
pub mod list;
pub mod lost;
pub mod outcome;
pub mod rates;
pub mod reject;
pub mod reply;
pub mod report;
pub mod serve;
pub mod show;
pub mod status;
pub mod sync;
mod sync_status;
pub mod triage;
pub mod won;
