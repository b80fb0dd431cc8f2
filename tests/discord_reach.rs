//! End to end, issue 14 items 1-5: where gutcheck can be asked and how its public answers
//! behave. The "Ask gutcheck" message command, Dismiss on every public answer, paced public
//! answers, autocomplete through the engine and forum threads; against the fake Discord on
//! 127.0.0.1, waiting on requests and the bot's own reports, never on time.

mod support;

use std::time::Duration;

use serde_json::{Value, json};

use gutcheck::discord::{Outcome, Settings, Shards, Skip};
use serenity::all::ChannelId;
use support::bot::*;
use support::fake_discord::fixtures;

fn is_ephemeral(body: &Value) -> bool {
    body["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL != 0
}

fn buttons(components: &Value) -> Vec<(String, String)> {
    components
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["custom_id"].as_str().unwrap_or("").to_string(),
                b["label"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn dismiss_id(components: &Value) -> String {
    buttons(components)
        .into_iter()
        .find(|(_, label)| label == "Dismiss")
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no Dismiss button in {components:#}"))
}

/// No message was posted in any channel after request `from`.
fn nothing_posted_since(bot: &Bot, from: usize) {
    let posted: Vec<String> = bot.fake.requests()[from..]
        .iter()
        .filter(|r| r.method == "POST" && r.path.contains("/channels/"))
        .map(|r| r.path.clone())
        .collect();
    assert!(posted.is_empty(), "posted publicly: {posted:?}");
}

/// A message that gets both an answer and a (non-emergency) red-flag warning.
const WARNS_AND_ANSWERS: &str = "I've had blood in my stool for a week, is leaky gut real?";
const ALARM: &str = "there's been blood in my poo since monday";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_gutcheck_on_a_message_answers_the_clicker_privately() {
    // Default settings: no passive or scanned channel, so no Message Content intent.
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    let registered = bot.ready().await;
    assert_eq!(bot.fake.identifies()[0].intents & MESSAGE_CONTENT, 0);
    let menu = registered
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Ask gutcheck");
    assert_eq!(menu.expect("the message command is registered")["type"], 3);

    // Bob wrote a question; Alice asks gutcheck about it. The text arrives only in the
    // interaction's resolved data.
    let question = "is leaky gut real?";
    let expected = bot.oracle.respond(question).answer.unwrap();
    let target = fixtures::message(7_001, ELSEWHERE, BOB, question, &[]);
    let from = bot.fake.request_count();
    let body = bot
        .interact(|id| fixtures::message_command(id, ELSEWHERE, ALICE, "Ask gutcheck", target))
        .await;
    assert!(is_ephemeral(&body), "{body:#}");
    assert_eq!(embeds(&body)[0]["title"], expected.title.as_str());
    no_pings(&body);
    nothing_posted_since(&bot, from);

    // A red flag in the selected message: to the clicker alone, about the message.
    assert!(bot.oracle.respond(ALARM).warning_tier().is_some());
    let target = fixtures::message(7_002, ELSEWHERE, BOB, ALARM, &[]);
    let from = bot.fake.request_count();
    let body = bot
        .interact(|id| fixtures::message_command(id, ELSEWHERE, ALICE, "Ask gutcheck", target))
        .await;
    assert!(is_ephemeral(&body), "{body:#}");
    let warning = &embeds(&body)[0];
    let title = warning["title"].as_str().unwrap();
    assert!(title.starts_with("⚠️ The selected message"), "{title}");
    assert!(
        warning["description"]
            .as_str()
            .unwrap()
            .starts_with("This advice is for whoever has the symptom")
    );
    nothing_posted_since(&bot, from);

    // A message with no text: said plainly, privately.
    let target = fixtures::message(7_003, ELSEWHERE, BOB, "", &[]);
    let body = bot
        .interact(|id| fixtures::message_command(id, ELSEWHERE, ALICE, "Ask gutcheck", target))
        .await;
    assert!(is_ephemeral(&body));
    assert_eq!(embeds(&body)[0]["title"], "Nothing to answer");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_answer_has_dismiss_and_a_warning_survives_it() {
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    bot.ready().await;

    // Public /ask: Dismiss for the asker; a bystander is refused, a moderator may.
    let body = bot
        .command(
            ALICE,
            "ask",
            &[
                ("question", 3, json!("is leaky gut real?")),
                ("private", 5, json!(false)),
            ],
        )
        .await;
    assert!(!is_ephemeral(&body));
    let dismiss = dismiss_id(&body["data"]["components"]);
    assert_eq!(dismiss, format!("gutcheck:dismiss:{}", ALICE.id));
    let answer = fixtures::bot_message(9_001, ELSEWHERE, &body["data"]);
    let refused = bot
        .interact(|id| fixtures::button(id, ELSEWHERE, BOB, &dismiss, answer.clone()))
        .await;
    assert!(is_ephemeral(&refused));
    assert!(
        refused["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Only the person")
    );
    let (_, from) = bot.interaction(|id| fixtures::button(id, ELSEWHERE, MOD, &dismiss, answer));
    bot.fake
        .wait_request(from, "DELETE", |r| {
            r.path == format!("/api/v10/channels/{ELSEWHERE}/messages/9001")
        })
        .await;

    // Public /faq: Dismiss too; a private /faq needs none.
    let entry = bot.oracle.faq().entries[0].id.clone();
    let body = bot
        .command(
            ALICE,
            "faq",
            &[("topic", 3, json!(entry)), ("public", 5, json!(true))],
        )
        .await;
    assert_eq!(
        dismiss_id(&body["data"]["components"]),
        format!("gutcheck:dismiss:{}", ALICE.id)
    );
    let body = bot
        .command(ALICE, "faq", &[("topic", 3, json!(entry))])
        .await;
    assert!(buttons(&body["data"]["components"]).is_empty());

    // A mention answer that came with a warning: Dismiss edits it down to the warning.
    let reply = bot.oracle.respond(WARNS_AND_ANSWERS);
    assert!(reply.answer.is_some() && reply.warning_tier().is_some());
    let said = bot.mention(0, ELSEWHERE, ALICE, WARNS_AND_ANSWERS).await;
    let sent = bot.reply(&said).await;
    assert_eq!(embeds(&sent).len(), 2, "{sent:#}");
    let dismiss = dismiss_id(&sent["components"]);
    let posted = fixtures::bot_message(9_002, ELSEWHERE, &sent);
    let body = bot
        .interact(|id| fixtures::button(id, ELSEWHERE, ALICE, &dismiss, posted))
        .await;
    assert_eq!(body["type"], 7, "the message is updated in place: {body:#}");
    let kept = embeds(&body);
    assert_eq!(kept.len(), 1);
    assert!(kept[0]["title"].as_str().unwrap().starts_with("⚠️"));
    assert_eq!(body["data"]["components"], json!([]));

    // A warning on its own is never dismissable.
    let emergency = "I am vomiting blood right now";
    let reply = bot.oracle.respond(emergency);
    assert!(!reply.shows_answer());
    let said = bot.mention(0, ELSEWHERE, BOB, emergency).await;
    let sent = bot.reply(&said).await;
    assert!(buttons(&sent["components"]).is_empty(), "{sent:#}");
    bot.stop().await;
}

fn paced() -> Settings {
    Settings {
        public_user_cooldown: Duration::from_secs(600),
        public_channel_cooldown: Duration::from_secs(600),
        mention_user_cooldown: Duration::from_secs(600),
        ..settings()
    }
}

fn public_ask(question: &str) -> Vec<(&'static str, u8, Value)> {
    vec![
        ("question", 3, json!(question)),
        ("private", 5, json!(false)),
    ]
}

fn is_too_soon(body: &Value) -> bool {
    embeds(body)[0]["title"] == "Too soon for another public answer"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_answers_are_paced_but_warnings_and_private_answers_are_not() {
    let mut bot = Bot::start(paced(), Shards::Auto, 1).await;
    bot.ready().await;
    let question = "is leaky gut real?";

    let body = bot.command(ALICE, "ask", &public_ask(question)).await;
    assert!(!is_ephemeral(&body) && !is_too_soon(&body), "{body:#}");
    // Again at once: told privately when to retry, nothing public.
    let body = bot.command(ALICE, "ask", &public_ask(question)).await;
    assert!(is_ephemeral(&body) && is_too_soon(&body), "{body:#}");
    let text = embeds(&body)[0]["description"].as_str().unwrap();
    assert!(text.contains("Try again in about 10 minutes"), "{text}");
    // Someone else in the same channel: the channel's window holds them too.
    let body = bot.command(BOB, "ask", &public_ask(question)).await;
    assert!(is_too_soon(&body), "{body:#}");
    // A private answer is never paced, and neither is a warning.
    let body = bot
        .command(BOB, "ask", &[("question", 3, json!(question))])
        .await;
    assert!(is_ephemeral(&body) && !is_too_soon(&body), "{body:#}");
    let body = bot.command(ALICE, "ask", &public_ask(ALARM)).await;
    assert!(
        embeds(&body)[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("⚠️"),
        "{body:#}"
    );

    // Public /faq has its own windows.
    let entry = bot.oracle.faq().entries[0].id.clone();
    let public_faq = [("topic", 3, json!(entry)), ("public", 5, json!(true))];
    let body = bot.command(ALICE, "faq", &public_faq).await;
    assert!(!is_ephemeral(&body), "{body:#}");
    let body = bot.command(ALICE, "faq", &public_faq).await;
    assert!(is_ephemeral(&body) && is_too_soon(&body), "{body:#}");

    // Mentions: one public answer per member in the window; a warning still goes out.
    let said = bot.mention(0, ELSEWHERE, ALICE, question).await;
    assert!(matches!(
        said.outcome,
        Outcome::Replied {
            answered: Some(_),
            ..
        }
    ));
    let from = bot.fake.request_count();
    let said = bot.mention(0, ELSEWHERE, ALICE, question).await;
    assert_eq!(said.outcome, Outcome::Ignored(Skip::MentionCooldown));
    nothing_posted_since(&bot, from);
    let said = bot.mention(0, ELSEWHERE, ALICE, WARNS_AND_ANSWERS).await;
    assert!(
        matches!(
            said.outcome,
            Outcome::Replied {
                warned: Some(_),
                answered: None
            }
        ),
        "{:?}",
        said.outcome
    );
    // Bob has his own window.
    let said = bot.mention(0, ELSEWHERE, BOB, question).await;
    assert!(matches!(
        said.outcome,
        Outcome::Replied {
            answered: Some(_),
            ..
        }
    ));
    bot.stop().await;
}

fn choices(body: &Value) -> Vec<String> {
    assert_eq!(body["type"], 8, "an autocomplete result: {body:#}");
    let choices = body["data"]["choices"].as_array().unwrap();
    assert!(choices.len() <= 25);
    choices
        .iter()
        .map(|c| c["value"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faq_autocomplete_uses_synonyms_typo_repair_and_meaning() {
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    bot.ready().await;
    let typed = |partial: &'static str| {
        move |id| fixtures::autocomplete(id, ELSEWHERE, ALICE, "faq", "topic", partial)
    };
    let faq = bot.oracle.faq().clone();
    let mentions = |id: &str, words: &[&str]| {
        let entry = faq.entry(id).unwrap();
        entry.phrasings().any(|p| {
            let p = p.to_lowercase();
            words.iter().any(|w| p.contains(w))
        })
    };

    // A typo: repaired against the FAQ's own words.
    let ids = choices(&bot.interact(typed("probiotcs")).await);
    assert!(
        !ids.is_empty() && mentions(&ids[0], &["probiotic"]),
        "{ids:?}"
    );
    // A synonym: "spastic colon" is what some call IBS.
    let ids = choices(&bot.interact(typed("spastic colon")).await);
    assert!(
        ids.iter()
            .any(|id| mentions(id, &["ibs", "irritable bowel"])),
        "{ids:?}"
    );
    // Empty input: entries by title, up to the limit.
    let ids = choices(&bot.interact(typed("")).await);
    assert_eq!(ids.len(), faq.entries.len().min(25));
    let titles: Vec<String> = ids
        .iter()
        .map(|id| faq.entry(id).unwrap().title.to_lowercase())
        .collect();
    assert!(titles.is_sorted(), "{titles:?}");
    // What the bot offers is what the core ranks.
    let ids = choices(
        &bot.interact(typed("does fasting heal the gut lining"))
            .await,
    );
    let core: Vec<String> = bot
        .oracle
        .topics("does fasting heal the gut lining", 25)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, core);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_forum_thread_gets_its_first_post_answered() {
    const FORUM: u64 = 444;
    const OTHER_FORUM: u64 = 445;
    const POST: u64 = 4_441;
    const OTHER_POST: u64 = 4_451;
    let mut s = settings();
    s.forum_channels.insert(ChannelId::new(FORUM));
    let mut bot = Bot::start(s, Shards::Auto, 1).await;
    bot.ready().await;
    assert_ne!(
        bot.fake.identifies()[0].intents & MESSAGE_CONTENT,
        0,
        "first posts are read without a mention"
    );
    bot.fake.add_channel(fixtures::channel(FORUM, 15, None));
    bot.fake
        .add_channel(fixtures::channel(OTHER_FORUM, 15, None));
    bot.fake
        .add_channel(fixtures::channel(POST, 11, Some(FORUM)));
    bot.fake
        .add_channel(fixtures::channel(OTHER_POST, 11, Some(OTHER_FORUM)));

    // The first post of a thread has the thread's id.
    let (question, entry) = passive_question(bot.oracle.as_ref());
    let from = bot.fake.request_count();
    let (_, outcome) = bot.say_on(0, POST, POST, ALICE, &question, &[]).await;
    assert_eq!(
        outcome,
        Outcome::Replied {
            warned: None,
            answered: Some(entry)
        }
    );
    let said = Said {
        id: POST,
        outcome,
        channel: POST,
        from,
    };
    let sent = bot.reply(&said).await;
    assert_eq!(
        dismiss_id(&sent["components"]),
        format!("gutcheck:dismiss:{}", ALICE.id)
    );

    // Later posts in the thread, and first posts in other forums, are not this feature's.
    let (_, outcome) = bot.say(POST, BOB, &question).await;
    assert_eq!(outcome, Outcome::Ignored(Skip::NotWatched));
    let (_, outcome) = bot
        .say_on(0, OTHER_POST, OTHER_POST, ALICE, &question, &[])
        .await;
    assert_eq!(outcome, Outcome::Ignored(Skip::NotWatched));
    // A first post the passive bar does not answer stays unanswered.
    let thread: u64 = 4_442;
    bot.fake
        .add_channel(fixtures::channel(thread, 11, Some(FORUM)));
    let (_, outcome) = bot
        .say_on(0, thread, thread, BOB, "hello everyone, new here", &[])
        .await;
    assert_eq!(outcome, Outcome::Ignored(Skip::NothingToSay));
    bot.stop().await;
}
