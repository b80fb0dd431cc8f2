//! Gateway events that are not slash commands: messages (mentions, passive answers,
//! red-flag warnings) and button clicks (did-you-mean, Dismiss).

use std::sync::Arc;
use std::time::Instant;

use serenity::all::{
    Channel, ChannelId, ChannelType, ComponentInteraction, Context as SerenityContext,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateMessage, FullEvent, Interaction, Message, UserId,
};

use super::commands::{Error, no_pings};
use super::curator::{Asked, Effective};
use super::dismiss;
use super::logging::MESSAGE_TEXT_TARGET;
use super::render::{self, Audience, ENTRY_BUTTON};
use super::state::{Observed, Outcome, Shared, Skip};
use super::{gaps, votes};
use crate::ops::metrics::{self, Via};
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

/// What to send in answer to a message.
struct Plan {
    message: Option<render::Message>,
    outcome: Outcome,
    /// In a server that records unanswered questions: the question, kept in memory with the
    /// answer's message id, in case someone finds the answer not helpful.
    remember: Option<Asked>,
}

impl Plan {
    fn ignore(skip: Skip) -> Plan {
        Plan {
            message: None,
            outcome: Outcome::Ignored(skip),
            remember: None,
        }
    }
}

async fn on_message(
    ctx: &SerenityContext,
    msg: &Message,
    bot_id: UserId,
    shared: &Arc<Shared>,
) -> Result<(), Error> {
    let plan = plan(ctx, shared, msg, bot_id).await;
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
        sent = match msg.channel_id.send_message(&ctx.http, create).await {
            Ok(posted) => {
                if let Some(asked) = plan.remember.clone() {
                    shared.curator.remember_answer(posted.id.get(), asked);
                }
                Ok(())
            }
            Err(e) => Err(e),
        };
    }
    tracing::debug!(message = %msg.id, outcome = ?plan.outcome, "message handled");
    // Reported even when sending failed: the decision was made either way.
    shared.observe(Observed::Message {
        id: msg.id.get(),
        outcome: plan.outcome,
    });
    Ok(sent?)
}

/// Why the bot reads a message: addressed to it, or in a passive or scanned channel (a
/// thread or forum post counts as its parent channel), or the first post of a new thread in
/// a configured forum.
#[derive(Debug, Clone, Copy)]
struct Mode {
    direct: bool,
    passive: bool,
    scanned: bool,
    forum_first_post: bool,
}

impl Mode {
    /// Answers nobody asked for, at the passive bar.
    fn answers_unasked(&self) -> bool {
        self.passive || self.forum_first_post
    }
}

async fn mode(
    ctx: &SerenityContext,
    shared: &Shared,
    msg: &Message,
    bot_id: UserId,
) -> Result<Mode, Skip> {
    if msg.author.bot || msg.webhook_id.is_some() || msg.author.id == bot_id {
        return Err(Skip::Bot);
    }
    // This server's own channel lists when it set them, the file's otherwise; from memory.
    let settings = shared.effective(msg.guild_id.map(|g| g.get()));
    let direct = msg.guild_id.is_none() || msg.mentions.iter().any(|u| u.id == bot_id);
    let (guild, channel) = (msg.guild_id, msg.channel_id);
    let mut passive = settings.passive.covers(guild, channel, None);
    let mut scanned = settings.scan.covers(guild, channel, None);
    // A forum thread's first post (the thread's starter message) has the thread's id.
    let may_open_a_thread =
        !shared.settings.forum_channels.is_empty() && msg.id.get() == channel.get();
    let mut forum_first_post = false;
    let parent_could_matter = (!passive && !settings.passive.channels.is_empty())
        || (!scanned && !settings.scan.channels.is_empty())
        || may_open_a_thread;
    if !direct && guild.is_some() && parent_could_matter {
        let parent = parent_of(ctx, shared, channel).await;
        passive = settings.passive.covers(guild, channel, parent);
        scanned = settings.scan.covers(guild, channel, parent);
        forum_first_post = may_open_a_thread
            && parent.is_some_and(|p| shared.settings.forum_channels.contains(&p));
    }
    if !direct && !passive && !scanned && !forum_first_post {
        return Err(Skip::NotWatched);
    }
    Ok(Mode {
        direct,
        passive,
        scanned,
        forum_first_post,
    })
}

