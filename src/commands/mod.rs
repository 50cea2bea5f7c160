//! One file per subcommand: its clap `Args` and one `run(ctx, args)`.

pub mod config;
pub mod demo;
pub mod filters;
pub mod import;
pub mod list;
pub mod show;
pub mod status;
