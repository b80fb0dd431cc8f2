//! Keeping unanswered questions, for servers that opted in: the cleaned text (mentions,
//! links and code stripped), where and when, and the entries it came closest to. Only in
//! the background: the member's reply never waits for this.

use std::sync::Arc;

use serenity::all::{ChannelId, GuildId};

use super::curator::{Asked, Effective, unix_now};
use super::state::{Observed, Shared};
use crate::store::{Gap, GapReason};
use crate::text::clean::clean;

/// The question to keep, if this server records unanswered questions; `None` otherwise
/// (off by default, and never in direct messages) or when nothing is left after cleaning.
pub fn question(
    rules: &Effective,
    guild: Option<GuildId>,
    channel: ChannelId,
    content: &str,
) -> Option<Asked> {
    let guild = guild.filter(|_| rules.record_gaps)?;
    let text = clean(content).text.trim().to_string();
    if text.is_empty() {
        return None;
    }
    Some(Asked {
        guild: guild.get(),
        channel: channel.get(),
        text,
        candidates: Vec::new(),
        at: unix_now(),
    })
}

/// A question the bot abstained on, asked directly.
pub fn keep_abstained(shared: &Arc<Shared>, asked: Asked, retention_days: u32) {
    keep(shared, asked, GapReason::Abstained, retention_days);
}

/// Finds the closest entries (on the engine's pool, within its budget) and stores the
/// question, all in a task of its own.
pub fn keep(shared: &Arc<Shared>, asked: Asked, reason: GapReason, retention_days: u32) {
    let shared = shared.clone();
    tokio::spawn(async move {
        let text = asked.text.clone();
        let candidates = shared
            .run(move |core| core.candidates(&text))
            .await
            .unwrap_or_default();
        let Some(store) = shared.curator.store() else {
            return;
        };
        let guild = asked.guild;
        let gap = Gap {
            id: 0,
            guild_id: asked.guild,
            channel_id: asked.channel,
            text: asked.text,
            reason,
            candidates,
            asked_at: asked.at,
            expires_at: asked.at + i64::from(retention_days) * 24 * 60 * 60,
        };
        let saved = store.call(|s| s.add_gap(&gap)).await.is_some();
        shared.observe(Observed::GapKept { guild, saved });
    });
}
