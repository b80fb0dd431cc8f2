//! End to end: the real `serve` code path (`gutcheck::discord::run`) against the fake Discord
//! in `tests/support/fake_discord`, on 127.0.0.1 only. Nothing here sleeps to wait: tests
//! wait for the REST call they expect, or for the bot's own report of what it decided.

mod support;

use std::time::Duration;

use serde_json::{Value, json};

use gutcheck::discord::cooldown::Held;
use gutcheck::discord::core::{Core, gutcheck_loader};
use gutcheck::discord::{Launch, Observed, Outcome, Settings, Shards, Skip, Trigger};
use gutcheck::respond::ModelChoice;
use serenity::all::{ChannelId, Permissions};
use support::bot::*;
use support::fake_discord::fixtures;
use support::fake_discord::{APP_ID, BOT_USER_ID, FakeDiscord, GUILD_ID, Request};
use support::serve_logs::{SECRET_WORDS, assert_no_secrets, serve_logs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connects_registers_commands_and_answers_slash_commands() {
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    let put = bot.ready().await;
    assert_eq!(
        put.path,
        format!("/api/v10/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    );
    let commands = put.body.as_array().unwrap();
    let names: Vec<&str> = commands
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for name in ["ask", "why", "faq", "sources", "redflags", "faq-reload"] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    for c in commands {
        // Slash commands carry their help; a message command ("Ask gutcheck", type 3) has none.
        let help = c["description"].as_str().unwrap_or("");
        assert!(c["type"] == 3 || !help.is_empty(), "{c:#}");
        let perms = &c["default_member_permissions"];
        // Moderator-only commands (the curator loop's too) carry the moderator permission.
        if ["faq-reload", "faq-gaps", "gutcheck-config"].contains(&c["name"].as_str().unwrap()) {
            assert_eq!(
                perms,
                &json!(Permissions::MANAGE_MESSAGES.bits().to_string())
            );
        } else {
            assert!(perms.is_null(), "{c:#}");
        }
    }
    // Nothing passive or scanned is configured: the privileged intent is not requested.
    let identify = &bot.fake.identifies()[0];
    assert_eq!(identify.intents & MESSAGE_CONTENT, 0);
    assert_ne!(identify.intents & GUILD_MESSAGES, 0);
    assert_eq!(identify.shard, [0, 1]);

    // /ask: an embed with the grade in words and meter, numbered citations and sources.
    let question = "is leaky gut real?";
    let expected = bot
        .oracle
        .respond(question)
        .answer
        .expect("the FAQ answers it");
    let body = bot
        .command(ALICE, "ask", &[("question", 3, json!(question))])
        .await;
    assert_eq!(body["type"], 4);
    no_pings(&body);
    let embed = &embeds(&body)[0];
    assert_eq!(embed["title"], expected.title.as_str());
    let evidence = field(embed, "Evidence");
    assert!(evidence.contains(expected.grade.meter()), "{evidence}");
    assert!(
        evidence.contains(expected.grade.plain_words()),
        "{evidence}"
    );
    assert!(embed["description"].as_str().unwrap().contains("[1]"));
    let sources = field(embed, "Sources");
    let first = &expected.citations[0];
    assert!(sources.contains(&format!("[1] [{}]({})", first.title, first.url)));
    assert!(sources.contains(first.kind.as_str()));
    assert_eq!(
        embed["footer"]["text"],
        bot.oracle.disclaimer(),
        "the disclaimer is the footer"
    );

    // /faq autocomplete: ranked titles, at most 25, ids as values.
    let body = bot
        .interact(|id| fixtures::autocomplete(id, ELSEWHERE, ALICE, "faq", "topic", "zonul"))
        .await;
    assert_eq!(body["type"], 8, "an autocomplete result");
    let choices = body["data"]["choices"].as_array().unwrap();
    assert!(!choices.is_empty() && choices.len() <= 25);
    let top = bot
        .oracle
        .faq()
        .entry(choices[0]["value"].as_str().unwrap())
        .unwrap()
        .clone();
    assert!(
        top.phrasings()
            .any(|p| p.to_lowercase().contains("zonulin")),
        "{}",
        top.title
    );
    assert!(
        choices
            .iter()
            .all(|c| c["name"].as_str().unwrap().chars().count() <= 100)
    );

    // Empty input lists the most useful entries, up to the limit.
    let body = bot
        .interact(|id| fixtures::autocomplete(id, ELSEWHERE, ALICE, "faq", "topic", ""))
        .await;
    let choices = body["data"]["choices"].as_array().unwrap();
    assert_eq!(choices.len(), bot.oracle.faq().entries.len().min(25));

    // /faq with a picked entry: ephemeral unless asked otherwise.
    let body = bot
        .command(ALICE, "faq", &[("topic", 3, json!(top.id))])
        .await;
    assert_eq!(body["data"]["flags"], EPHEMERAL);
    assert_eq!(embeds(&body)[0]["title"], top.title.as_str());
    let body = bot
        .command(
            ALICE,
            "faq",
            &[("topic", 3, json!(top.id)), ("public", 5, json!(true))],
        )
        .await;
    assert_eq!(body["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL, 0);
    // Pointed at someone: public, naming them without a ping.
    let body = bot
        .command(
            ALICE,
            "faq",
            &[
                ("topic", 3, json!(top.id)),
                ("user", 6, json!(BOB.id.to_string())),
            ],
        )
        .await;
    assert_eq!(body["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL, 0);
    assert_eq!(body["data"]["content"], format!("For <@{}>:", BOB.id));
    no_pings(&body);

    // /sources: the full references of the entry.
    let body = bot
        .command(ALICE, "sources", &[("entry", 3, json!(top.id))])
        .await;
    let text = embeds(&body)[0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    for source in top.claims.iter().flat_map(|c| &c.sources) {
        let s = bot.oracle.faq().source(source).unwrap();
        assert!(text.contains(&s.url), "{} missing from /sources", s.url);
    }

    // /redflags lists every rule.
    let body = bot.command(ALICE, "redflags", &[]).await;
    let all = embeds(&body)[0]["fields"].to_string();
    for rule in &bot.oracle.faq().red_flags {
        assert!(
            all.contains(&rule.label),
            "{} missing from /redflags",
            rule.label
        );
    }

    // /why is for the asker only.
    let body = bot
        .command(ALICE, "why", &[("question", 3, json!(question))])
        .await;
    assert_eq!(body["data"]["flags"], EPHEMERAL);
    assert!(
        embeds(&body)[0]["description"]
            .as_str()
            .unwrap()
            .contains(&expected.id)
    );

    // A non-moderator cannot reload, even if a server lets them see the command.
    let body = bot.command(ALICE, "faq-reload", &[]).await;
    assert_eq!(body["data"]["flags"], EPHEMERAL);
    assert_eq!(embeds(&body)[0]["title"], "Moderators only");

    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentions_passive_answers_cooldowns_and_dismiss() {
    let mut bot = Bot::start(watching(), Shards::Auto, 1).await;
    bot.ready().await;
    assert_ne!(bot.fake.identifies()[0].intents & MESSAGE_CONTENT, 0);

    // A mention anywhere gets a reply to that message, pinging nobody.
    let question = "is leaky gut real?";
    let expected = bot.oracle.respond(question).answer.unwrap();
    let said = bot.mention(0, ELSEWHERE, ALICE, question).await;
    let sent = bot
        .expect_reply(
            &said,
            Outcome::Replied {
                warned: None,
                answered: Some(expected.id.clone()),
            },
        )
        .await;
    assert_eq!(sent["message_reference"]["message_id"], said.id.to_string());
    no_pings(&sent);
    assert_eq!(sent["allowed_mentions"]["replied_user"], false);
    assert_eq!(embeds(&sent)[0]["title"], expected.title.as_str());

    // An unclear question: "did you mean" buttons; a click shows that entry to the clicker.
    let (vague, suggested) = vague_question(bot.oracle.as_ref());
    let said = bot.mention(0, ELSEWHERE, ALICE, &vague).await;
    let sent = bot
        .expect_reply(
            &said,
            Outcome::Replied {
                warned: None,
                answered: None,
            },
        )
        .await;
    let buttons = sent["components"][0]["components"].as_array().unwrap();
    let ids: Vec<&str> = buttons
        .iter()
        .map(|b| b["custom_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids[0], format!("gutcheck:entry:{suggested}"), "{ids:?}");
    let echoed = fixtures::bot_message(9_998, ELSEWHERE, &sent);
    let body = bot
        .interact(|id| fixtures::button(id, ELSEWHERE, BOB, ids[0], echoed))
        .await;
    assert_eq!(body["data"]["flags"], EPHEMERAL);
    let title = &bot.oracle.faq().entry(&suggested).unwrap().title;
    assert_eq!(embeds(&body)[0]["title"], title.as_str());

    // Without a mention, the same channel is not watched.
    let (_, outcome) = bot.say(ELSEWHERE, ALICE, question).await;
    assert_eq!(outcome, Outcome::Ignored(Skip::NotWatched));

    // Passive channel: a clear question is answered, with a Dismiss button.
    let (passive_q, entry) = passive_question(bot.oracle.as_ref());
    let said = bot.message(PASSIVE, ALICE, &passive_q).await;
    let sent = bot
        .expect_reply(
            &said,
            Outcome::Replied {
                warned: None,
                answered: Some(entry.clone()),
            },
        )
        .await;
    assert_eq!(sent["message_reference"]["message_id"], said.id.to_string());
    let button = &sent["components"][0]["components"][0];
    assert_eq!(button["label"], "Dismiss");
    let dismiss_id = button["custom_id"].as_str().unwrap().to_string();

    // The same question again inside the cooldown: not answered, nothing posted.
    let count = bot.fake.request_count();
    let (_, outcome) = bot.say(PASSIVE, BOB, &passive_q.to_lowercase()).await;
    assert_eq!(
        outcome,
        Outcome::Ignored(Skip::Cooldown(Held::ChannelEntry))
    );
    // The decision is reported after any send, so a reply would already be recorded.
    assert_eq!(bot.fake.request_count(), count);

    // Off-topic chatter and other bots are ignored.
    let (_, outcome) = bot
        .say(PASSIVE, BOB, "anyone up for the match tonight?")
        .await;
    assert_eq!(outcome, Outcome::Ignored(Skip::NothingToSay));
    let (_, outcome) = bot.say(PASSIVE, OTHER_BOT, &passive_q).await;
    assert_eq!(outcome, Outcome::Ignored(Skip::Bot));
    assert_eq!(bot.fake.request_count(), count);

    // Dismiss: refused for a bystander, done for the asker.
    let reply_message = fixtures::bot_message(9_999, PASSIVE, &sent);
    let body = bot
        .interact(|id| fixtures::button(id, PASSIVE, BOB, &dismiss_id, reply_message.clone()))
        .await;
    assert_eq!(body["data"]["flags"], EPHEMERAL);
    assert!(
        body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Only the person")
    );

    let (_, from) =
        bot.interaction(|id| fixtures::button(id, PASSIVE, ALICE, &dismiss_id, reply_message));
    bot.fake
        .wait_request(from, "DELETE", |r| {
            r.path == format!("/api/v10/channels/{PASSIVE}/messages/9999")
        })
        .await;

    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn red_flags_warn_once_and_negations_stay_quiet() {
    let mut bot = Bot::start(watching(), Shards::Auto, 1).await;
    bot.ready().await;
    let alarm = "there's been blood in my stool for a week, is this my leaky gut?";
    let tier = bot
        .oracle
        .respond(alarm)
        .warning_tier()
        .expect("the triage flags the alarm");

    let said = bot.message(SCANNED, ALICE, alarm).await;
    let outcome = &said.outcome;
    assert!(
        matches!(outcome, Outcome::Replied { warned: Some(t), answered: None } if *t == tier),
        "{outcome:?}"
    );
    let sent = bot.reply(&said).await;
    no_pings(&sent);
    assert!(
        embeds(&sent)[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("⚠️")
    );

    // The same warning to the same person inside the cooldown: quiet.
    let (_, outcome) = bot.say(SCANNED, ALICE, alarm).await;
    assert_eq!(outcome, Outcome::Ignored(Skip::WarningCooldown));
    // Someone else gets their own warning.
    let (_, outcome) = bot.say(SCANNED, BOB, alarm).await;
    assert!(
        matches!(
            outcome,
            Outcome::Replied {
                warned: Some(_),
                ..
            }
        ),
        "{outcome:?}"
    );

    // An emergency in a passive channel: the warning alone, no FAQ answer beside it.
    let emergency = "I've been throwing up blood since this morning, is that leaky gut?";
    assert_eq!(
        bot.oracle.respond(emergency).warning_tier(),
        Some(gutcheck::faq::Tier::Emergency)
    );
    let said = bot.message(PASSIVE, BOB, emergency).await;
    let sent = bot
        .expect_reply(
            &said,
            Outcome::Replied {
                warned: Some(gutcheck::faq::Tier::Emergency),
                answered: None,
            },
        )
        .await;
    assert_eq!(embeds(&sent).len(), 1, "{sent:#}");
    assert!(
        sent["components"].is_null(),
        "no Dismiss: nothing was answered"
    );

    // Negated: no alarm.
    let (_, outcome) = bot
        .say(SCANNED, BOB, "no blood in my stool, just bloating")
        .await;
    assert_eq!(outcome, Outcome::Ignored(Skip::NothingToSay));

    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faq_reload_swaps_good_files_and_keeps_serving_on_errors() {
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    bot.ready().await;
    let question = "is leaky gut real?";
    let entry = bot.oracle.respond(question).answer.unwrap();
    let path = bot
        .faq
        .path()
        .join("entries")
        .join(format!("{}.toml", entry.id));
    let original = std::fs::read_to_string(&path).unwrap();
    let marker = "Edited by a moderator in a test.";
    let start: String = entry.summary.chars().take(20).collect();
    let edited = original.replacen(
        &format!("summary = \"{start}"),
        &format!("summary = \"{marker} {start}"),
        1,
    );
    assert_ne!(
        edited, original,
        "the summary is a basic string in the file"
    );
    std::fs::write(&path, edited).unwrap();

    // A good edit: deferred (ephemeral), then the result as a follow-up.
    let (id, from) = bot.reload();
    let callback = format!("/api/v10/interactions/{id}/token-{id}/callback");
    let deferred = bot
        .fake
        .wait_request(from, "POST", |r| r.path == callback)
        .await;
    assert_eq!(deferred.body["type"], 5);
    assert_eq!(deferred.body["data"]["flags"], EPHEMERAL);
    let result = bot.follow_up(id, from).await;
    assert_eq!(embeds(&result)[0]["title"], "FAQ reloaded");
    let description = bot.ask_description(question).await;
    assert!(description.starts_with(marker), "{description}");

    // A broken file: errors shown with their place, the edited FAQ still served.
    let broken = bot.faq.path().join("entries").join("broken.toml");
    std::fs::write(&broken, "id = \"broken\"\ntitle = \n").unwrap();
    let (id, from) = bot.reload();
    let result = bot.follow_up(id, from).await;
    let embed = &embeds(&result)[0];
    assert_eq!(embed["title"], "FAQ not reloaded");
    let text = embed["description"].as_str().unwrap();
    assert!(text.contains("broken.toml:2:"), "{text}");
    assert!(
        text.contains("previous FAQ is still being served"),
        "{text}"
    );
    let description = bot.ask_description(question).await;
    assert!(description.starts_with(marker), "{description}");

    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_reloads_a_changed_faq() {
    let settings = Settings {
        reload_poll: Some(Duration::from_millis(50)),
        ..settings()
    };
    let mut bot = Bot::start(settings, Shards::Auto, 1).await;
    bot.ready().await;
    std::fs::write(
        bot.faq.path().join("entries").join("broken.toml"),
        "id = 1\n",
    )
    .unwrap();
    let result = bot
        .observe(|o| match o {
            Observed::Reload {
                trigger: Trigger::Watcher,
                result,
            } => Some(result.clone()),
            _ => None,
        })
        .await;
    let errors = result.expect_err("a broken file fails the reload");
    assert!(
        errors.iter().any(|e| e.contains("broken.toml")),
        "{errors:?}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shards_both_serve() {
    // Autosharding follows the recommendation from GET /gateway/bot.
    let mut bot = Bot::start(settings(), Shards::Auto, 2).await;
    bot.ready().await;
    let identifies = bot.fake.wait_identified(2).await;
    let mut shards: Vec<[u32; 2]> = identifies.iter().map(|i| i.shard).collect();
    shards.sort();
    assert_eq!(shards, vec![[0, 2], [1, 2]]);
    assert!(
        bot.fake
            .requests()
            .iter()
            .any(|r| r.path == "/api/v10/gateway/bot")
    );
    // Each shard delivers events to the same bot.
    for shard in [0, 1] {
        let Said { outcome, .. } = bot
            .mention(shard, ELSEWHERE, ALICE, "is leaky gut real?")
            .await;
        assert!(
            matches!(
                outcome,
                Outcome::Replied {
                    answered: Some(_),
                    ..
                }
            ),
            "{outcome:?}"
        );
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shard_range_runs_only_its_shards() {
    let bot = Bot::start(settings(), Shards::range(1, 1, 3).unwrap(), 1).await;
    let identifies = bot.fake.wait_identified(1).await;
    assert_eq!(identifies[0].shard, [1, 3]);
    assert!(
        !bot.fake
            .requests()
            .iter()
            .any(|r| r.path == "/api/v10/gateway/bot"),
        "a fixed range does not ask Discord for a shard count"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_or_missing_token_is_a_clear_error() {
    let fake = FakeDiscord::start(TOKEN, 1).await;
    let faq = faq_copy();
    for token in ["wrong-token", "  "] {
        let launch = Launch {
            token: token.to_string(),
            api_base: Some(fake.rest_url.clone()),
            shards: Shards::Auto,
            settings: settings(),
            observer: None,
        };
        let error = gutcheck::discord::run(
            launch,
            load(faq.path()),
            gutcheck_loader(faq.path().to_path_buf(), ModelChoice::default()),
            std::future::pending(),
        )
        .await
        .expect_err("the bot does not start");
        assert!(error.contains("DISCORD_TOKEN"), "{error}");
        assert!(
            !error.contains(token.trim()) || token.trim().is_empty(),
            "never echo the token"
        );
    }
    assert!(fake.requests().iter().all(|r| !r.authorized));
}

// ---- Issue 12: privacy and robustness ----

/// Alice's slash command with `options`; the interaction callback body.
async fn slash(bot: &mut Bot, name: &str, options: &[(&str, u8, Value)]) -> Value {
    bot.command(ALICE, name, options).await
}

fn is_ephemeral(body: &Value) -> bool {
    body["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL != 0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_replies_never_quote_and_warnings_go_to_the_asker_alone() {
    let mut bot = Bot::start(watching(), Shards::Auto, 1).await;
    bot.ready().await;

    // /ask is private unless the asker (or the config) says otherwise.
    let question = "is leaky gut real?";
    let body = slash(&mut bot, "ask", &[("question", 3, json!(question))]).await;
    assert!(is_ephemeral(&body), "{body:#}");
    let body = slash(
        &mut bot,
        "ask",
        &[
            ("question", 3, json!(question)),
            ("private", 5, json!(false)),
        ],
    )
    .await;
    assert!(!is_ephemeral(&body), "{body:#}");
    assert!(
        !body.to_string().contains(question),
        "a public answer quotes the question"
    );

    // A red flag answering /ask goes privately, even when a public answer was asked for.
    let alarm = "there's been blood in my poo since monday, could that be leaky gut?";
    assert!(bot.oracle.respond(alarm).warning_tier().is_some());
    let body = slash(
        &mut bot,
        "ask",
        &[("question", 3, json!(alarm)), ("private", 5, json!(false))],
    )
    .await;
    assert!(is_ephemeral(&body), "{body:#}");
    assert!(
        embeds(&body)[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("⚠️")
    );

    // A public warning (a mention) lists what it noticed by label, never in the writer's words.
    let said = bot.mention(0, ELSEWHERE, ALICE, alarm).await;
    let sent = bot.reply(&said).await;
    assert!(
        embeds(&sent)[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("⚠️")
    );
    let text = sent.to_string();
    assert!(!text.contains("in my poo"), "{text}");

    // /faq is a lookup: alarm words in the topic never make the bot warn, least of all at
    // someone else.
    for topic in [
        "I am vomiting blood right now",
        "blood in stool leaky gut emergency",
    ] {
        let body = slash(
            &mut bot,
            "faq",
            &[
                ("topic", 3, json!(topic)),
                ("public", 5, json!(true)),
                ("user", 6, json!(BOB.id.to_string())),
            ],
        )
        .await;
        // Whatever the lookup shows (an entry, or "no such topic"), no embed is a warning.
        let titles: Vec<&str> = embeds(&body)
            .iter()
            .map(|e| e["title"].as_str().unwrap_or(""))
            .collect();
        assert!(titles.iter().all(|t| !t.contains("⚠️")), "{titles:?}");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads_and_forum_posts_inherit_their_channels_settings() {
    const THREAD: u64 = 2221;
    const FORUM: u64 = 444;
    const POST: u64 = 4441;
    const THREAD_ELSEWHERE: u64 = 3331;
    const IN_CATEGORY: u64 = 555;
    let mut settings = watching();
    settings.scan.channels.insert(ChannelId::new(FORUM));
    let mut bot = Bot::start(settings, Shards::Auto, 1).await;
    bot.ready().await;
    bot.fake
        .add_channel(fixtures::channel(THREAD, 11, Some(SCANNED)));
    bot.fake.add_channel(fixtures::channel(FORUM, 15, None));
    bot.fake
        .add_channel(fixtures::channel(POST, 11, Some(FORUM)));
    bot.fake
        .add_channel(fixtures::channel(THREAD_ELSEWHERE, 11, Some(ELSEWHERE)));
    // A plain channel's parent is its category: that is not inherited.
    bot.fake
        .add_channel(fixtures::channel(IN_CATEGORY, 0, Some(SCANNED)));

    let alarm = "there's been blood in my stool for a week";
    for (channel, who) in [(THREAD, ALICE), (POST, BOB)] {
        let (_, outcome) = bot.say(channel, who, alarm).await;
        assert!(
            matches!(
                outcome,
                Outcome::Replied {
                    warned: Some(_),
                    ..
                }
            ),
            "channel {channel}: {outcome:?}"
        );
    }
    for channel in [THREAD_ELSEWHERE, IN_CATEGORY] {
        let (_, outcome) = bot.say(channel, ALICE, alarm).await;
        assert_eq!(outcome, Outcome::Ignored(Skip::NotWatched), "{channel}");
    }
    // Each channel is looked up once, then remembered.
    let count = bot.fake.request_count();
    bot.say(THREAD, MOD, alarm).await;
    let lookups = bot.fake.requests()[count..]
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert_eq!(lookups, 0);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_are_waited_out_and_the_reply_still_arrives() {
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    bot.ready().await;
    let posts = format!("/api/v10/channels/{ELSEWHERE}/messages");
    bot.fake.rate_limit("POST", &posts, 2, 0.4);
    let said = bot.mention(0, ELSEWHERE, ALICE, "is leaky gut real?").await;
    assert!(matches!(
        said.outcome,
        Outcome::Replied {
            answered: Some(_),
            ..
        }
    ));
    let attempts: Vec<Request> = bot.fake.requests()[said.from..]
        .iter()
        .filter(|r| r.path == posts)
        .cloned()
        .collect();
    let statuses: Vec<u16> = attempts.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![429, 429, 200]);
    for pair in attempts.windows(2) {
        let waited = pair[1].at - pair[0].at;
        assert!(waited >= Duration::from_millis(400), "{waited:?}");
    }

    // An interaction's answer too.
    bot.fake
        .rate_limit("POST", "/api/v10/interactions/", 1, 0.3);
    let body = slash(&mut bot, "redflags", &[]).await;
    assert_eq!(embeds(&body)[0]["title"], "What gutcheck warns about");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_goes_over_plain_http_to_another_machine() {
    let faq = faq_copy();
    for base in [
        "http://gateway.example.org",
        "http://10.1.2.3:8080",
        "ftp://127.0.0.1",
    ] {
        let launch = Launch {
            token: TOKEN.to_string(),
            api_base: Some(base.to_string()),
            shards: Shards::Auto,
            settings: settings(),
            observer: None,
        };
        let error = gutcheck::discord::run(
            launch,
            load(faq.path()),
            gutcheck_loader(faq.path().to_path_buf(), ModelChoice::default()),
            std::future::pending(),
        )
        .await
        .expect_err("refused before anything is sent");
        assert!(error.contains(base), "{error}");
        assert!(!error.contains(TOKEN), "{error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_report_puts_the_root_cause_first_and_counts_the_rest() {
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    bot.ready().await;
    std::fs::remove_file(bot.faq.path().join("sources.toml")).unwrap();
    let (id, from) = bot.reload();
    let body = bot.follow_up(id, from).await;
    // Sent with the full list attached, so the body is multipart text.
    let text = body
        .as_str()
        .map_or_else(|| body.to_string(), str::to_string);
    let root = text
        .find("sources.toml:1:1: error: file not found")
        .unwrap_or_else(|| panic!("no root cause in {text}"));
    let first_other = text
        .find("unknown source id")
        .expect("the errors it causes");
    assert!(root < first_other, "root cause first: {text}");
    assert!(
        text.contains(" more: every problem is in the attached"),
        "{text}"
    );
    assert!(text.contains("faq-errors.txt"), "{text}");
    bot.stop().await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_in_the_faq_folder_fails_the_reload_instead_of_freezing_it() {
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    bot.ready().await;
    let fifo = bot.faq.path().join("entries").join("stuck.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for _ in 0..2 {
        let (id, from) = bot.reload();
        let result = bot.follow_up(id, from).await;
        let embed = &embeds(&result)[0];
        assert_eq!(embed["title"], "FAQ not reloaded");
        let text = embed["description"].as_str().unwrap();
        assert!(
            text.contains("stuck.toml:1:1: error: not a regular file"),
            "{text}"
        );
    }
    bot.stop().await;
}

/// A core that takes `delay` for every call once armed: what a heavier engine (an embedding
/// model, a cold disk) looks like to the adapter. Armed after start-up, so only the calls
/// the bot makes while serving are slow.
struct SlowCore {
    inner: Box<dyn Core>,
    delay: Duration,
    armed: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl SlowCore {
    fn wait(&self) {
        if self.armed.load(std::sync::atomic::Ordering::SeqCst) {
            // Blocking on purpose: run on an async worker, this stalls it.
            std::thread::sleep(self.delay);
        }
    }
}

impl Core for SlowCore {
    fn faq(&self) -> &gutcheck::faq::Faq {
        self.wait();
        self.inner.faq()
    }
    fn disclaimer(&self) -> &str {
        self.wait();
        self.inner.disclaimer()
    }
    fn respond(&self, message: &str) -> gutcheck::reply::Reply {
        self.wait();
        self.inner.respond(message)
    }
    fn respond_passive(&self, message: &str) -> gutcheck::reply::Reply {
        self.wait();
        self.inner.respond_passive(message)
    }
    fn explain(&self, message: &str) -> String {
        self.wait();
        self.inner.explain(message)
    }
    fn entry_reply(&self, id: &str) -> Option<gutcheck::reply::Reply> {
        self.wait();
        self.inner.entry_reply(id)
    }
}

type Armed = std::sync::Arc<std::sync::atomic::AtomicBool>;

async fn slow_bot(settings: Settings, delay: Duration, heartbeat_ms: u64) -> (Bot, Armed) {
    let armed = Armed::default();
    let switch = armed.clone();
    let bot = Bot::start_with(
        settings,
        Shards::Auto,
        1,
        move |inner| {
            Box::new(SlowCore {
                inner,
                delay,
                armed: switch,
            })
        },
        heartbeat_ms,
    )
    .await;
    bot.ready().await;
    armed.store(true, std::sync::atomic::Ordering::SeqCst);
    (bot, armed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_engine_never_stalls_heartbeats_or_misses_the_interaction_window() {
    let settings = Settings {
        reply_budget: Duration::from_secs(60),
        defer_after: Duration::from_millis(500),
        ..settings()
    };
    let (mut bot, _armed) = slow_bot(settings, Duration::from_millis(1500), 250).await;
    let started = std::time::Instant::now();
    let mut mentions = Vec::new();
    for _ in 0..3 {
        let id = bot.id();
        let message = fixtures::message(
            id,
            ELSEWHERE,
            ALICE,
            &format!("<@{BOT_USER_ID}> is leaky gut real?"),
            &[fixtures::bot_user()],
        );
        bot.fake.dispatch(0, "MESSAGE_CREATE", message);
        mentions.push(id);
    }
    let resolved = json!({"users": {BOB.id.to_string(): BOB.user()}});
    type Options = Vec<(&'static str, u8, Value)>;
    let commands: Vec<(&str, Options)> = vec![
        ("ask", vec![("question", 3, json!("is leaky gut real?"))]),
        ("why", vec![("question", 3, json!("zinc"))]),
        ("faq", vec![("topic", 3, json!("zinc"))]),
        ("sources", vec![("entry", 3, json!("zinc"))]),
        ("redflags", vec![]),
    ];
    let mut sent = Vec::new();
    for (name, options) in &commands {
        let (id, _) = bot.interaction(|id| {
            fixtures::command(id, ELSEWHERE, ALICE, name, options, resolved.clone())
        });
        sent.push((id, std::time::Instant::now()));
    }
    let (typing, _) =
        bot.interaction(|id| fixtures::autocomplete(id, ELSEWHERE, ALICE, "faq", "topic", "zon"));
    sent.push((typing, std::time::Instant::now()));

    // Every interaction is acknowledged inside Discord's 3-second window.
    for (id, at) in &sent {
        let path = format!("/api/v10/interactions/{id}/token-{id}/callback");
        let callback = bot.fake.wait_request(0, "POST", |r| r.path == path).await;
        let took = callback.at - *at;
        assert!(took < Duration::from_secs(3), "interaction {id}: {took:?}");
        if *id != typing {
            assert_eq!(callback.body["type"], 5, "deferred: {:#}", callback.body);
        }
    }
    // ...and every one is answered in the end, as are the mentions.
    for (id, _) in &sent[..commands.len()] {
        let body = bot.follow_up(*id, 0).await;
        assert!(!embeds(&body).is_empty(), "{body:#}");
    }
    // Two engine jobs run at once, so the mentions may finish in any order: wait for each of
    // them without dropping the others' reports (waiting for one at a time lost them).
    let mut pending: std::collections::HashSet<_> = mentions.iter().copied().collect();
    while !pending.is_empty() {
        let (id, outcome) = bot
            .observe(|o| match o {
                Observed::Message { id, outcome } if pending.contains(id) => {
                    Some((*id, outcome.clone()))
                }
                _ => None,
            })
            .await;
        pending.remove(&id);
        assert!(
            matches!(
                outcome,
                Outcome::Replied {
                    answered: Some(_),
                    ..
                }
            ),
            "{outcome:?}"
        );
    }
    // The shard kept its pulse the whole time: no gap of several heartbeat intervals.
    let beats: Vec<std::time::Instant> = bot
        .fake
        .heartbeats()
        .into_iter()
        .filter(|t| *t >= started)
        .collect();
    let busy = started.elapsed();
    assert!(
        busy > Duration::from_secs(3),
        "the engine was slow: {busy:?}"
    );
    let mut marks = vec![started];
    marks.extend(beats);
    marks.push(std::time::Instant::now());
    let worst = marks.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    assert!(
        worst < Duration::from_millis(1200),
        "heartbeat gap {worst:?} in {busy:?}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_over_the_budget_is_dropped_and_the_asker_told() {
    let settings = Settings {
        reply_budget: Duration::from_millis(800),
        defer_after: Duration::from_millis(300),
        ..watching()
    };
    let (mut bot, armed) = slow_bot(settings, Duration::from_secs(3), 41_250).await;
    let said = bot.mention(0, ELSEWHERE, ALICE, "is leaky gut real?").await;
    let sent = bot
        .expect_reply(&said, Outcome::OverBudget { notified: true })
        .await;
    assert_eq!(embeds(&sent)[0]["title"], "That took too long");
    let (_, outcome) = bot.say(PASSIVE, BOB, "does zinc help leaky gut?").await;
    assert_eq!(outcome, Outcome::OverBudget { notified: false });

    let (id, from) = bot.interaction(|id| {
        fixtures::command(
            id,
            ELSEWHERE,
            ALICE,
            "ask",
            &[("question", 3, json!("is leaky gut real?"))],
            json!({}),
        )
    });
    let body = bot.follow_up(id, from).await;
    assert_eq!(embeds(&body)[0]["title"], "That took too long");
    armed.store(false, std::sync::atomic::Ordering::SeqCst);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_gateway_is_resumed_and_no_reply_is_lost() {
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    bot.ready().await;
    bot.fake.close_gateway(0);
    bot.fake
        .wait_until_public("the bot to resume its session", |f| f.resumes() >= 1)
        .await;
    let said = bot.mention(0, ELSEWHERE, ALICE, "is leaky gut real?").await;
    assert!(matches!(
        said.outcome,
        Outcome::Replied {
            answered: Some(_),
            ..
        }
    ));
    bot.reply(&said).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_level_records_message_text_or_tokens() {
    // The README's levels: the default, gutcheck's own targets at trace, and debug
    // everywhere (dependencies are held down by gutcheck's log ceiling). Even a global
    // trace keeps secrets out.
    for level in ["info", "gutcheck=trace", "debug", "trace"] {
        let logs = serve_logs(level, &[]).await;
        assert_no_secrets(&logs, level);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_debug_switch_logs_message_text_and_says_so() {
    let logs = serve_logs("info", &["--log-message-text"]).await;
    assert!(logs.contains("--log-message-text is on"), "{logs}");
    assert!(logs.contains(SECRET_WORDS), "{logs}");
    assert!(!logs.contains(TOKEN), "the switch never logs the token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_public_ask_that_warns_moves_the_warning_to_the_asker() {
    let settings = Settings {
        defer_after: Duration::from_millis(200),
        ..settings()
    };
    let (mut bot, _armed) = slow_bot(settings, Duration::from_millis(800), 41_250).await;
    let alarm = "there's been blood in my poo since monday, could that be leaky gut?";
    let (id, from) = bot.interaction(|id| {
        fixtures::command(
            id,
            ELSEWHERE,
            ALICE,
            "ask",
            &[("question", 3, json!(alarm)), ("private", 5, json!(false))],
            json!({}),
        )
    });
    let callback = format!("/api/v10/interactions/{id}/token-{id}/callback");
    let deferred = bot
        .fake
        .wait_request(from, "POST", |r| r.path == callback)
        .await;
    assert_eq!(deferred.body["type"], 5);
    assert!(!is_ephemeral(&deferred.body), "deferred as asked: public");
    // The public placeholder is removed, and the warning goes to the asker alone.
    let original = format!("/api/v10/webhooks/{APP_ID}/token-{id}/messages/@original");
    bot.fake
        .wait_request(from, "DELETE", |r| r.path == original)
        .await;
    let body = bot.follow_up(id, from).await;
    assert_eq!(
        body["flags"].as_u64().unwrap_or(0) & EPHEMERAL,
        EPHEMERAL,
        "{body:#}"
    );
    assert!(
        embeds(&body)[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("⚠️")
    );
    bot.stop().await;
}
