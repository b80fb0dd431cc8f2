//! The Discord adapter: the only module that knows serenity and poise. It maps events and
//! commands to core calls, applies cooldowns and permissions, renders, and sends.

mod bot;
pub mod commands;
pub mod config;
pub mod cooldown;
pub mod core;
pub mod curator;
pub mod dismiss;
mod events;
mod gaps;
mod health;
pub mod logging;
pub mod publishing;
mod relay;
pub mod render;
pub mod state;
mod votes;

pub use bot::{Launch, Shards, missing_token, run};
pub use config::Settings;
pub use core::{Core, Loader};
pub use state::{Observed, Outcome, Skip, Trigger};
