//! Gateway events that are not slash commands: messages (mentions, passive answers,
//! red-flag warnings) and button clicks (did-you-mean, Dismiss).

use std::sync::Arc;
use std::time::Instant;

use serenity::all::{
    ComponentInteraction, Context as SerenityContext, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateMessage, FullEvent, Interaction, Message, UserId,
};

use super::commands::{Error, no_pings};
use super::render::{self, DISMISS_BUTTON, ENTRY_BUTTON};
use super::state::{Observed, Outcome, Shared, Skip};
use crate::reply::Reply;

pub async fn handle(
    ctx: &SerenityContext,
    event: &FullEvent,
    bot_id: UserId,
    shared: &Arc<Shared>,
) -> Result<(), Error> {
    match event {
        FullEvent::Message { new_message } => on_message(ctx, new_message, bot_id, shared).await,
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(click),
        } => on_click(ctx, click, shared).await,
        FullEvent::Ready { data_about_bot } => {
            tracing::info!(
                shard = ?data_about_bot.shard,
                "connected as {}",
                data_about_bot.user.name
            );
            Ok(())
        }
        _ => Ok(()),
    }
}

/// What to send in answer to a message, decided without touching the network.
struct Plan {
    message: Option<render::Message>,
    outcome: Outcome,
}

async fn on_message(
    ctx: &SerenityContext,
    msg: &Message,
    bot_id: UserId,
    shared: &Arc<Shared>,
) -> Result<(), Error> {
    let plan = plan(shared, msg, bot_id, Instant::now());
    let mut sent = Ok(());
    if let Some(message) = &plan.message {
        let mut create = CreateMessage::new()
            .embeds(message.create_embeds())
            .reference_message(msg)
            .allowed_mentions(no_pings());
        let components = message.create_components();
        if !components.is_empty() {
            create = create.components(components);
        }
        sent = msg
            .channel_id
            .send_message(&ctx.http, create)
            .await
            .map(|_| ());
    }
    tracing::debug!(message = %msg.id, outcome = ?plan.outcome, "message handled");
    // Reported even when sending failed: the decision was made either way.
    shared.observe(Observed::Message {
        id: msg.id.get(),
        outcome: plan.outcome,
    });
    Ok(sent?)
}

fn plan(shared: &Shared, msg: &Message, bot_id: UserId, now: Instant) -> Plan {
    let ignore = |skip| Plan {
        message: None,
        outcome: Outcome::Ignored(skip),
    };
    if msg.author.bot || msg.webhook_id.is_some() || msg.author.id == bot_id {
        return ignore(Skip::Bot);
    }
    let settings = &shared.settings;
    let direct = msg.guild_id.is_none() || msg.mentions.iter().any(|u| u.id == bot_id);
    let passive = settings.passive.covers(msg.guild_id, msg.channel_id);
    let scanned = settings.scan.covers(msg.guild_id, msg.channel_id);
    if !direct && !passive && !scanned {
        return ignore(Skip::NotWatched);
    }
    let core = shared.core();
    if direct {
        // Asked directly: always answer, warning included, and say so when there is nothing.
        let reply = core.respond(&msg.content);
        let outcome = replied(&reply);
        let message = render::reply(&reply, &shared.style).unwrap_or_else(|| {
            render::notice(
                "No FAQ entry answers that yet",
                &[
                    "I only answer from a curated FAQ about leaky gut. Try `/faq` to browse \
                   the topics."
                        .to_string(),
                ],
                false,
            )
        });
        return Plan {
            message: Some(message),
            outcome,
        };
    }

    let mut reply = if passive {
        core.respond_passive(&msg.content)
    } else {
        core.respond(&msg.content)
    };
    reply.suggestions.clear();
    let would_answer = passive && reply.answer.is_some();
    // Decided before any warning is held back by its cooldown: an emergency never gets an
    // answer attached, warned just now or not.
    let answer_allowed = would_answer && reply.shows_answer();
    // Warnings belong to scanned channels; in a passive-only channel they come only with a
    // message the bot was going to answer anyway.
    if !scanned && !would_answer {
        reply.red_flags.clear();
    }
    let mut skipped = Skip::NothingToSay;

    // Whether the warning goes out decides whether an answer may go with it (an emergency
    // warning stands alone), so the warning is settled first.
    if !reply.red_flags.is_empty() {
        let hits = std::mem::take(&mut reply.red_flags);
        let secs = now.saturating_duration_since(shared.started).as_secs();
        reply.red_flags = shared
            .warnings
            .lock()
            .unwrap()
            .filter(msg.author.id.get(), hits, secs);
        if reply.red_flags.is_empty() {
            skipped = Skip::WarningCooldown;
        }
    }
    match (&reply.answer, answer_allowed) {
        (Some(answer), true) => {
            let taken = shared.passive.lock().unwrap().take(
                msg.channel_id.get(),
                &answer.id,
                msg.author.id.get(),
                now,
            );
            if let Err(held) = taken {
                reply.answer = None;
                if reply.red_flags.is_empty() {
                    skipped = Skip::Cooldown(held);
                }
            }
        }
        _ => reply.answer = None,
    }
    let answered = reply.answer.is_some();
    let Some(mut message) = render::reply(&reply, &shared.style) else {
        return ignore(skipped);
    };
    if answered {
        message
            .buttons
            .push(render::dismiss_button(msg.author.id.get()));
    }
    Plan {
        message: Some(message),
        outcome: replied(&reply),
    }
}

