//! `/faq-reload`: moderators swap in edited FAQ files without a restart, after every check
//! `gutcheck check` runs; `dry_run:true` shows what would change without swapping.

use poise::serenity_prelude::CreateAttachment;

use super::{Context, Error, is_moderator, to_reply};
use crate::discord::publishing::{self, ATTACHMENT};
use crate::discord::render;
use crate::discord::state::Trigger;

/// Reload the FAQ files (moderators). On errors the current FAQ stays in service.
#[poise::command(slash_command, rename = "faq-reload")]
pub async fn faq_reload(
    ctx: Context<'_>,
    #[description = "Only check the files and show what would change; swap nothing"]
    dry_run: Option<bool>,
) -> Result<(), Error> {
    if !is_moderator(ctx) {
        let note = render::notice(
            "Moderators only",
            &["Reloading the FAQ needs the moderator permission set for this bot.".into()],
            false,
        );
        ctx.send(to_reply(&note, true)).await?;
        return Ok(());
    }
    // Validation and index building can outlast Discord's 3-second window.
    ctx.defer_ephemeral().await?;
    let (notice, attachment) = if dry_run.unwrap_or(false) {
        publishing::dry_run_notice(&publishing::dry_run(ctx.data()).await)
    } else {
        let result = ctx.data().reload_report(Trigger::Command).await;
        publishing::reload_notice(Trigger::Command, &result)
    };
    let mut reply = to_reply(&notice, true);
    if let Some(text) = attachment {
        reply = reply.attachment(CreateAttachment::bytes(text, ATTACHMENT));
    }
    ctx.send(reply).await?;
    Ok(())
}
