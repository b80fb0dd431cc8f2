//! `/redflags`: what the bot warns about, how urgently, and why.

use super::{Context, Error, footer, to_reply};
use crate::discord::render;

/// The symptoms gutcheck warns about and why they need a clinician.
#[poise::command(slash_command)]
pub async fn redflags(ctx: Context<'_>) -> Result<(), Error> {
    let shared = ctx.data();
    let core = shared.core();
    let message = render::red_flags(
        &core.faq().red_flags,
        &shared.style,
        &footer(shared, core.disclaimer()),
    );
    ctx.send(to_reply(&message, true)).await?;
    Ok(())
}
