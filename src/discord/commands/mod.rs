//! Slash commands, one file per group. Doc comments on the command functions are the help
//! text Discord shows (poise turns them into descriptions).

mod ask;
mod faq;
mod redflags;
mod reload;

use std::sync::Arc;

use poise::CreateReply;
use serenity::all::{CreateAllowedMentions, Permissions};

use super::render;
use super::state::Shared;

pub use faq::rank_topics;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Context<'a> = poise::Context<'a, Arc<Shared>, Error>;
pub type Command = poise::Command<Arc<Shared>, Error>;

/// Every command, with the moderator permission from the settings applied to the
/// moderator-only ones (Discord hides them from everyone else).
pub fn all(moderator_permission: Permissions) -> Vec<Command> {
    let mut reload = reload::faq_reload();
    reload.default_member_permissions = moderator_permission;
    vec![
        ask::ask(),
        ask::why(),
        faq::faq(),
        faq::sources(),
        redflags::redflags(),
        reload,
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

/// The footer line every embed carries.
pub fn footer(shared: &Shared, core_disclaimer: &str) -> String {
    shared
        .style
        .disclaimer
        .clone()
        .unwrap_or_else(|| core_disclaimer.to_string())
}
