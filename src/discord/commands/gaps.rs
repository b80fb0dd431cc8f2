//! `/faq-gaps`: what members asked that the FAQ could not answer (in servers that record
//! it), grouped by meaning, and the vote counts; `/faq-gaps purge` deletes the questions.

use super::{Context, Error, is_moderator, to_reply};
use crate::discord::render;
use crate::gaps::{self, GapGroup};
use crate::store::{FeedbackCount, Gap};

/// How many groups and vote lines the reply shows.
const SHOWN: usize = 15;

/// Unanswered questions and answer votes for this server (moderators, private).
#[poise::command(
    slash_command,
    rename = "faq-gaps",
    guild_only,
    subcommands("show", "purge")
)]
pub async fn faq_gaps(_ctx: Context<'_>) -> Result<(), Error> {
    // Discord runs a subcommand; a group itself cannot be invoked.
    Ok(())
}

/// The most frequent unanswered questions, grouped by meaning, and the answers' votes.
#[poise::command(slash_command, guild_only)]
pub async fn show(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = moderator_guild(ctx).await? else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let Some(store) = ctx.data().curator.store() else {
        return say(ctx, "No database", NO_STORE.to_string()).await;
    };
    let (Some(found), Some(votes)) = (
        store.call(|s| s.gaps(Some(guild))).await,
        store.call(|s| s.feedback(Some(guild))).await,
    ) else {
        return say(ctx, "Database not answering", DOWN.to_string()).await;
    };
    let groups = group(ctx, found).await;
    let mut lines: Vec<String> = if groups.is_empty() {
        vec![gaps::NOTHING_RECORDED.to_string()]
    } else {
        groups
            .iter()
            .take(SHOWN)
            .map(|g| format!("• {}", gaps::line(g)))
            .collect()
    };
    lines.push(String::new());
    lines.extend(vote_lines(&votes));
    say(ctx, "Unanswered questions", lines.join("\n")).await
}

/// Deletes every unanswered question kept for this server.
#[poise::command(slash_command, guild_only)]
pub async fn purge(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = moderator_guild(ctx).await? else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let Some(store) = ctx.data().curator.store() else {
        return say(ctx, "No database", NO_STORE.to_string()).await;
    };
    let Some(deleted) = store.call(|s| s.purge_gaps(Some(guild))).await else {
        return say(ctx, "Database not answering", DOWN.to_string()).await;
    };
    ctx.data().curator.forget_guild(guild);
    say(
        ctx,
        "Unanswered questions deleted",
        format!("{deleted} unanswered question(s) deleted for this server."),
    )
    .await
}

const NO_STORE: &str = "This bot runs without a database, so nothing is recorded. Set \
     data_dir or database_url in its settings file.";
const DOWN: &str = "The bot's database is not answering; answers go on. Try again later.";

/// The server, when a moderator asked; otherwise says why not and returns `None`.
async fn moderator_guild(ctx: Context<'_>) -> Result<Option<u64>, Error> {
    if !is_moderator(ctx) {
        let note = render::notice(
            "Moderators only",
            &["This needs the moderator permission set for this bot.".into()],
            false,
        );
        ctx.send(to_reply(&note, true)).await?;
        return Ok(None);
    }
    Ok(ctx.guild_id().map(|g| g.get()))
}

/// Groups by meaning on the engine's pool (the model embeds every question); by words
/// when there is no model or the engine is too busy.
async fn group(ctx: Context<'_>, found: Vec<Gap>) -> Vec<GapGroup> {
    let texts: Vec<String> = found.iter().map(|g| g.text.clone()).collect();
    let vectors = ctx
        .data()
        .run(move |core| core.embed(&texts))
        .await
        .ok()
        .flatten();
    gaps::group(&found, vectors.as_deref())
}

fn vote_lines(votes: &[FeedbackCount]) -> Vec<String> {
    if votes.is_empty() {
        return vec!["No votes on answers yet.".to_string()];
    }
    let mut sorted: Vec<&FeedbackCount> = votes.iter().collect();
    sorted.sort_by(|a, b| {
        b.not_helpful
            .cmp(&a.not_helpful)
            .then(a.entry_id.cmp(&b.entry_id))
    });
    let mut lines = vec!["Votes (not helpful first):".to_string()];
    lines.extend(sorted.iter().take(SHOWN).map(|v| {
        format!(
            "• `{}`: {} helpful, {} not helpful",
            v.entry_id, v.helpful, v.not_helpful
        )
    }));
    lines
}

async fn say(ctx: Context<'_>, title: &str, text: String) -> Result<(), Error> {
    let note = render::notice(
        title,
        &[render::truncate(&text, render::limits::DESCRIPTION - 200)],
        true,
    );
    ctx.send(to_reply(&note, true)).await?;
    Ok(())
}
