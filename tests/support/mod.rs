//! Shared test infrastructure.

pub mod fake_discord;
