//! End to end: the real `serve` code path (`gutcheck::discord::run`) against the fake Discord
//! in `tests/support/fake_discord`, on 127.0.0.1 only. Nothing here sleeps to wait: tests
//! wait for the REST call they expect, or for the bot's own report of what it decided.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use gutcheck::discord::cooldown::Held;
use gutcheck::discord::core::{Core, gutcheck_loader};
use gutcheck::discord::{Launch, Observed, Outcome, Settings, Shards, Skip, Trigger};
use gutcheck::respond::ModelChoice;
use serenity::all::{ChannelId, GuildId, Permissions};
use support::fake_discord::fixtures::{self, Person};
use support::fake_discord::{APP_ID, BOT_USER_ID, FakeDiscord, GUILD_ID, Request, WAIT};

const TOKEN: &str = "test-token-not-a-secret";
const PASSIVE: u64 = 111;
const SCANNED: u64 = 222;
const ELSEWHERE: u64 = 333;

const MESSAGE_CONTENT: u64 = 1 << 15;
const GUILD_MESSAGES: u64 = 1 << 9;
const EPHEMERAL: u64 = 1 << 6;

const ALICE: Person = Person {
    id: 501,
    name: "alice",
    bot: false,
    permissions: 0,
};
const BOB: Person = Person {
    id: 502,
    name: "bob",
    bot: false,
    permissions: 0,
};
const MOD: Person = Person {
    id: 503,
    name: "mod",
    bot: false,
    // MANAGE_MESSAGES, the default moderator permission.
    permissions: 1 << 13,
};
const OTHER_BOT: Person = Person {
    id: 504,
    name: "otherbot",
    bot: true,
    permissions: 0,
};

/// A copy of the repository's `faq/` so a test may edit it.
fn faq_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for item in std::fs::read_dir(from).unwrap() {
            let item = item.unwrap();
            let target = to.join(item.file_name());
            if item.file_type().unwrap().is_dir() {
                copy(&item.path(), &target);
            } else {
                std::fs::copy(item.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("faq"),
        dir.path(),
    );
    dir
}

fn load(dir: &Path) -> Box<dyn Core> {
    match gutcheck_loader(dir.to_path_buf(), ModelChoice::default())() {
        Ok(core) => core,
        Err(errors) => panic!("the FAQ does not load:\n{}", errors.join("\n")),
    }
}

struct Bot {
    fake: FakeDiscord,
    faq: tempfile::TempDir,
    /// A core of its own over the same files, to know what the bot should say.
    oracle: Box<dyn Core>,
    observed: mpsc::UnboundedReceiver<Observed>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), String>>,
    next_id: u64,
}

/// What the bot decided about one message, and where to look for its reply.
struct Said {
    id: u64,
    outcome: Outcome,
    channel: u64,
    /// The request count before the message was posted.
    from: usize,
}

fn settings() -> Settings {
    Settings {
        dev_guild: Some(GuildId::new(GUILD_ID)),
        reload_poll: None,
        ..Settings::default()
    }
}

fn watching() -> Settings {
    let mut s = settings();
    s.passive.channels.insert(ChannelId::new(PASSIVE));
    s.scan.channels.insert(ChannelId::new(SCANNED));
    s.scan.channels.insert(ChannelId::new(PASSIVE));
    s
}

impl Bot {
    async fn start(settings: Settings, shards: Shards, recommended: u32) -> Bot {
        let fake = FakeDiscord::start(TOKEN, recommended).await;
        let faq = faq_copy();
        let core = load(faq.path());
        let oracle = load(faq.path());
        let (tx, observed) = mpsc::unbounded_channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let launch = Launch {
            token: TOKEN.to_string(),
            api_base: Some(fake.rest_url.clone()),
            shards,
            settings,
            observer: Some(tx),
        };
        let loader = gutcheck_loader(faq.path().to_path_buf(), ModelChoice::default());
        let task = tokio::spawn(gutcheck::discord::run(launch, core, loader, async move {
            let _ = stopped.await;
        }));
        // Fail fast: a client that ignored the API base would be talking to discord.com.
        fake.wait_first_request(Duration::from_secs(5)).await;
        let first = &fake.requests()[0];
        assert!(first.authorized, "the bot sends its token as `Bot <token>`");
        Bot {
            fake,
            faq,
            oracle,
            observed,
            stop: Some(stop),
            task,
            next_id: 1_000,
        }
    }

