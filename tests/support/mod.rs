//! Shared test infrastructure.

pub mod bot;
#[path = "cli.rs"]
pub mod cli;
pub mod fake_discord;
pub mod postgres;
pub mod serve_logs;
