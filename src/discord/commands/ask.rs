//! `/ask` and `/why`: a question in, the graded answer (or the ranking behind it) out.

use super::{Context, Error, to_reply};
use crate::discord::render;

/// Ask a question about leaky gut; get an evidence-graded, cited answer.
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, e.g. \"does a zonulin test prove leaky gut?\""]
    #[max_length = 1000]
    question: String,
) -> Result<(), Error> {
    let shared = ctx.data();
    let reply = shared.core().respond(&question);
    let message =
        render::reply(&reply, &shared.style).unwrap_or_else(|| {
            render::notice(
            "No FAQ entry answers that yet",
            &["I only answer from a curated FAQ about leaky gut and would rather say nothing \
               than guess. Browse the topics with `/faq`."
                .to_string()],
            false,
        )
        });
    ctx.send(to_reply(&message, false)).await?;
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
    let explanation = ctx.data().core().explain(&question);
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
