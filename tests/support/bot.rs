//! The bot under test: the real `serve` code path (`gutcheck::discord::run`) started against
//! the fake Discord, with helpers to post messages, run commands and wait for the bot's own
//! report of what it decided. Shared by every end-to-end test file.
#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use super::cli;
use super::fake_discord::fixtures::{self, Person};
use super::fake_discord::{APP_ID, BOT_USER_ID, FakeDiscord, GUILD_ID, Request, WAIT};
use gutcheck::discord::core::{Core, gutcheck_loader};
use gutcheck::discord::{Launch, Observed, Outcome, Settings, Shards};
use gutcheck::respond::ModelChoice;
use serenity::all::{ChannelId, GuildId};

pub const TOKEN: &str = "test-token-not-a-secret";
pub const PASSIVE: u64 = 111;
pub const SCANNED: u64 = 222;
pub const ELSEWHERE: u64 = 333;

pub const MESSAGE_CONTENT: u64 = 1 << 15;
pub const GUILD_MESSAGES: u64 = 1 << 9;
pub const EPHEMERAL: u64 = 1 << 6;

pub const ALICE: Person = Person {
    id: 501,
    name: "alice",
    bot: false,
    permissions: 0,
};
pub const BOB: Person = Person {
    id: 502,
    name: "bob",
    bot: false,
    permissions: 0,
};
pub const MOD: Person = Person {
    id: 503,
    name: "mod",
    bot: false,
    // MANAGE_MESSAGES, the default moderator permission.
    permissions: 1 << 13,
};
pub const OTHER_BOT: Person = Person {
    id: 504,
    name: "otherbot",
    bot: true,
    permissions: 0,
};

/// A copy of the repository's `faq/` so a test may edit it. The model's memo is warmed
/// first (`cli::shared_vectors`), so the cores built over the copy embed only what a test
/// changes.
pub fn faq_copy() -> tempfile::TempDir {
    cli::shared_vectors();
    let dir = tempfile::tempdir().unwrap();
    cli::copy_tree(&cli::faq(), dir.path());
    dir
}

pub fn load(dir: &Path) -> Box<dyn Core> {
    match gutcheck_loader(dir.to_path_buf(), ModelChoice::default())() {
        Ok(core) => core,
        Err(errors) => panic!("the FAQ does not load:\n{}", errors.join("\n")),
    }
}

pub struct Bot {
    pub fake: FakeDiscord,
    pub faq: tempfile::TempDir,
    /// A core of its own over the same files, to know what the bot should say.
    pub oracle: Box<dyn Core>,
    pub observed: mpsc::UnboundedReceiver<Observed>,
    pub stop: Option<oneshot::Sender<()>>,
    pub task: tokio::task::JoinHandle<Result<(), String>>,
    pub next_id: u64,
}

/// What the bot decided about one message, and where to look for its reply.
pub struct Said {
    pub id: u64,
    pub outcome: Outcome,
    pub channel: u64,
    /// The request count before the message was posted.
    pub from: usize,
}

pub fn settings() -> Settings {
    Settings {
        dev_guild: Some(GuildId::new(GUILD_ID)),
        reload_poll: None,
        // Public-answer pacing is off unless a test turns it on (`tests/discord_reach.rs`):
        // most tests ask more than once a minute.
        public_user_cooldown: Duration::ZERO,
        public_channel_cooldown: Duration::ZERO,
        mention_user_cooldown: Duration::ZERO,
        ..Settings::default()
    }
}

pub fn watching() -> Settings {
    let mut s = settings();
    s.passive.channels.insert(ChannelId::new(PASSIVE));
    s.scan.channels.insert(ChannelId::new(SCANNED));
    s.scan.channels.insert(ChannelId::new(PASSIVE));
    s
}

impl Bot {
    pub async fn start(settings: Settings, shards: Shards, recommended: u32) -> Bot {
        Bot::start_with(settings, shards, recommended, |core| core, 41_250).await
    }

