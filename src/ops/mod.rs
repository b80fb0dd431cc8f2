//! Operations: what an operator scrapes and probes while the bot serves. `metrics` names
//! and records every counter (through the `metrics` crate, exported in Prometheus' text
//! format); `server` serves `/metrics` and `/healthz` on a configured address. Neither knows
//! serenity: the Discord adapter records what it decides and answers the health probe.

pub mod metrics;
pub mod server;

pub use server::{Health, Probe};