    /// Connected and commands registered: what every test waits for first.
    async fn ready(&self) -> Request {
        self.fake.wait_identified(1).await;
        self.fake
            .wait_request(0, "PUT", |r| r.path.ends_with("/commands"))
            .await
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Posts a message on shard 0 and waits for the bot's decision about it.
    async fn say(&mut self, channel: u64, by: Person, content: &str) -> (u64, Outcome) {
        let id = self.id();
        self.say_on(0, id, channel, by, content, &[]).await
    }

    async fn say_on(
        &mut self,
        shard: u32,
        id: u64,
        channel: u64,
        by: Person,
        content: &str,
        mentions: &[Value],
    ) -> (u64, Outcome) {
        let message = fixtures::message(id, channel, by, content, mentions);
        self.fake.dispatch(shard, "MESSAGE_CREATE", message);
        let outcome = self
            .observe(|o| match o {
                Observed::Message { id: got, outcome } if *got == id => Some(outcome.clone()),
                _ => None,
            })
            .await;
        (id, outcome)
    }

    /// Posts a message on shard 0 whose reply the test will read with [`Bot::reply`].
    async fn message(&mut self, channel: u64, by: Person, content: &str) -> Said {
        let id = self.id();
        let from = self.fake.request_count();
        let (_, outcome) = self.say_on(0, id, channel, by, content, &[]).await;
        Said {
            id,
            outcome,
            channel,
            from,
        }
    }

    /// Posts `<@bot> text` on `shard`, mentioning the bot, and waits for the bot's decision.
    async fn mention(&mut self, shard: u32, channel: u64, by: Person, text: &str) -> Said {
        let id = self.id();
        let from = self.fake.request_count();
        let (_, outcome) = self
            .say_on(
                shard,
                id,
                channel,
                by,
                &format!("<@{BOT_USER_ID}> {text}"),
                &[fixtures::bot_user()],
            )
            .await;
        Said {
            id,
            outcome,
            channel,
            from,
        }
    }

    /// The body of the message the bot posted in the channel after `said`.
    async fn reply(&self, said: &Said) -> Value {
        let posts = format!("/api/v10/channels/{}/messages", said.channel);
        self.fake
            .wait_request(said.from, "POST", |r| r.path == posts)
            .await
            .body
    }

    /// Asserts the bot decided `expected` about `said`, then returns the message it posted.
    async fn expect_reply(&self, said: &Said, expected: Outcome) -> Value {
        assert_eq!(said.outcome, expected);
        self.reply(said).await
    }

    /// Dispatches the interaction `make` builds for a fresh id; returns the id and the request
    /// count before it.
    fn interaction(&mut self, make: impl FnOnce(u64) -> Value) -> (u64, usize) {
        let id = self.id();
        let from = self.fake.request_count();
        self.fake.dispatch(0, "INTERACTION_CREATE", make(id));
        (id, from)
    }

    /// Dispatches the interaction `make` builds and returns the callback the bot posted.
    async fn interact(&mut self, make: impl FnOnce(u64) -> Value) -> Value {
        let (id, from) = self.interaction(make);
        let path = format!("/api/v10/interactions/{id}/token-{id}/callback");
        self.fake
            .wait_request(from, "POST", |r| r.path == path)
            .await
            .body
    }

    /// A moderator runs /faq-reload; returns the interaction id and the request count before.
    fn reload(&mut self) -> (u64, usize) {
        self.interaction(|id| fixtures::command(id, ELSEWHERE, MOD, "faq-reload", &[], json!({})))
    }

    /// The follow-up the bot posted to the webhook of interaction `id` after request `from`.
    async fn follow_up(&self, id: u64, from: usize) -> Value {
        let webhook = format!("/api/v10/webhooks/{APP_ID}/token-{id}");
        self.fake
            .wait_request(from, "POST", |r| r.path.starts_with(&webhook))
            .await
            .body
    }

    /// Alice's /ask of `question`: the description of the answer's embed.
    async fn ask_description(&mut self, question: &str) -> String {
        let body = self
            .command(ALICE, "ask", &[("question", 3, json!(question))])
            .await;
        embeds(&body)[0]["description"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn observe<T>(&mut self, pick: impl Fn(&Observed) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.observed.recv()).await {
                Ok(Some(event)) => {
                    if let Some(found) = pick(&event) {
                        return found;
                    }
                }
                Ok(None) => panic!("the bot stopped: {:?}", self.task.is_finished()),
                Err(_) => panic!("timed out waiting for the bot to report a decision"),
            }
        }
    }

    /// Runs a slash command and returns the interaction callback the bot posted.
    async fn command(&mut self, by: Person, name: &str, options: &[(&str, u8, Value)]) -> Value {
        // Discord resolves user options; Bob is the one user the tests point answers at.
        let resolved = json!({"users": {BOB.id.to_string(): BOB.user()}});
        self.interact(|id| fixtures::command(id, ELSEWHERE, by, name, options, resolved))
            .await
    }

    async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        let result = tokio::time::timeout(WAIT, &mut self.task)
            .await
            .expect("the bot shuts down promptly")
            .unwrap();
        assert_eq!(result, Ok(()));
    }
}

