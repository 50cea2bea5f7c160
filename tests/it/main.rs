//! Integration tests: the real `leads` binary, in temp dirs, with a fixed clock.

mod accounts;
mod config;
mod conversations;
mod decide;
mod durability;
mod env;
mod fake_markets;
mod history;
mod import;
mod inbox;
mod list;
mod marketplaces;
mod money;
mod openapi;
mod pg;
mod pg_cluster;
mod proxy;
mod remote;
mod remote_client;
pub mod serve;
mod shell;
mod show;
mod status;
mod store_file;
mod terminal;
mod triage;
mod untrusted;
