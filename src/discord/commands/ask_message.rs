//! "Ask gutcheck" on any message (right-click or long-press > Apps): the selected message
//! answered privately to whoever clicked. Discord puts the message's text in the interaction
//! itself (`data.resolved.messages`), so this needs no Message Content intent.

use serenity::all::Message;

use super::{Context, Error, engine, log_text, to_reply};
use crate::discord::render;

/// Asks gutcheck about the selected message; only you see the answer.
#[poise::command(context_menu_command = "Ask gutcheck")]
pub async fn ask_gutcheck(ctx: Context<'_>, selected: Message) -> Result<(), Error> {
    let text = selected.content;
    if text.trim().is_empty() {
        let note = render::notice(
            "Nothing to answer",
            &[
                "That message has no text I can read (only attachments or embeds). Ask with \
               `/ask` instead."
                    .to_string(),
            ],
            false,
        );
        ctx.send(to_reply(&note, true)).await?;
        return Ok(());
    }
    log_text(ctx, &text);
    let Ok(reply) = engine(ctx, true, move |core| core.respond(&text)).await? else {
        ctx.send(to_reply(&render::too_slow(), true)).await?;
        return Ok(());
    };
    // The server's own emergency contact (`/gutcheck-config`), as every other answer uses.
    let rules = ctx.data().effective(ctx.guild_id().map(|g| g.get()));
    let message = render::about_selected_message(&reply, &rules.style)
        .unwrap_or_else(|| render::nothing_to_answer("that message"));
    ctx.send(to_reply(&message, true)).await?;
    Ok(())
}
