//! `/redflags`: what the bot warns about, how urgently, and why.

use super::{Context, Error, engine, to_reply};
use crate::discord::render;

/// The symptoms gutcheck warns about and why they need a clinician.
#[poise::command(slash_command)]
pub async fn redflags(ctx: Context<'_>) -> Result<(), Error> {
    let style = ctx.data().effective(ctx.guild_id().map(|g| g.get())).style;
    let message = engine(ctx, true, move |core| {
        let footer = style
            .disclaimer
            .clone()
            .unwrap_or_else(|| core.disclaimer().to_string());
        render::red_flags(&core.faq().red_flags, &style, &footer)
    })
    .await?
    .unwrap_or_else(|_| render::too_slow());
    ctx.send(to_reply(&message, true)).await?;
    Ok(())
}
