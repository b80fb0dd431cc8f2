//! Slash commands, one file per group. Doc comments on the command functions are the help
//! text Discord shows (poise turns them into descriptions).

mod ask;
mod ask_message;
mod config;
mod faq;
mod gaps;
mod redflags;
mod reload;

use std::sync::Arc;
use std::time::Duration;

use poise::CreateReply;
use serenity::all::{CreateAllowedMentions, Permissions};

use super::config::Settings;
use super::core::Core;
use super::render;
use super::state::{Overrun, Shared};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Context<'a> = poise::Context<'a, Arc<Shared>, Error>;
pub type Command = poise::Command<Arc<Shared>, Error>;

/// Every command, with the moderator permission from the settings applied to the
/// moderator-only ones (Discord hides them from everyone else).
pub fn all(moderator_permission: Permissions) -> Vec<Command> {
    let mut reload = reload::faq_reload();
    reload.default_member_permissions = moderator_permission;
    let mut gaps = gaps::faq_gaps();
    gaps.default_member_permissions = moderator_permission;
    for sub in &mut gaps.subcommands {
        sub.default_member_permissions = moderator_permission;
    }
    let mut config = config::gutcheck_config();
    config.default_member_permissions = moderator_permission;
    vec![
        ask::ask(),
        ask::why(),
        ask_message::ask_gutcheck(),
        faq::faq(),
        faq::sources(),
        redflags::redflags(),
        reload,
        gaps,
        config,
    ]
}

/// Paces public answers with poise's cooldowns: `/ask` and `/faq` get the settings' per-user
/// and per-channel windows. The commands apply them themselves (`take_public_slot`), and only
/// when they answer in public: a private answer or a red-flag warning is never held back.
/// The framework must run with `manual_cooldowns`, or poise would check them on every use.
pub fn pace_public_answers(commands: &mut [Command], settings: &Settings) {
    for command in commands {
        if matches!(&*command.name, "ask" | "faq") {
            command.manual_cooldowns = Some(true);
            *command.cooldown_config.write().unwrap() = settings.public_cooldown();
        }
    }
}

/// Takes this command's public-answer slot for the member and channel, or says how long
/// until it is free again.
pub fn take_public_slot(ctx: Context<'_>) -> Result<(), Duration> {
    let command = ctx.command();
    let config = command.cooldown_config.read().unwrap().clone();
    let mut tracker = command.cooldowns.lock().unwrap();
    match tracker.remaining_cooldown(ctx.cooldown_context(), &config) {
        Some(left) => Err(left),
        None => {
            tracker.start_cooldown(ctx.cooldown_context());
            Ok(())
        }
    }
}

/// The private reply to someone asking for public answers faster than the cooldowns allow
/// (also poise's `CooldownHit`): when to retry, and that a private answer needs no wait.
pub async fn too_fast(ctx: Context<'_>, remaining: Duration) -> Result<(), Error> {
    // Rounded up: "0 seconds" would invite a retry that fails again.
    let secs = remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0);
    let wait = if secs >= 90 {
        format!("about {} minutes", secs.div_ceil(60))
    } else {
        format!("{secs} seconds")
    };
    let note = render::notice(
        "Too soon for another public answer",
        &[format!(
            "Public answers are paced so the channel stays readable. Try again in {wait}, or \
             ask privately now: `/ask` with `private: True`, or `/faq` without `public`."
        )],
        false,
    );
    if acknowledged(ctx) {
        // A public "thinking" placeholder would stay up: it goes, and the note follows
        // privately.
        if let poise::Context::Application(actx) = ctx {
            actx.interaction.delete_response(ctx.http()).await?;
        }
    }
    ctx.send(to_reply(&note, true)).await?;
    Ok(())
}

/// The only mention policy the bot uses: nobody is pinged by text it echoes or writes.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new().replied_user(false)
}

/// A rendered message as a poise reply.
pub fn to_reply(message: &render::Message, ephemeral: bool) -> CreateReply {
    let mut reply = CreateReply::default()
        .ephemeral(ephemeral)
        .allowed_mentions(no_pings());
    for embed in message.create_embeds() {
        reply = reply.embed(embed);
    }
    let components = message.create_components();
    if !components.is_empty() {
        reply = reply.components(components);
    }
    reply
}

/// Runs `job` on the engine for a slash command, off the async workers and within the
/// reply budget. When the answer is not ready after `defer_after`, the interaction is
/// acknowledged first (ephemeral when `private`), so Discord's 3-second window is always met.
pub async fn engine<T: Send + 'static>(
    ctx: Context<'_>,
    private: bool,
    job: impl FnOnce(&dyn Core) -> T + Send + 'static,
) -> Result<Result<T, Overrun>, Error> {
    let shared = ctx.data();
    let command = ctx.command().name.clone();
    let work = shared.run(move |core| {
        let started = std::time::Instant::now();
        let out = job(core);
        crate::ops::metrics::engine_time(&command, started.elapsed());
        out
    });
    tokio::pin!(work);
    match tokio::time::timeout(shared.settings.defer_after, &mut work).await {
        Ok(done) => Ok(done),
        Err(_) => {
            if private {
                ctx.defer_ephemeral().await?;
            } else {
                ctx.defer().await?;
            }
            Ok(work.await)
        }
    }
}

/// Whether the interaction was already acknowledged (deferred): the next send is then a
/// follow-up whose visibility the acknowledgement fixed.
pub fn acknowledged(ctx: Context<'_>) -> bool {
    match ctx {
        poise::Context::Application(actx) => actx
            .has_sent_initial_response
            .load(std::sync::atomic::Ordering::SeqCst),
        poise::Context::Prefix(_) => false,
    }
}

/// Logs a member's words only under `--log-message-text` (they are health data).
pub fn log_text(ctx: Context<'_>, text: &str) {
    if ctx.data().settings.log_message_text {
        tracing::debug!(
            target: super::logging::MESSAGE_TEXT_TARGET,
            command = %ctx.command().name,
            text,
            "command text"
        );
    }
}

/// Moderator status from the permissions Discord resolved for this member in this channel.
/// `default_member_permissions` already hides the command; this check still runs because
/// server admins can override command permissions per role or channel.
pub fn is_moderator(ctx: Context<'_>) -> bool {
    let needed = ctx.data().settings.moderator_permission;
    match ctx {
        poise::Context::Application(actx) => actx
            .interaction
            .member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.contains(needed) || p.administrator()),
        poise::Context::Prefix(_) => false,
    }
}
