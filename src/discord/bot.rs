//! Client setup: HTTP (optionally through a local API base), the poise framework, shards,
//! the FAQ watcher and graceful shutdown.

use std::future::Future;
use std::sync::Arc;

use serenity::all::{ClientBuilder, GatewayError, HttpBuilder};
use tokio::sync::mpsc;

use super::commands;
use super::config::Settings;
use super::core::{Core, Loader};
use super::curator::{Curator, open_store};
use super::events;
use super::state::{Observed, Shared, WatchStart, poll_store, sync_store, watch};

/// Which shards this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shards {
    /// As many as Discord recommends (`GET /gateway/bot`), all in this process.
    Auto,
    /// Shards `first..=last` of `total`: a large deployment runs one range per process.
    Range { first: u32, last: u32, total: u32 },
}

impl Shards {
    /// Checks a range before any connection is made, with a message that says what to fix.
    pub fn range(first: u32, last: u32, total: u32) -> Result<Shards, String> {
        if total == 0 {
            return Err("--shards must be at least 1".into());
        }
        if first > last || last >= total {
            return Err(format!(
                "shard ids run from 0 to {} when --shards is {total}; got {first}..={last}",
                total - 1
            ));
        }
        Ok(Shards::Range { first, last, total })
    }
}

pub struct Launch {
    /// The bot token. Never logged.
    pub token: String,
    /// Send every REST call to this base instead of https://discord.com (a local fake or an
    /// API proxy): `https://`, or `http://` to this machine only. serenity's rate limiter
    /// cannot be used with it; the relay (`relay.rs`) waits out 429s instead.
    pub api_base: Option<String>,
    pub shards: Shards,
    pub settings: Settings,
    /// Hears every decision; tests wait on it.
    pub observer: Option<mpsc::UnboundedSender<Observed>>,
}

/// Runs the bot until `shutdown` resolves (then closes every shard cleanly) or a shard
/// fails for good. Errors are sentences for the person running the bot.
pub async fn run(
    launch: Launch,
    core: Box<dyn Core>,
    loader: Loader,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let token = launch.token.trim().to_string();
    if token.is_empty() {
        return Err(missing_token());
    }
    let mut http = HttpBuilder::new(&token).default_allowed_mentions(commands::no_pings());
    // Checked before the token goes anywhere.
    let upstream = launch
        .api_base
        .as_deref()
        .map(super::relay::check_api_base)
        .transpose()?;
    let mut _relay = None;
    if let Some(upstream) = &upstream {
        let relay = super::relay::start(upstream).await?;
        http = http.proxy(relay.url.clone()).ratelimiter_disabled(true);
        _relay = Some(relay);
    }
    let http = http.build();
    // A rejected token is reported before any shard starts, in words that say what to do.
    if let Err(e) = http.get_current_user().await {
        return Err(match &e {
            serenity::Error::Http(h) if h.status_code().is_some_and(|s| s.as_u16() == 401) => {
                rejected_token()
            }
            _ => format!("cannot reach Discord: {e}"),
        });
    }

    let settings = launch.settings;
    let curator = Curator::new(open_store(&settings).await, &settings);
    let shared = Arc::new(Shared::new(
        settings,
        core,
        loader,
        curator,
        launch.observer,
    ));
    // Server settings, the reload generation and expired questions, before any message.
    sync_store(&shared).await;
    let intents = shared.settings.intents() | shared.curator.intents();
    let mut commands = commands::all(shared.settings.moderator_permission);
    commands::pace_public_answers(&mut commands, &shared.settings);
    let data = shared.clone();
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands,
            allowed_mentions: Some(commands::no_pings()),
            // No prefix commands. With poise's default (a mention counts as a prefix) every
            // mention becomes an "unknown command" whose text poise logs at warn.
            prefix_options: poise::PrefixFrameworkOptions {
                prefix: None,
                mention_as_prefix: false,
                ..Default::default()
            },
            // Public answers are paced by the commands themselves (`take_public_slot`): poise
            // would otherwise apply the cooldowns to private answers too.
            manual_cooldowns: true,
            // No owner-only commands: skip the owners lookup.
            initialize_owners: false,
            event_handler: |framework, event| {
                Box::pin(events::handle(
                    framework.serenity_context,
                    event,
                    framework.bot_id(),
                    framework.user_data,
                ))
            },
            on_error: |error| Box::pin(on_error(error)),
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                match data.settings.dev_guild {
                    Some(guild) => {
                        poise::builtins::register_in_guild(ctx, commands, guild).await?;
                        tracing::info!(%guild, "slash commands registered in the dev guild");
                    }
                    None => {
                        poise::builtins::register_globally(ctx, commands).await?;
                        tracing::info!("slash commands registered globally");
                    }
                }
                Ok(data)
            })
        })
        .build();

    let mut client = ClientBuilder::new_with_http(http, intents)
        .framework(framework)
        .await
        .map_err(|e| format!("cannot set up the Discord client: {e}"))?;

    shared.attach_http(client.http.clone());
    let ops = match shared.settings.metrics_addr {
        Some(addr) => {
            super::health::start(addr, &shared, &client.shard_manager, launch.shards).await
        }
        None => None,
    };
    let manager = client.shard_manager.clone();
    let stopper = tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down: closing every shard");
        manager.shutdown_all().await;
    });
    let watcher = match shared.settings.reload_poll {
        Some(every) => {
            let start = WatchStart::take(&shared).await;
            Some(tokio::spawn(watch(shared.clone(), start, every)))
        }
        None => None,
    };
    let store_poller = shared
        .settings
        .store
        .as_ref()
        .filter(|_| shared.curator.store().is_some())
        .map(|s| tokio::spawn(poll_store(shared.clone(), s.poll)));

    let result = match launch.shards {
        Shards::Auto => client.start_autosharded().await,
        // serenity's range includes its end: `first..last` starts `first` through `last`.
        Shards::Range { first, last, total } => client.start_shard_range(first..last, total).await,
    };
    stopper.abort();
    if let Some(ops) = ops {
        ops.abort();
    }
    if let Some(w) = watcher {
        w.abort();
    }
    if let Some(p) = store_poller {
        p.abort();
    }
    result.map_err(|e| match e {
        serenity::Error::Gateway(GatewayError::InvalidAuthentication) => rejected_token(),
        serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents) => {
            "Discord refused the Message Content intent. Passive answering and red-flag scanning \
             read every message in their channels: enable \"Message Content Intent\" under \
             Bot > Privileged Gateway Intents in the Developer Portal, or remove the passive \
             and scan channels from the config."
                .to_string()
        }
        serenity::Error::Gateway(GatewayError::InvalidShardData) => {
            "Discord rejected the shard settings: check --shard/--shards-range against --shards"
                .to_string()
        }
        other => format!("the Discord connection failed: {other}"),
    })
}

