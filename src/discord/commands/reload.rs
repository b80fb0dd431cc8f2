//! `/faq-reload`: moderators swap in edited FAQ files without a restart.

use super::{Context, Error, is_moderator, to_reply};
use crate::discord::render;
use crate::discord::state::Trigger;

/// Reload the FAQ files (moderators). On errors the current FAQ stays in service.
#[poise::command(slash_command, rename = "faq-reload")]
pub async fn faq_reload(ctx: Context<'_>) -> Result<(), Error> {
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
    let message = match ctx.data().reload(Trigger::Command).await {
        Ok(summary) => render::notice("FAQ reloaded", &[summary], true),
        Err(errors) => {
            let mut lines = vec![format!(
                "{} problem(s); the previous FAQ is still being served. Fix these and reload:",
                errors.len()
            )];
            lines.extend(errors.iter().map(|e| format!("• `{e}`")));
            render::notice("FAQ not reloaded", &lines, false)
        }
    };
    ctx.send(to_reply(&message, true)).await?;
    Ok(())
}
