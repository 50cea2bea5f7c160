//! The pure core: leads, money, freshness, the response rate, filters, working conditions, and
//! the conversation after an accept.
//!
//! Nothing here reads a clock, a file, a socket or a terminal. "Now" is always passed in, so every
//! rule can be tested with plain values and gives the same answer on every machine.

pub mod budget;
pub mod conversation;
pub mod decision;
pub mod filter;
pub mod fit;
pub mod freshness;
pub mod lead;
pub mod money;
pub mod rate;
pub mod report;
