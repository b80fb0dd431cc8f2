//! `gutcheck serve`: run the Discord bot.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Cli;
use crate::discord::config::{LogFormat, parse_metrics_addr};
use crate::discord::core::{gutcheck_loader, open_gutcheck};
use crate::discord::{Launch, Settings, Shards};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Bot settings in TOML (see gutcheck.example.toml); GUTCHECK_* variables override it.
    #[arg(long, env = "GUTCHECK_CONFIG")]
    pub config: Option<PathBuf>,

    /// Total number of shards across all processes. Alone: run all of them here.
    /// Omitted: as many as Discord recommends (autosharding).
    #[arg(long)]
    pub shards: Option<u32>,

    /// Run only this shard id (0-based) of --shards.
    #[arg(long, requires = "shards", conflicts_with = "shards_range")]
    pub shard: Option<u32>,

    /// Run a range of shard ids of --shards: `2..4` runs 2 and 3, `2..=4` runs 2, 3 and 4.
    #[arg(long, requires = "shards", value_parser = parse_range)]
    pub shards_range: Option<(u32, u32)>,

    /// Send Discord API calls to this base URL instead of https://discord.com (an API proxy
    /// such as twilight-http-proxy, or a local test server): https://, or http:// to this
    /// machine only. Rate limits (429) are then waited out by gutcheck's relay.
    #[arg(long, env = "GUTCHECK_DISCORD_PROXY")]
    pub api_base: Option<String>,

    /// DEBUG ONLY, LOGS HEALTH DATA: log the text of every message and question the bot
    /// reads (debug level, target gutcheck::message_text). Also GUTCHECK_LOG_MESSAGE_TEXT=1
    /// or `log_message_text = true` in the config.
    #[arg(long)]
    pub log_message_text: bool,

    /// Log lines as readable `text` (the default) or `json`, one object per line for log
    /// shippers. Also GUTCHECK_LOG_FORMAT or `log_format` in the config. Either way no
    /// message text is logged unless --log-message-text is on.
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,

    /// Serve Prometheus metrics (/metrics) and a health check (/healthz) on IP:PORT, or
    /// `off`. Default 127.0.0.1:9464; also GUTCHECK_METRICS_ADDR or `metrics_addr` in the
    /// config.
    #[arg(long, value_name = "IP:PORT|off", value_parser = |s: &str| parse_metrics_addr(s).map(MetricsAddr))]
    pub metrics_addr: Option<MetricsAddr>,
}

/// `--metrics-addr`: an address, or `None` for off.
#[derive(Debug, Clone, Copy)]
pub struct MetricsAddr(pub Option<SocketAddr>);

/// `A..B` (end excluded) or `A..=B` (end included) as (first, last) inclusive.
fn parse_range(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{text}` is not a shard range: write FIRST..END or FIRST..=LAST");
    let (a, b, inclusive) = if let Some((a, b)) = text.split_once("..=") {
        (a, b, true)
    } else if let Some((a, b)) = text.split_once("..") {
        (a, b, false)
    } else {
        return Err(bad());
    };
    let first: u32 = a.trim().parse().map_err(|_| bad())?;
    let end: u32 = b.trim().parse().map_err(|_| bad())?;
    let last = if inclusive {
        end
    } else {
        end.checked_sub(1).ok_or_else(bad)?
    };
    if last < first {
        return Err(format!(
            "`{text}` is empty: the range must include at least one shard"
        ));
    }
    Ok((first, last))
}

fn shards(args: &ServeArgs) -> Result<Shards, String> {
    match (args.shards, args.shard, args.shards_range) {
        (None, _, _) => Ok(Shards::Auto),
        (Some(total), Some(id), _) => Shards::range(id, id, total),
        (Some(total), None, Some((first, last))) => Shards::range(first, last, total),
        (Some(total), None, None) => Shards::range(0, total.saturating_sub(1), total),
    }
}

pub fn run(cli: &Cli, args: &ServeArgs) -> Result<ExitCode, String> {
    let token = std::env::var("DISCORD_TOKEN").unwrap_or_default();
    if token.trim().is_empty() {
        // Before the FAQ loads: the quickest answer to the commonest first-run mistake.
        return Err(crate::discord::missing_token());
    }
    let mut settings = Settings::load(args.config.as_deref())?;
    settings.log_message_text |= args.log_message_text;
    if let Some(format) = args.log_format {
        settings.log_format = format;
    }
    if let Some(MetricsAddr(addr)) = args.metrics_addr {
        settings.metrics_addr = addr;
    }
    crate::discord::logging::init(settings.log_message_text, settings.log_format);
    let shards = shards(args)?;
    let core =
        open_gutcheck(&cli.faq, &cli.index, &cli.model_choice()).map_err(|e| e.to_string())?;
    let loader = gutcheck_loader(cli.faq.clone(), cli.model_choice());
    let launch = Launch {
        token,
        api_base: args.api_base.clone(),
        shards,
        settings,
        observer: None,
    };
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(crate::discord::run(launch, core, loader, stop_signal()))?;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on Ctrl-C or SIGTERM (what `docker stop` and systemd send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!("cannot listen for SIGTERM ({e}); Ctrl-C still stops the bot");
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_say_which_end_is_included() {
        assert_eq!(parse_range("2..4"), Ok((2, 3)));
        assert_eq!(parse_range("2..=4"), Ok((2, 4)));
        assert_eq!(parse_range("0..1"), Ok((0, 0)));
        assert!(parse_range("3..3").is_err());
        assert!(parse_range("3-4").is_err());
    }
}