/// The message for an unset or empty `DISCORD_TOKEN`.
pub fn missing_token() -> String {
    "DISCORD_TOKEN is not set. Copy the bot token from the Developer Portal (your application > \
     Bot > Reset Token) and export DISCORD_TOKEN=... before running `gutcheck serve`."
        .to_string()
}

fn rejected_token() -> String {
    "Discord rejected DISCORD_TOKEN (401 Unauthorized). The token may have been reset or \
     mistyped: copy a fresh one from the Developer Portal (your application > Bot > Reset \
     Token)."
        .to_string()
}

async fn on_error(error: poise::FrameworkError<'_, Arc<Shared>, commands::Error>) {
    // Every arm logs without what the member wrote: poise's own handler would log the text
    // of an unknown prefix command and echo unparsable input.
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().name, "command failed: {error}");
            let note = super::render::notice(
                "Something went wrong",
                &["That did not work. Please try again in a moment.".to_string()],
                false,
            );
            let _ = ctx.send(commands::to_reply(&note, true)).await;
        }
        poise::FrameworkError::UnknownCommand { .. }
        | poise::FrameworkError::DynamicPrefix { .. }
        | poise::FrameworkError::NonCommandMessage { .. } => {}
        poise::FrameworkError::ArgumentParse { ctx, .. } => {
            tracing::warn!(command = %ctx.command().name, "an option could not be read");
            let note = super::render::notice(
                "That did not work",
                &["One of the options could not be read. Please try again.".to_string()],
                false,
            );
            let _ = ctx.send(commands::to_reply(&note, true)).await;
        }
        poise::FrameworkError::CooldownHit {
            remaining_cooldown,
            ctx,
            ..
        } => {
            if let Err(e) = commands::too_fast(ctx, remaining_cooldown).await {
                tracing::warn!("could not send the cooldown notice: {e}");
            }
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(
                event = event.snake_case_name(),
                "event handling failed: {error}"
            );
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!("while handling an error: {e}");
            }
        }
    }
}
