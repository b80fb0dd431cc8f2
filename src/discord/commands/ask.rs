//! `/ask` and `/why`: a question in, the graded answer (or the ranking behind it) out.

use super::{Context, Error, acknowledged, engine, log_text, take_public_slot, to_reply, too_fast};
use crate::discord::render::{self, Audience};
use crate::discord::{dismiss, gaps};

/// Ask a question about leaky gut; get an evidence-graded, cited answer.
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, e.g. \"does a zonulin test prove leaky gut?\""]
    #[max_length = 1000]
    question: String,
    #[description = "Only you see the answer (default set by the server's bot settings)"]
    private: Option<bool>,
) -> Result<(), Error> {
    let shared = ctx.data();
    let private = private.unwrap_or(shared.settings.ask_private);
    log_text(ctx, &question);
    let rules = shared.effective(ctx.guild_id().map(|g| g.get()));
    let asked = gaps::question(&rules, ctx.guild_id(), ctx.channel_id(), &question);
    let reply = match engine(ctx, private, move |core| core.respond(&question)).await? {
        Ok(reply) => reply,
        Err(_) => {
            ctx.send(to_reply(&render::too_slow(), true)).await?;
            return Ok(());
        }
    };
    crate::ops::metrics::replied(crate::ops::metrics::Via::Command, &reply);
    if reply.answer.is_none()
        && reply.red_flags.is_empty()
        && let Some(asked) = asked.clone()
    {
        gaps::keep_abstained(shared, asked, rules.gap_retention_days);
    }
    // A red-flag warning goes to the asker alone, whatever they chose.
    let warned = reply.warning_tier().is_some();
    let audience = if private || warned {
        Audience::Private
    } else {
        Audience::Public
    };
    // Checked only now: a warning goes out whatever the pace, and a private answer is
    // never paced.
    if audience == Audience::Public
        && let Err(left) = take_public_slot(ctx)
    {
        return too_fast(ctx, left).await;
    }
    let mut message = render::reply(&reply, &rules.style, audience)
        .unwrap_or_else(|| render::nothing_to_answer("that"));
    if audience == Audience::Public {
        dismiss::offer(&mut message, ctx.author().id.get(), false);
    }
    if warned && !private && acknowledged(ctx) {
        // The public "thinking" placeholder goes; the warning follows privately.
        if let poise::Context::Application(actx) = ctx {
            actx.interaction.delete_response(ctx.http()).await?;
        }
    }
    let sent = ctx
        .send(to_reply(&message, audience == Audience::Private))
        .await?;
    // Only in a server that records unanswered questions: kept in memory in case the
    // answer is voted not helpful (one more request, to learn the answer's message id).
    if let Some(asked) = asked.filter(|_| reply.answer.is_some())
        && let Ok(posted) = sent.message().await
    {
        shared.curator.remember_answer(posted.id.get(), asked);
    }
    Ok(())
}

/// Why did gutcheck answer (or not)? Shows the ranking behind a question. Only you see it.
#[poise::command(slash_command)]
pub async fn why(
    ctx: Context<'_>,
    #[description = "The question to explain"]
    #[max_length = 1000]
    question: String,
) -> Result<(), Error> {
    log_text(ctx, &question);
    let Ok(explanation) = engine(ctx, true, move |core| core.explain(&question)).await? else {
        ctx.send(to_reply(&render::too_slow(), true)).await?;
        return Ok(());
    };
    // A code block keeps the columns of the explanation aligned; the fences count too.
    let body = render::truncate(&explanation, render::limits::DESCRIPTION - 8);
    let message = render::Message {
        embeds: vec![render::Embed {
            title: "Why this answer".into(),
            description: format!("```\n{body}\n```"),
            ..render::Embed::default()
        }],
        buttons: Vec::new(),
    };
    ctx.send(to_reply(&message, true)).await?;
    Ok(())
}