/// The parent channel of a thread or forum post, `None` for any other channel. Asked of
/// Discord once per channel, then remembered (a thread never moves).
async fn parent_of(
    ctx: &SerenityContext,
    shared: &Shared,
    channel: ChannelId,
) -> Option<ChannelId> {
    if let Some(known) = shared.parents.lock().unwrap().get(&channel.get()) {
        return known.map(ChannelId::new);
    }
    let parent = match ctx.http.get_channel(channel).await {
        Ok(Channel::Guild(c)) => {
            let thread = matches!(
                c.kind,
                ChannelType::PublicThread | ChannelType::PrivateThread | ChannelType::NewsThread
            );
            c.parent_id.filter(|_| thread)
        }
        Ok(_) => None,
        Err(serenity::Error::Http(e)) if e.status_code().is_some_and(|s| s.is_client_error()) => {
            None
        }
        Err(e) => {
            // Not remembered: the next message asks again.
            tracing::warn!(%channel, "cannot tell whether a channel is a thread: {e}");
            return None;
        }
    };
    shared.remember_parent(channel.get(), parent.map(ChannelId::get));
    parent
}

async fn plan(ctx: &SerenityContext, shared: &Arc<Shared>, msg: &Message, bot_id: UserId) -> Plan {
    let now = Instant::now();
    let mode = match mode(ctx, shared, msg, bot_id).await {
        Ok(mode) => mode,
        Err(skip) => return Plan::ignore(skip),
    };
    if shared.settings.log_message_text {
        tracing::debug!(target: MESSAGE_TEXT_TARGET, message = %msg.id, text = %msg.content, "message text");
    }
    let rules = shared.effective(msg.guild_id.map(|g| g.get()));
    let text = msg.content.clone();
    let passive_only = !mode.direct && mode.answers_unasked();
    let reply = shared
        .run(move |core| {
            let started = Instant::now();
            let reply = if passive_only {
                core.respond_passive(&text)
            } else {
                core.respond(&text)
            };
            metrics::engine_time("message", started.elapsed());
            reply
        })
        .await;
    let Ok(reply) = reply else {
        // Told only when they asked the bot; a passive or scanned message stays quiet.
        return Plan {
            message: mode.direct.then(render::too_slow),
            outcome: Outcome::OverBudget {
                notified: mode.direct,
            },
            remember: None,
        };
    };
    let asked = gaps::question(&rules, msg.guild_id, msg.channel_id, &msg.content);
    let mut plan = if mode.direct {
        // A direct message is a private conversation; anywhere else the channel reads along.
        if reply.answer.is_none()
            && reply.red_flags.is_empty()
            && let Some(asked) = asked.clone()
        {
            gaps::keep_abstained(shared, asked, rules.gap_retention_days);
        }
        metrics::replied(Via::Mention, &reply);
        match msg.guild_id {
            None => direct_plan(&rules, &reply, Audience::Private),
            Some(_) => mention_plan(shared, &rules, msg, reply, now),
        }
    } else {
        let plan = watched_plan(shared, &rules, msg, mode, reply, now);
        if let Outcome::Replied {
            answered: Some(_), ..
        } = &plan.outcome
        {
            metrics::passive_answer();
        }
        plan
    };
    if matches!(
        &plan.outcome,
        Outcome::Replied {
            answered: Some(_),
            ..
        }
    ) {
        plan.remember = asked;
    }
    plan
}

/// A mention in a server: answered in public with Dismiss, at most once per member within
/// the mention cooldown. A warning is never held back: inside the cooldown it goes alone.
fn mention_plan(
    shared: &Shared,
    rules: &Effective,
    msg: &Message,
    mut reply: Reply,
    now: Instant,
) -> Plan {
    let asker = msg.author.id.get();
    let ready = shared.mentions.lock().unwrap().ready(&asker, now);
    if !ready {
        if reply.warning_tier().is_none() {
            return Plan::ignore(Skip::MentionCooldown);
        }
        reply.answer = None;
        reply.suggestions.clear();
    }
    let mut plan = direct_plan(rules, &reply, Audience::Public);
    let warned = reply.warning_tier().is_some();
    if let Some(message) = &mut plan.message {
        let more_than_a_warning = !warned || message.embeds.len() > 1;
        if ready && more_than_a_warning {
            shared.mentions.lock().unwrap().fire(asker, now);
        }
        dismiss::offer(message, asker, warned);
    }
    plan
}

