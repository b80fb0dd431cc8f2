//! The curator loop end to end against the fake Discord, on SQLite and on PostgreSQL: vote
//! buttons (one vote per person), unanswered questions (off by default, kept cleaned when a
//! server opts in, listed and purged by /faq-gaps), /gutcheck-config without a restart, a
//! reload reaching another process through the store, and a database that goes away
//! mid-run while answers and warnings go on.

// The shared harness; this file uses part of it.
#[allow(dead_code)]
mod support;

use std::time::Duration;

use gutcheck::discord::config::StoreSettings;
use gutcheck::discord::{Observed, Outcome, Settings, Shards, Trigger};
use serde_json::{Value, json};
use sqlx::{Connection, Executor, SqliteConnection};
use support::bot::*;
use support::fake_discord::BOT_USER_ID;
use support::fake_discord::fixtures::{self, Person};
use support::postgres::{self, TestDb};

/// Where a test's store lives.
enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(TestDb),
}

/// What keeps a database "down" until it is dropped (SQLite: a connection holding the
/// write lock).
enum Down {
    Sqlite(#[allow(dead_code)] SqliteConnection),
    Postgres,
}

impl Db {
    async fn new(postgres: bool) -> Db {
        if postgres {
            Db::Postgres(postgres::fresh().await)
        } else {
            Db::Sqlite(tempfile::tempdir().unwrap())
        }
    }

    fn store(&self) -> StoreSettings {
        let mut s = StoreSettings {
            // Quick polls so another process's change arrives soon; tests wait for the
            // bot's report, never for a time.
            poll: Duration::from_millis(200),
            ..StoreSettings::default()
        };
        match self {
            Db::Sqlite(dir) => s.data_dir = dir.path().to_path_buf(),
            Db::Postgres(db) => s.database_url = Some(db.url.clone()),
        }
        s
    }

    fn settings(&self) -> Settings {
        let mut s = watching();
        s.store = Some(self.store());
        s
    }

    async fn take_down(&self) -> Down {
        match self {
            Db::Sqlite(dir) => {
                let path = dir.path().join(gutcheck::store::SQLITE_FILE);
                let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                    .await
                    .unwrap();
                conn.execute("BEGIN EXCLUSIVE").await.unwrap();
                Down::Sqlite(conn)
            }
            Db::Postgres(db) => {
                db.take_down().await;
                Down::Postgres
            }
        }
    }