    /// As `start`, with the served core wrapped by `wrap` (a slow engine) and the gateway
    /// asking for a heartbeat every `heartbeat_ms`.
    pub async fn start_with(
        settings: Settings,
        shards: Shards,
        recommended: u32,
        wrap: impl FnOnce(Box<dyn Core>) -> Box<dyn Core>,
        heartbeat_ms: u64,
    ) -> Bot {
        let fake = FakeDiscord::start_with(TOKEN, recommended, heartbeat_ms).await;
        let faq = faq_copy();
        let core = wrap(load(faq.path()));
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
    pub async fn ready(&self) -> Request {
        self.fake.wait_identified(1).await;
        self.fake
            .wait_request(0, "PUT", |r| r.path.ends_with("/commands"))
            .await
    }

    pub fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Posts a message on shard 0 and waits for the bot's decision about it.
    pub async fn say(&mut self, channel: u64, by: Person, content: &str) -> (u64, Outcome) {
        let id = self.id();
        self.say_on(0, id, channel, by, content, &[]).await
    }

    pub async fn say_on(
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
    pub async fn message(&mut self, channel: u64, by: Person, content: &str) -> Said {
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
    pub async fn mention(&mut self, shard: u32, channel: u64, by: Person, text: &str) -> Said {
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
    pub async fn reply(&self, said: &Said) -> Value {
        let posts = format!("/api/v10/channels/{}/messages", said.channel);
        self.fake
            .wait_request(said.from, "POST", |r| r.path == posts)
            .await
            .body
    }

    /// Asserts the bot decided `expected` about `said`, then returns the message it posted.
    pub async fn expect_reply(&self, said: &Said, expected: Outcome) -> Value {
        assert_eq!(said.outcome, expected);
        self.reply(said).await
    }

    /// Dispatches the interaction `make` builds for a fresh id; returns the id and the request
    /// count before it.
    pub fn interaction(&mut self, make: impl FnOnce(u64) -> Value) -> (u64, usize) {
        let id = self.id();
        let from = self.fake.request_count();
        self.fake.dispatch(0, "INTERACTION_CREATE", make(id));
        (id, from)
    }

    /// Dispatches the interaction `make` builds and returns the callback the bot posted.
    pub async fn interact(&mut self, make: impl FnOnce(u64) -> Value) -> Value {
        let (id, from) = self.interaction(make);
        let path = format!("/api/v10/interactions/{id}/token-{id}/callback");
        self.fake
            .wait_request(from, "POST", |r| r.path == path)
            .await
            .body
    }

    /// A moderator runs /faq-reload; returns the interaction id and the request count before.
    pub fn reload(&mut self) -> (u64, usize) {
        self.interaction(|id| fixtures::command(id, ELSEWHERE, MOD, "faq-reload", &[], json!({})))
    }

    /// The follow-up the bot posted to the webhook of interaction `id` after request `from`.
    pub async fn follow_up(&self, id: u64, from: usize) -> Value {
        let webhook = format!("/api/v10/webhooks/{APP_ID}/token-{id}");
        self.fake
            .wait_request(from, "POST", |r| r.path.starts_with(&webhook))
            .await
            .body
    }

    /// Alice's /ask of `question`: the description of the answer's embed.
    pub async fn ask_description(&mut self, question: &str) -> String {
        let body = self
            .command(ALICE, "ask", &[("question", 3, json!(question))])
            .await;
        embeds(&body)[0]["description"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn observe<T>(&mut self, pick: impl Fn(&Observed) -> Option<T>) -> T {
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
    pub async fn command(
        &mut self,
        by: Person,
        name: &str,
        options: &[(&str, u8, Value)],
    ) -> Value {
        // Discord resolves user options; Bob is the one user the tests point answers at.
        let resolved = json!({"users": {BOB.id.to_string(): BOB.user()}});
        self.interact(|id| fixtures::command(id, ELSEWHERE, by, name, options, resolved))
            .await
    }

    pub async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        let result = tokio::time::timeout(WAIT, &mut self.task)
            .await
            .expect("the bot shuts down promptly")
            .unwrap();
        assert_eq!(result, Ok(()));
    }
}

pub fn embeds(body: &Value) -> &Vec<Value> {
    body["data"]["embeds"]
        .as_array()
        .or_else(|| body["embeds"].as_array())
        .unwrap_or_else(|| panic!("no embeds in {body:#}"))
}

pub fn field<'a>(embed: &'a Value, name: &str) -> &'a str {
    embed["fields"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["name"] == name))
        .and_then(|f| f["value"].as_str())
        .unwrap_or_else(|| panic!("no field {name} in {embed:#}"))
}

pub fn no_pings(body: &Value) {
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
pub fn passive_question(core: &dyn Core) -> (String, String) {
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
pub fn vague_question(core: &dyn Core) -> (String, String) {
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
