//! `/faq-reload`: moderators swap in edited FAQ files without a restart.

use poise::serenity_prelude::CreateAttachment;

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
    let reply = match ctx.data().reload(Trigger::Command).await {
        Ok(summary) => to_reply(&render::notice("FAQ reloaded", &[summary], true), true),
        Err(errors) => {
            let (lines, shown) = failure_lines(&errors);
            let mut reply = to_reply(&render::notice("FAQ not reloaded", &lines, false), true);
            if shown < errors.len() {
                let text = errors.join("\n") + "\n";
                reply = reply.attachment(CreateAttachment::bytes(text, "faq-errors.txt"));
            }
            reply
        }
    };
    ctx.send(reply).await?;
    Ok(())
}

/// Room for the listed problems in the notice, leaving space for the lines around them.
const LIST_CHARS: usize = render::limits::DESCRIPTION - 600;

/// The notice for a failed reload: the count, the problems in order (root causes come
/// first) while they fit, and how many more are in the attached file and the bot's log.
/// Returns the lines and how many problems they show.
fn failure_lines(errors: &[String]) -> (Vec<String>, usize) {
    let mut lines = vec![format!(
        "{} problem(s); the previous FAQ is still being served. Fix these and reload:",
        errors.len()
    )];
    let mut used = 0;
    let mut shown = 0;
    for error in errors {
        let line = format!("• `{}`", render::truncate(error, 500));
        used += line.chars().count() + 1;
        if used > LIST_CHARS && shown > 0 {
            break;
        }
        lines.push(line);
        shown += 1;
    }
    if shown < errors.len() {
        lines.push(format!(
            "…and {} more: every problem is in the attached faq-errors.txt and in the bot's log.",
            errors.len() - shown
        ));
    }
    (lines, shown)
}

#[cfg(test)]
mod tests {
    use super::failure_lines;

    #[test]
    fn the_first_problems_are_shown_and_the_rest_counted() {
        let errors: Vec<String> = (0..183)
            .map(|i| format!("faq/entries/e{i}.toml:3:1: error: unknown source id `s{i}`"))
            .collect();
        let (lines, shown) = failure_lines(&errors);
        assert!(lines[0].starts_with("183 problem(s)"));
        assert!(
            lines[1].contains("e0.toml"),
            "order is kept: root causes come first"
        );
        assert!(shown > 10 && shown < 183, "{shown}");
        assert!(
            lines
                .last()
                .unwrap()
                .contains(&format!("and {} more", 183 - shown))
        );
        let (lines, shown) = failure_lines(&errors[..2]);
        assert_eq!((lines.len(), shown), (3, 2));
    }
}