    async fn finish(self) {
        if let Db::Postgres(db) = self {
            db.drop_database().await;
        }
    }
}

/// A subcommand of /faq-gaps by `by`: the follow-up it posted (the command defers).
async fn faq_gaps(bot: &mut Bot, by: Person, sub: &str) -> String {
    let (id, from) =
        bot.interaction(|id| fixtures::subcommand(id, ELSEWHERE, by, "faq-gaps", sub, &[]));
    let body = bot.follow_up(id, from).await;
    embeds(&body)[0]["description"]
        .as_str()
        .unwrap()
        .to_string()
}

/// /gutcheck-config with `options`: the description of the settings it shows.
async fn configure(bot: &mut Bot, options: &[(&str, u8, Value)]) -> String {
    let (id, from) = bot.interaction(|id| {
        fixtures::command(id, ELSEWHERE, MOD, "gutcheck-config", options, json!({}))
    });
    let body = bot.follow_up(id, from).await;
    assert_eq!(embeds(&body)[0]["title"], "Settings saved", "{body:#}");
    embeds(&body)[0]["description"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A click on `custom_id` under the bot's message `sent`: what the bot told the clicker.
async fn click(bot: &mut Bot, by: Person, custom_id: &str, sent: &Value) -> String {
    let echoed = fixtures::bot_message(9_001, ELSEWHERE, sent);
    let body = bot
        .interact(|id| fixtures::button(id, ELSEWHERE, by, custom_id, echoed))
        .await;
    assert_eq!(body["data"]["flags"], EPHEMERAL);
    body["data"]["content"].as_str().unwrap().to_string()
}

fn vote_ids(sent: &Value) -> (String, String) {
    let ids: Vec<String> = sent["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap().clone())
        .map(|b| b["custom_id"].as_str().unwrap().to_string())
        .collect();
    let up = ids
        .iter()
        .find(|i| i.starts_with("gutcheck:vote:1:"))
        .cloned();
    let down = ids
        .iter()
        .find(|i| i.starts_with("gutcheck:vote:0:"))
        .cloned();
    (
        up.expect("a Helpful button"),
        down.expect("a Not helpful button"),
    )
}

/// Words no FAQ entry is about: the bot abstains.
const NONSENSE: &str = "does the quasar xylophone marmalade fix it?";

async fn votes_count_once_per_person(postgres: bool) {
    let db = Db::new(postgres).await;
    let mut bot = Bot::start(db.settings(), Shards::Auto, 1).await;
    bot.ready().await;
    let (question, entry) = passive_question(bot.oracle.as_ref());
    let said = bot.mention(0, ELSEWHERE, ALICE, &question).await;
    let sent = bot.reply(&said).await;
    let (up, down) = vote_ids(&sent);
    assert_eq!(up, format!("gutcheck:vote:1:{entry}"));

    assert!(click(&mut bot, BOB, &up, &sent).await.contains("counted"));
    assert!(
        click(&mut bot, BOB, &up, &sent)
            .await
            .contains("already voted")
    );
    assert!(click(&mut bot, BOB, &down, &sent).await.contains("changed"));
    assert!(
        click(&mut bot, ALICE, &down, &sent)
            .await
            .contains("counted")
    );

    let report = faq_gaps(&mut bot, MOD, "show").await;
    assert!(
        report.contains(&format!("`{entry}`: 0 helpful, 2 not helpful")),
        "{report}"
    );
    // Nobody opted in: the "Not helpful" kept no question.
    assert!(
        report.contains("No unanswered questions are recorded"),
        "{report}"
    );
    bot.stop().await;
    db.finish().await;
}

async fn unanswered_questions_only_when_opted_in(postgres: bool) {
    let db = Db::new(postgres).await;
    let mut bot = Bot::start(db.settings(), Shards::Auto, 1).await;
    bot.ready().await;
    let said = bot.mention(0, ELSEWHERE, ALICE, NONSENSE).await;
    assert_eq!(
        said.outcome,
        Outcome::Replied {
            warned: None,
            answered: None
        }
    );
    let report = faq_gaps(&mut bot, MOD, "show").await;
    assert!(
        report.contains("No unanswered questions are recorded"),
        "{report}"
    );

    let shown = configure(&mut bot, &[("record_gaps", 5, json!(true))]).await;
    assert!(
        shown.contains("Unanswered questions: recorded (kept 30 days)"),
        "{shown}"
    );
    // A mention of someone else inside the question is stripped before it is kept.
    let text = format!("<@{}> {NONSENSE}", BOB.id);
    bot.mention(0, ELSEWHERE, ALICE, &text).await;
    let kept = bot
        .observe(|o| match o {
            Observed::GapKept { saved, .. } => Some(*saved),
            _ => None,
        })
        .await;
    assert!(kept);
    let report = faq_gaps(&mut bot, MOD, "show").await;
    assert!(report.contains(&format!("1× \"{NONSENSE}\"")), "{report}");
    assert!(!report.contains(&BOB.id.to_string()) && !report.contains(&BOT_USER_ID.to_string()));

    // Members cannot read or purge them.
    let (id, from) =
        bot.interaction(|id| fixtures::subcommand(id, ELSEWHERE, ALICE, "faq-gaps", "purge", &[]));
    let path = format!("/api/v10/interactions/{id}/token-{id}/callback");
    let body = bot
        .fake
        .wait_request(from, "POST", |r| r.path == path)
        .await
        .body;
    assert_eq!(embeds(&body)[0]["title"], "Moderators only");

    let purged = faq_gaps(&mut bot, MOD, "purge").await;
    assert!(
        purged.contains("1 unanswered question(s) deleted"),
        "{purged}"
    );
    let report = faq_gaps(&mut bot, MOD, "show").await;
    assert!(
        report.contains("No unanswered questions are recorded"),
        "{report}"
    );
    bot.stop().await;
    db.finish().await;
}

async fn settings_change_without_restart(postgres: bool) {
    let db = Db::new(postgres).await;
    let mut bot = Bot::start(db.settings(), Shards::Auto, 1).await;
    bot.ready().await;
    let (question, entry) = passive_question(bot.oracle.as_ref());
    let (_, outcome) = bot.say(ELSEWHERE, ALICE, &question).await;
    assert_eq!(
        outcome,
        Outcome::Ignored(gutcheck::discord::Skip::NotWatched)
    );

    let shown = configure(
        &mut bot,
        &[
            ("passive_channels", 3, json!(format!("<#{ELSEWHERE}>"))),
            ("emergency_contact", 3, json!("Call 112 (EU)")),
        ],
    )
    .await;
    assert!(
        shown.contains(&format!("Passive channels: <#{ELSEWHERE}>")),
        "{shown}"
    );
    let (_, outcome) = bot.say(ELSEWHERE, ALICE, &question).await;
    assert_eq!(
        outcome,
        Outcome::Replied {
            warned: None,
            answered: Some(entry)
        }
    );
    // The server's list replaced the file's: the file's passive channel is quiet now.
    let (_, outcome) = bot.say(PASSIVE, BOB, &question).await;
    assert!(matches!(outcome, Outcome::Ignored(_)), "{outcome:?}");
    // The server's emergency contact reaches every warning, the "Ask gutcheck" message
    // command's included (it used the file's contact before).
    let alarm = fixtures::message(
        7_001,
        ELSEWHERE,
        BOB,
        "there's been blood in my poo since monday",
        &[],
    );
    let body = bot
        .interact(|id| fixtures::message_command(id, ELSEWHERE, ALICE, "Ask gutcheck", alarm))
        .await;
    assert!(body.to_string().contains("Call 112 (EU)"), "{body:#}");
    bot.stop().await;
    db.finish().await;
}

async fn a_reload_reaches_every_process(postgres: bool) {
    let db = Db::new(postgres).await;
    let mut first = Bot::start(db.settings(), Shards::Auto, 1).await;
    let mut second = Bot::start(db.settings(), Shards::Auto, 1).await;
    first.ready().await;
    second.ready().await;
    first.reload();
    let here = first
        .observe(|o| match o {
            Observed::Reload {
                trigger: Trigger::Command,
                result,
            } => Some(result.clone()),
            _ => None,
        })
        .await;
    assert!(here.is_ok(), "{here:?}");
    let there = second
        .observe(|o| match o {
            Observed::Reload {
                trigger: Trigger::Shared,
                result,
            } => Some(result.clone()),
            _ => None,
        })
        .await;
    assert!(there.is_ok(), "{there:?}");
    first.stop().await;
    second.stop().await;
    db.finish().await;
}

async fn answers_and_warnings_outlive_the_database(postgres: bool) {
    let db = Db::new(postgres).await;
    let mut bot = Bot::start(db.settings(), Shards::Auto, 1).await;
    bot.ready().await;
    configure(&mut bot, &[("record_gaps", 5, json!(true))]).await;
    let (question, entry) = passive_question(bot.oracle.as_ref());
    let down = db.take_down().await;

    let said = bot.mention(0, ELSEWHERE, ALICE, &question).await;
    assert_eq!(
        said.outcome,
        Outcome::Replied {
            warned: None,
            answered: Some(entry)
        }
    );
    let sent = bot.reply(&said).await;
    let alarm = "there's been blood in my stool for a week, is this my leaky gut?";
    let said = bot.message(SCANNED, BOB, alarm).await;
    assert!(
        matches!(
            said.outcome,
            Outcome::Replied {
                warned: Some(_),
                ..
            }
        ),
        "{:?}",
        said.outcome
    );
    // What needs the database says so, and the bot goes on.
    let (up, _) = vote_ids(&sent);
    assert!(
        click(&mut bot, BOB, &up, &sent)
            .await
            .contains("could not be saved")
    );
    bot.mention(0, ELSEWHERE, ALICE, NONSENSE).await;
    let kept = bot
        .observe(|o| match o {
            Observed::GapKept { saved, .. } => Some(*saved),
            _ => None,
        })
        .await;
    assert!(!kept, "the question could not be stored");
    let said = bot.mention(0, ELSEWHERE, BOB, &question).await;
    assert!(matches!(
        said.outcome,
        Outcome::Replied {
            answered: Some(_),
            ..
        }
    ));

    drop(down);
    if let Db::Postgres(pg) = &db {
        pg.bring_up().await;
    }
    bot.stop().await;
    db.finish().await;
}

async fn a_not_helpful_answer_keeps_its_question(postgres: bool) {
    let db = Db::new(postgres).await;
    let mut bot = Bot::start(db.settings(), Shards::Auto, 1).await;
    bot.ready().await;
    configure(&mut bot, &[("record_gaps", 5, json!(true))]).await;
    let (question, entry) = passive_question(bot.oracle.as_ref());
    let said = bot.mention(0, ELSEWHERE, ALICE, &question).await;
    let sent = bot.reply(&said).await;
    let (_, down) = vote_ids(&sent);
    // The click must be on the message the bot posted: that is what it remembered.
    let posted = bot
        .fake
        .last_posted_in(ELSEWHERE)
        .expect("the answer was posted");
    let echoed = fixtures::bot_message(posted, ELSEWHERE, &sent);
    let body = bot
        .interact(|id| fixtures::button(id, ELSEWHERE, BOB, &down, echoed))
        .await;
    assert!(
        body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("counted"),
        "{body:#}"
    );
    let kept = bot
        .observe(|o| match o {
            Observed::GapKept { saved, .. } => Some(*saved),
            _ => None,
        })
        .await;
    assert!(kept, "the question of an answer voted Not helpful is kept");
    let report = faq_gaps(&mut bot, MOD, "show").await;
    assert!(report.contains("1×"), "{report}");
    assert!(report.contains(&entry), "{report}");
    bot.stop().await;
    db.finish().await;
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(false).await })*
        }
        mod postgresql {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(true).await })*
        }
    };
}

on_both!(
    votes_count_once_per_person,
    unanswered_questions_only_when_opted_in,
    settings_change_without_restart,
    a_reload_reaches_every_process,
    answers_and_warnings_outlive_the_database,
    a_not_helpful_answer_keeps_its_question
);
