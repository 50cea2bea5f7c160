//! One file per subcommand: its clap `Args` and one `run(ctx, args)`.

pub mod accept;
pub mod completions;
pub mod config;
pub mod decide;
pub mod demo;
pub mod filters;
pub mod history;
pub mod import;
pub mod inbox;
pub mod list;
pub mod reject;
pub mod serve;
pub mod show;
pub mod status;
pub mod sync;
pub mod triage;
