//! `/faq topic:` and `/sources entry:`: browse entries by title, with autocomplete.

use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse, User};

use super::{Context, Error, engine, log_text, to_reply};
use crate::discord::render::{self, Audience, limits};
use crate::faq::{Entry, Faq};

/// Autocomplete ranking over titles and phrasings. Returns (title, id), best first, at most
/// 25. Empty input lists the hubs: entries other entries point to most often.
pub fn rank_topics(faq: &Faq, partial: &str) -> Vec<(String, String)> {
    let query = words(partial);
    let mut scored: Vec<(f32, &Entry)> = if query.is_empty() {
        let mut inbound = std::collections::HashMap::<&str, usize>::new();
        for e in &faq.entries {
            for r in &e.related {
                *inbound.entry(r.as_str()).or_default() += 1;
            }
        }
        faq.entries
            .iter()
            .map(|e| (inbound.get(e.id.as_str()).copied().unwrap_or(0) as f32, e))
            .collect()
    } else {
        faq.entries
            .iter()
            .filter_map(|e| {
                let best = e
                    .phrasings()
                    .enumerate()
                    .map(|(i, p)| score(&query, &words(p)) + if i == 0 { 0.25 } else { 0.0 })
                    .fold(0.0_f32, f32::max);
                (best >= 0.5).then_some((best, e))
            })
            .collect()
    };
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.title.cmp(&b.1.title)));
    scored
        .into_iter()
        .take(limits::CHOICES)
        .map(|(_, e)| {
            (
                render::truncate(&e.title, limits::CHOICE_NAME),
                e.id.clone(),
            )
        })
        .collect()
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// 3 for a phrasing that starts with the typed words, 2 when every typed word starts a word
/// of the phrasing, else the share of typed words found that way. The last typed word is
/// usually unfinished, hence prefixes.
fn score(query: &[String], phrasing: &[String]) -> f32 {
    let starts = phrasing.len() >= query.len()
        && query.iter().zip(phrasing).enumerate().all(|(i, (q, p))| {
            if i + 1 == query.len() {
                p.starts_with(q.as_str())
            } else {
                p == q
            }
        });
    if starts {
        return 3.0;
    }
    let found = query
        .iter()
        .filter(|q| phrasing.iter().any(|p| p.starts_with(q.as_str())))
        .count();
    if found == query.len() {
        2.0
    } else {
        found as f32 / query.len() as f32
    }
}

/// Autocomplete cannot be deferred and Discord drops an answer after 3 s: past this, the
/// list is empty rather than late.
const AUTOCOMPLETE_BUDGET: std::time::Duration = std::time::Duration::from_millis(2000);

async fn autocomplete_topic(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let partial = partial.to_string();
    let work = ctx
        .data()
        .run(move |core| rank_topics(core.faq(), &partial));
    let ranked = match tokio::time::timeout(AUTOCOMPLETE_BUDGET, work).await {
        Ok(Ok(ranked)) => ranked,
        _ => Vec::new(),
    };
    let choices = ranked
        .into_iter()
        .map(|(name, id)| AutocompleteChoice::new(name, id))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// An entry id picked from autocomplete, or else the typed text as a title or question.
fn find_entry<'a>(faq: &'a Faq, topic: &str) -> Option<&'a Entry> {
    faq.entry(topic.trim()).or_else(|| {
        let wanted = words(topic);
        faq.entries.iter().find(|e| words(&e.title) == wanted)
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
    let message = reply
        .as_ref()
        .and_then(|r| render::reply(r, &shared.style, audience));
    let Some(message) = message else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_of_the_phrasing_beats_words_anywhere() {
        let q = words("zonulin te");
        assert_eq!(score(&q, &words("zonulin test accuracy")), 3.0);
        assert_eq!(score(&q, &words("is the zonulin test accurate")), 2.0);
        assert_eq!(score(&q, &words("zonulin and gluten")), 0.5);
        assert_eq!(score(&q, &words("probiotics")), 0.0);
    }
}
