//! Slash commands, one file per group. Doc comments on the command functions are the help
//! text Discord shows (poise turns them into descriptions).

mod ask;
mod config;
mod faq;
mod gaps;
mod redflags;
mod reload;

use std::sync::Arc;

use poise::CreateReply;
use serenity::all::{CreateAllowedMentions, Permissions};

use super::core::Core;
use super::render;
use super::state::{Overrun, Shared};

pub use faq::rank_topics;

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
        faq::faq(),
        faq::sources(),
        redflags::redflags(),
        reload,
        gaps,
        config,
    ]
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
