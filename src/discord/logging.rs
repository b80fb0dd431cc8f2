//! What the bot may log. Messages are health data and tokens are secrets, so the log filter
//! has a ceiling that `RUST_LOG` cannot raise:
//!
//! - gutcheck's own targets log at whatever `RUST_LOG` asks (up to trace). They never log
//!   message text, questions or tokens; only `--log-message-text` adds the text, at debug,
//!   under the target `gutcheck::message_text`.
//! - every dependency is held at warn at most. Below that, serenity's spans carry request
//!   routes (interaction tokens are part of the URL) and bodies, and tungstenite hex-dumps
//!   gateway frames, the login frame with the bot token included.
//! - `serenity::gateway::ws` and `serenity::http` are held at error: at warn they print a
//!   gateway payload that failed to parse (a whole message) and request routes.
//!
//! The ceiling sits under the formatter, so it holds for readable lines and for JSON lines
//! (`--log-format json`) alike.

use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, Registry, fmt};

use super::config::LogFormat;

/// The target of the one log line that carries message text (`--log-message-text`).
pub const MESSAGE_TEXT_TARGET: &str = "gutcheck::message_text";

/// The ceiling over every target, whatever `RUST_LOG` says.
pub fn ceiling() -> Targets {
    Targets::new()
        .with_default(LevelFilter::WARN)
        .with_target("gutcheck", LevelFilter::TRACE)
        .with_target("serenity::gateway::ws", LevelFilter::ERROR)
        .with_target("serenity::http", LevelFilter::ERROR)
}

/// Logs to stderr in `format`: `RUST_LOG` (default `info`) under the ceiling. With
/// `message_text`, the message-text target is switched on at debug and a warning says so at
/// start.
pub fn init(message_text: bool, format: LogFormat) {
    let mut wanted = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    if message_text && let Ok(directive) = format!("{MESSAGE_TEXT_TARGET}=debug").parse() {
        wanted = wanted.add_directive(directive);
    }
    let formatter: Box<dyn Layer<Registry> + Send + Sync> = match format {
        LogFormat::Text => fmt::layer().with_writer(std::io::stderr).boxed(),
        // One object per line; span fields are flattened into each event's line.
        LogFormat::Json => fmt::layer()
            .json()
            .flatten_event(true)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let layer = formatter.with_filter(wanted).with_filter(ceiling());
    let _ = tracing_subscriber::registry().with(layer).try_init();
    if message_text {
        tracing::warn!(
            "--log-message-text is on: the log will contain what members write, which is \
             health data. Turn it off when you are done debugging."
        );
    }
}