fn replied(reply: &Reply) -> Outcome {
    Outcome::Replied {
        warned: reply.warning_tier(),
        answered: reply
            .answer
            .as_ref()
            .filter(|_| reply.shows_answer())
            .map(|a| a.id.clone()),
    }
}

async fn on_click(
    ctx: &SerenityContext,
    click: &ComponentInteraction,
    shared: &Arc<Shared>,
) -> Result<(), Error> {
    let id = click.data.custom_id.as_str();
    if let Some(asker) = id.strip_prefix(DISMISS_BUTTON) {
        let asker: u64 = asker.parse().unwrap_or(0);
        let moderator = click
            .member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.contains(shared.settings.moderator_permission) || p.administrator());
        if click.user.id.get() == asker || moderator {
            click
                .create_response(&ctx.http, CreateInteractionResponse::Acknowledge)
                .await?;
            click.message.delete(&ctx.http).await?;
        } else {
            ephemeral(
                ctx,
                click,
                "Only the person who asked or a moderator can dismiss this.",
            )
            .await?;
        }
    } else if let Some(entry) = id.strip_prefix(ENTRY_BUTTON) {
        let core = shared.core();
        let message = core
            .entry_reply(entry)
            .and_then(|r| render::reply(&r, &shared.style));
        match message {
            Some(message) => {
                let mut response = CreateInteractionResponseMessage::new()
                    .embeds(message.create_embeds())
                    .ephemeral(true)
                    .allowed_mentions(no_pings());
                let components = message.create_components();
                if !components.is_empty() {
                    response = response.components(components);
                }
                click
                    .create_response(&ctx.http, CreateInteractionResponse::Message(response))
                    .await?;
            }
            None => {
                ephemeral(
                    ctx,
                    click,
                    "That entry is no longer in the FAQ. Try `/faq` to browse the topics.",
                )
                .await?
            }
        }
    }
    Ok(())
}

async fn ephemeral(
    ctx: &SerenityContext,
    click: &ComponentInteraction,
    text: &str,
) -> Result<(), Error> {
    let response = CreateInteractionResponseMessage::new()
        .content(render::truncate(text, render::limits::CONTENT))
        .ephemeral(true)
        .allowed_mentions(no_pings());
    click
        .create_response(&ctx.http, CreateInteractionResponse::Message(response))
        .await?;
    Ok(())
}
