//! `/faq topic:` and `/sources entry:`: browse entries by title, with autocomplete.

use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse, User};

use super::{Context, Error, engine, log_text, take_public_slot, to_reply, too_fast};
use crate::discord::dismiss;
use crate::discord::render::{self, Audience, limits};
use crate::faq::{Entry, Faq};

/// Autocomplete cannot be deferred and Discord drops an answer after 3 s: past this, the
/// list is empty rather than late.
const AUTOCOMPLETE_BUDGET: std::time::Duration = std::time::Duration::from_millis(2000);

async fn autocomplete_topic(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let partial = partial.to_string();
    let work = ctx
        .data()
        .run(move |core| core.topics(&partial, limits::CHOICES));
    let ranked = match tokio::time::timeout(AUTOCOMPLETE_BUDGET, work).await {
        Ok(Ok(ranked)) => ranked,
        _ => Vec::new(),
    };
    let choices = ranked
        .into_iter()
        .map(|(id, title)| {
            AutocompleteChoice::new(render::truncate(&title, limits::CHOICE_NAME), id)
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// An entry id picked from autocomplete, or else the typed text as a title or question.
fn find_entry<'a>(faq: &'a Faq, topic: &str) -> Option<&'a Entry> {
    faq.entry(topic.trim()).or_else(|| {
        let wanted = crate::topics::words(topic);
        faq.entries
            .iter()
            .find(|e| crate::topics::words(&e.title) == wanted)
    })
}

/// Look up a FAQ entry by topic. Only you see it unless you make it public.
#[poise::command(slash_command)]
pub async fn faq(
    ctx: Context<'_>,
    #[description = "Start typing a topic and pick one"]
    #[autocomplete = "autocomplete_topic"]
    #[max_length = 200]
    topic: String,
    #[description = "Post it in the channel for everyone (default: only you see it)"]
    public: Option<bool>,
    #[description = "Someone to point the answer at (they are named, not pinged)"] user: Option<
        User,
    >,
) -> Result<(), Error> {
    let shared = ctx.data();
    // Pointing an answer at someone only makes sense where they can see it.
    let public = public.unwrap_or(user.is_some());
    log_text(ctx, &topic);
    let wanted = topic.clone();
    // A lookup, not a conversation: no triage, so nothing here can post a warning, least of
    // all at someone else.
    let reply = engine(ctx, !public, move |core| {
        match find_entry(core.faq(), &wanted) {
            Some(entry) => core.entry_reply(&entry.id),
            None => {
                let mut reply = core.respond(&wanted);
                reply.red_flags.clear();
                Some(reply)
            }
        }
    })
    .await?;
    let Ok(reply) = reply else {
        ctx.send(to_reply(&render::too_slow(), true)).await?;
        return Ok(());
    };
    let audience = if public {
        Audience::Public
    } else {
        Audience::Private
    };
    let message = reply.as_ref().and_then(|r| {
        render::reply(
            r,
            &shared.effective(ctx.guild_id().map(|g| g.get())).style,
            audience,
        )
    });
    let Some(mut message) = message else {
        let note = render::notice(
            "No such topic",
            &[format!(
                "No FAQ entry matches “{}”. Pick one of the suggestions while typing, or ask \
                 with `/ask`.",
                render::truncate(&topic, 200)
            )],
            false,
        );
        ctx.send(to_reply(&note, true)).await?;
        return Ok(());
    };
    if public {
        if let Err(left) = take_public_slot(ctx) {
            return too_fast(ctx, left).await;
        }
        dismiss::offer(&mut message, ctx.author().id.get(), false);
    }
    let mut builder = to_reply(&message, !public);
    if let Some(user) = user {
        builder = builder.content(format!("For <@{}>:", user.id));
    }
    ctx.send(builder).await?;
    Ok(())
}

/// The full references behind a FAQ entry.
#[poise::command(slash_command)]
pub async fn sources(
    ctx: Context<'_>,
    #[description = "Start typing a topic and pick one"]
    #[autocomplete = "autocomplete_topic"]
    #[max_length = 200]
    entry: String,
) -> Result<(), Error> {
    let disclaimer = ctx.data().style.disclaimer.clone();
    let message = engine(ctx, true, move |core| {
        let footer = disclaimer.unwrap_or_else(|| core.disclaimer().to_string());
        let faq = core.faq();
        match find_entry(faq, &entry) {
            Some(e) => render::sources(faq, e, &footer),
            None => render::notice(
                "No such entry",
                &["Pick an entry from the suggestions while typing.".to_string()],
                false,
            ),
        }
    })
    .await?
    .unwrap_or_else(|_| render::too_slow());
    ctx.send(to_reply(&message, true)).await?;
    Ok(())
}