/// Asked directly: always answer, warning included, and say so when there is nothing.
fn direct_plan(rules: &Effective, reply: &Reply, audience: Audience) -> Plan {
    let message = render::reply(reply, &rules.style, audience)
        .unwrap_or_else(|| render::nothing_to_answer("that"));
    Plan {
        message: Some(message),
        outcome: replied(reply),
        remember: None,
    }
}

/// A message nobody addressed to the bot, in a passive or scanned channel.
fn watched_plan(
    shared: &Shared,
    rules: &Effective,
    msg: &Message,
    mode: Mode,
    mut reply: Reply,
    now: Instant,
) -> Plan {
    reply.suggestions.clear();
    let would_answer = mode.answers_unasked() && reply.answer.is_some();
    // Decided before any warning is held back by its cooldown: an emergency never gets an
    // answer attached, warned just now or not.
    let answer_allowed = would_answer && reply.shows_answer();
    // Warnings belong to scanned channels; in a passive-only channel they come only with a
    // message the bot was going to answer anyway.
    if !mode.scanned && !would_answer {
        reply.red_flags.clear();
    }
    let mut skipped = Skip::NothingToSay;

    // Whether the warning goes out decides whether an answer may go with it (an emergency
    // warning stands alone), so the warning is settled first.
    if !reply.red_flags.is_empty() {
        let hits = std::mem::take(&mut reply.red_flags);
        let guild = msg.guild_id.map(|g| g.get());
        reply.red_flags = shared.filter_warnings(guild, rules, msg.author.id.get(), hits, now);
        if reply.red_flags.is_empty() {
            skipped = Skip::WarningCooldown;
        }
    }
    match (&reply.answer, answer_allowed) {
        (Some(answer), true) => {
            let taken = shared.take_passive(
                msg.guild_id.map(|g| g.get()),
                rules,
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
    let Some(mut message) = render::reply(&reply, &rules.style, Audience::Public) else {
        return Plan::ignore(skipped);
    };
    if answered {
        let warned = reply.warning_tier().is_some();
        dismiss::offer(&mut message, msg.author.id.get(), warned);
    }
    Plan {
        message: Some(message),
        outcome: replied(&reply),
        remember: None,
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
    if let Some(target) = dismiss::parse(id) {
        dismiss::on_click(ctx, click, shared, target).await?;
    } else if let Some((helpful, entry)) = render::parse_vote(id) {
        let said = votes::record(click, shared, helpful, entry.to_string()).await;
        ephemeral(ctx, click, said).await?;
    } else if let Some(entry) = id.strip_prefix(ENTRY_BUTTON) {
        show_entry(ctx, click, shared, entry.to_string()).await?;
    }
    Ok(())
}

/// A "did you mean" click: that entry, to the clicker alone. Acknowledged first when the
/// engine is slow, so the click never fails in Discord's 3-second window.
async fn show_entry(
    ctx: &SerenityContext,
    click: &ComponentInteraction,
    shared: &Arc<Shared>,
    entry: String,
) -> Result<(), Error> {
    let work = shared.run(move |core| core.entry_reply(&entry));
    tokio::pin!(work);
    let early = tokio::time::timeout(shared.settings.defer_after, &mut work).await;
    let deferred = early.is_err();
    if deferred {
        let thinking = CreateInteractionResponseMessage::new().ephemeral(true);
        click
            .create_response(&ctx.http, CreateInteractionResponse::Defer(thinking))
            .await?;
    }
    let result = match early {
        Ok(done) => done,
        Err(_) => work.await,
    };
    let message = match result {
        Ok(Some(reply)) => render::reply(
            &reply,
            &shared.effective(click.guild_id.map(|g| g.get())).style,
            Audience::Private,
        ),
        Ok(None) => None,
        Err(_) => Some(render::too_slow()),
    }
    .unwrap_or_else(|| {
        render::notice(
            "No such entry",
            &["That entry is no longer in the FAQ. Try `/faq` to browse the topics.".to_string()],
            false,
        )
    });
    if deferred {
        let mut follow = CreateInteractionResponseFollowup::new()
            .embeds(message.create_embeds())
            .ephemeral(true)
            .allowed_mentions(no_pings());
        let components = message.create_components();
        if !components.is_empty() {
            follow = follow.components(components);
        }
        click.create_followup(&ctx.http, follow).await?;
        return Ok(());
    }
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
    Ok(())
}

/// A private answer to a button click.
pub(super) async fn ephemeral(
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