fn embeds(body: &Value) -> &Vec<Value> {
    body["data"]["embeds"]
        .as_array()
        .or_else(|| body["embeds"].as_array())
        .unwrap_or_else(|| panic!("no embeds in {body:#}"))
}

fn field<'a>(embed: &'a Value, name: &str) -> &'a str {
    embed["fields"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["name"] == name))
        .and_then(|f| f["value"].as_str())
        .unwrap_or_else(|| panic!("no field {name} in {embed:#}"))
}

fn no_pings(body: &Value) {
    let mentions = if body["data"].is_object() {
        &body["data"]["allowed_mentions"]
    } else {
        &body["allowed_mentions"]
    };
    assert_eq!(mentions["parse"], json!([]), "{body:#}");
    assert_eq!(mentions["users"], json!([]), "{body:#}");
    assert_eq!(mentions["roles"], json!([]), "{body:#}");
}

/// A question the passive (stricter) bar answers, from the FAQ itself: the first entry
/// whose title clears it.
fn passive_question(core: &dyn Core) -> (String, String) {
    core.faq()
        .entries
        .iter()
        .find_map(|e| {
            let reply = core.respond_passive(&e.title);
            let answer = reply.answer.filter(|_| reply.red_flags.is_empty())?;
            Some((e.title.clone(), answer.id))
        })
        .expect("some entry title clears the passive threshold")
}

/// A question the FAQ cannot settle on but has suggestions for: the opening words of some
/// phrasing, found by asking the core itself.
fn vague_question(core: &dyn Core) -> (String, String) {
    core.faq()
        .entries
        .iter()
        .flat_map(|e| e.phrasings())
        .flat_map(|p| {
            let words: Vec<&str> = p.split_whitespace().collect();
            (1..words.len()).map(move |n| words[..n].join(" "))
        })
        .find_map(|q| {
            let reply = core.respond(&q);
            let first = reply.suggestions.first()?;
            (reply.answer.is_none() && reply.red_flags.is_empty())
                .then(|| (q.clone(), first.id.clone()))
        })
        .expect("some partial phrasing gets suggestions")
}

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
        assert!(!c["description"].as_str().unwrap().is_empty(), "{c:#}");
        let perms = &c["default_member_permissions"];
        if c["name"] == "faq-reload" {
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
