//! The Dismiss button under every public answer (passive, forum, mention, public `/ask` and
//! `/faq`): the asker or a moderator may take the answer down. A red-flag warning that came
//! with the answer stays: the message is edited down to the warning instead of deleted.
//!
//! Everything the click needs travels in the button's id (the asker, whether the first
//! embed is a warning), so nothing is remembered between the answer and the click.

use serenity::all::{
    ComponentInteraction, Context as SerenityContext, CreateEmbed, CreateInteractionResponse,
    CreateInteractionResponseMessage,
};

use super::commands::{Error, no_pings};
use super::render::{self, Button, DISMISS_BUTTON, Message, limits};
use super::state::Shared;

/// Marks a message whose first embed is a red-flag warning that must survive a dismiss.
const KEEPS_WARNING: &str = ":w";

/// Adds Dismiss to a public answer for `asker`. `warned`: the message starts with a
/// warning, which the click keeps. A message that is only a warning gets no button: a
/// warning is never dismissed. Nothing is added when the row is already full.
pub fn offer(message: &mut Message, asker: u64, warned: bool) {
    let only_a_warning = warned && message.embeds.len() <= 1;
    if only_a_warning || message.buttons.len() >= limits::BUTTONS_PER_ROW {
        return;
    }
    message.buttons.push(button(asker, warned));
}

pub fn button(asker: u64, keeps_warning: bool) -> Button {
    let mut button = render::dismiss_button(asker);
    if keeps_warning {
        button.custom_id.push_str(KEEPS_WARNING);
    }
    button
}

/// What a Dismiss button's id says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub asker: u64,
    pub keeps_warning: bool,
}

/// `None` for any other button.
pub fn parse(custom_id: &str) -> Option<Target> {
    let rest = custom_id.strip_prefix(DISMISS_BUTTON)?;
    let (asker, keeps_warning) = match rest.strip_suffix(KEEPS_WARNING) {
        Some(asker) => (asker, true),
        None => (rest, false),
    };
    Some(Target {
        asker: asker.parse().ok()?,
        keeps_warning,
    })
}

/// A Dismiss click: refused (privately) for anyone but the asker or a moderator; otherwise
/// the answer goes, its warning staying when it had one.
pub async fn on_click(
    ctx: &SerenityContext,
    click: &ComponentInteraction,
    shared: &Shared,
    target: Target,
) -> Result<(), Error> {
    let moderator = click
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.contains(shared.settings.moderator_permission) || p.administrator());
    if click.user.id.get() != target.asker && !moderator {
        let refusal = "Only the person who asked or a moderator can dismiss this.";
        return super::events::ephemeral(ctx, click, refusal).await;
    }
    match click
        .message
        .embeds
        .first()
        .filter(|_| target.keeps_warning)
    {
        Some(warning) => {
            // One call both acknowledges the click and edits the message down.
            let warning_only = CreateInteractionResponseMessage::new()
                .embeds(vec![CreateEmbed::from(warning.clone())])
                .components(Vec::new())
                .allowed_mentions(no_pings());
            click
                .create_response(
                    &ctx.http,
                    CreateInteractionResponse::UpdateMessage(warning_only),
                )
                .await?;
        }
        None => {
            click
                .create_response(&ctx.http, CreateInteractionResponse::Acknowledge)
                .await?;
            click.message.delete(&ctx.http).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embeds(n: usize) -> Message {
        Message {
            embeds: vec![render::Embed::default(); n],
            buttons: Vec::new(),
        }
    }

    #[test]
    fn ids_round_trip_and_old_buttons_still_parse() {
        let plain = button(42, false);
        assert_eq!(plain.custom_id, "gutcheck:dismiss:42");
        assert_eq!(
            parse(&plain.custom_id),
            Some(Target {
                asker: 42,
                keeps_warning: false
            })
        );
        assert_eq!(
            parse(&button(42, true).custom_id).map(|t| t.keeps_warning),
            Some(true)
        );
        assert_eq!(parse("gutcheck:entry:x"), None);
        assert_eq!(parse("gutcheck:dismiss:abc"), None);
    }

    #[test]
    fn a_warning_alone_gets_no_button() {
        let mut alone = embeds(1);
        offer(&mut alone, 1, true);
        assert!(alone.buttons.is_empty());
        let mut with_answer = embeds(2);
        offer(&mut with_answer, 1, true);
        assert!(
            parse(&with_answer.buttons[0].custom_id)
                .unwrap()
                .keeps_warning
        );
        let mut answer = embeds(1);
        offer(&mut answer, 1, false);
        assert_eq!(answer.buttons.len(), 1);
    }
}
