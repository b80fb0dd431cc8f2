//! Safe publishing and operations, end to end against the fake Discord: /faq-reload runs
//! every check `gutcheck check` runs, its dry run shows the change without swapping, every
//! reload reaches the mod log, `/metrics` and `/healthz` answer, and JSON logs stay free of
//! message text.

// Each test file uses its own subset of the shared support code.
#[allow(dead_code)]
mod support;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use serenity::all::ChannelId;
use support::bot::*;
use support::fake_discord::fixtures;
use support::serve_logs::{assert_no_secrets, serve_logs};

use gutcheck::discord::{Observed, Outcome, Settings, Shards, Trigger};

const MOD_LOG: u64 = 444;

fn with_mod_log() -> Settings {
    Settings {
        mod_log_channel: Some(ChannelId::new(MOD_LOG)),
        ..settings()
    }
}

/// A moderator's /faq-reload with `dry_run`; returns the follow-up the bot posted.
async fn reload(bot: &mut Bot, dry_run: Option<bool>) -> Value {
    let options: Vec<(&str, u8, Value)> = dry_run
        .map(|d| vec![("dry_run", 5u8, json!(d))])
        .unwrap_or_default();
    let (id, from) = bot
        .interaction(|id| fixtures::command(id, ELSEWHERE, MOD, "faq-reload", &options, json!({})));
    bot.follow_up(id, from).await
}

/// The text of a message body whether sent as JSON or as multipart (with an attachment).
fn text_of(body: &Value) -> String {
    body.as_str()
        .map_or_else(|| body.to_string(), str::to_string)
}

/// The entry a question is answered from and the path of its file.
fn entry_file(bot: &Bot, question: &str) -> (String, std::path::PathBuf) {
    let id = bot.oracle.respond(question).answer.unwrap().id;
    let path = bot.faq.path().join("entries").join(format!("{id}.toml"));
    (id, path)
}

/// Edits the summary of `question`'s entry to start with `marker`.
fn edit_summary(bot: &Bot, question: &str, marker: &str) -> String {
    let (id, path) = entry_file(bot, question);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen("summary = \"", &format!("summary = \"{marker} "), 1);
    assert_ne!(edited, text, "the summary is a basic string in the file");
    std::fs::write(&path, edited).unwrap();
    id
}

/// Adds another entry's title, words reversed, to this entry's questions: the loader
/// accepts it, but the phrasing retrieves the other entry first, which `gutcheck check`
/// rejects. Returns the edited entry's id and the borrowed phrasing.
fn add_phrasing_of_another_entry(bot: &Bot, question: &str) -> (String, String) {
    let (id, path) = entry_file(bot, question);
    let other = bot
        .oracle
        .faq()
        .entries
        .iter()
        .find(|e| e.id != id)
        .unwrap()
        .title
        .clone();
    let text = std::fs::read_to_string(&path).unwrap();
    // Not the title itself (a phrasing listed twice is the loader's own error) but its
    // words in reverse order: the same words, so the other entry's title wins them.
    let words: Vec<String> = other
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .rev()
        .collect();
    let phrasing = words.join(" ");
    let edited = text.replacen(
        "questions = [",
        &format!("questions = [\n  \"{phrasing}\","),
        1,
    );
    assert_ne!(edited, text, "the questions are an array in the file");
    std::fs::write(&path, edited).unwrap();
    (id, phrasing)
}

fn loads_with_the_loader_alone(dir: &Path) -> bool {
    gutcheck::faq::Faq::load(dir).is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phrasing_that_fails_self_consistency_is_refused_by_reload() {
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    bot.ready().await;
    let question = "is leaky gut real?";
    let before = bot.ask_description(question).await;
    let (id, phrasing) = add_phrasing_of_another_entry(&bot, question);
    assert!(
        loads_with_the_loader_alone(bot.faq.path()),
        "the loader's own checks let this through: only the full check catches it"
    );

    let body = reload(&mut bot, None).await;
    let embed = &embeds(&body)[0];
    assert_eq!(embed["title"], "FAQ not reloaded");
    let text = embed["description"].as_str().unwrap();
    assert!(text.contains(&format!("{id}.toml")), "{text}");
    assert!(text.contains(&format!("phrasing `{phrasing}`")), "{text}");
    assert!(
        text.contains("previous FAQ is still being served"),
        "{text}"
    );
    assert_eq!(bot.ask_description(question).await, before);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_shows_the_change_and_every_problem_without_swapping() {
    let mut bot = Bot::start(settings(), Shards::Auto, 1).await;
    bot.ready().await;
    let question = "is leaky gut real?";
    let before = bot.ask_description(question).await;
    let marker = "Dry-run edit.";
    let id = edit_summary(&bot, question, marker);

    let body = reload(&mut bot, Some(true)).await;
    let embed = &embeds(&body)[0];
    assert_eq!(embed["title"], "Dry run: the FAQ would reload");
    let text = embed["description"].as_str().unwrap();
    assert!(
        text.contains(&format!("entries: changed {id} (summary)")),
        "{text}"
    );
    assert!(text.contains("Nothing was swapped"), "{text}");
    assert_eq!(
        bot.ask_description(question).await,
        before,
        "a dry run swaps nothing"
    );

    // A problem: listed, and still nothing swapped.
    let (broken, _) = add_phrasing_of_another_entry(&bot, question);
    let body = reload(&mut bot, Some(true)).await;
    let embed = &embeds(&body)[0];
    assert_eq!(embed["title"], "Dry run: the FAQ would not reload");
    let text = embed["description"].as_str().unwrap();
    assert!(text.contains(&format!("{broken}.toml")), "{text}");
    assert!(
        text.contains("retrieves entry") || text.contains("ties between"),
        "{text}"
    );
    assert_eq!(bot.ask_description(question).await, before);

    // dry_run:false is a real reload.
    let (_, path) = entry_file(&bot, question);
    let text = std::fs::read_to_string(&path).unwrap();
    let first_question = text.find("questions = [\n  \"").unwrap() + "questions = [\n".len();
    let line_end = first_question + text[first_question..].find('\n').unwrap() + 1;
    std::fs::write(
        &path,
        format!("{}{}", &text[..first_question], &text[line_end..]),
    )
    .unwrap();
    let body = reload(&mut bot, Some(false)).await;
    assert_eq!(embeds(&body)[0]["title"], "FAQ reloaded", "{body:#}");
    assert!(bot.ask_description(question).await.starts_with(marker));
    bot.stop().await;
}

/// The mod-log post made after request `from`.
async fn mod_log_post(bot: &Bot, from: usize) -> Value {
    let posts = format!("/api/v10/channels/{MOD_LOG}/messages");
    bot.fake
        .wait_request(from, "POST", |r| r.path == posts)
        .await
        .body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_reload_is_posted_to_the_mod_log() {
    let mut bot = Bot::start(with_mod_log(), Shards::Auto, 1).await;
    bot.ready().await;
    let secret = "my-private-gut-words-5521";
    let question = "is leaky gut real?";
    let said = bot
        .mention(0, ELSEWHERE, ALICE, &format!("{question} {secret}"))
        .await;
    bot.reply(&said).await;

    let id = edit_summary(&bot, question, "Mod-log edit.");
    let from = bot.fake.request_count();
    let body = reload(&mut bot, None).await;
    assert_eq!(embeds(&body)[0]["title"], "FAQ reloaded");
    let post = mod_log_post(&bot, from).await;
    let embed = &embeds(&post)[0];
    assert_eq!(embed["title"], "FAQ reloaded");
    let text = embed["description"].as_str().unwrap();
    assert!(text.contains("Reloaded by /faq-reload"), "{text}");
    assert!(
        text.contains(&format!("entries: changed {id} (summary)")),
        "{text}"
    );
    no_pings(&post);

    std::fs::write(
        bot.faq.path().join("entries").join("broken.toml"),
        "id = \"broken\"\ntitle = \n",
    )
    .unwrap();
    let from = bot.fake.request_count();
    let body = reload(&mut bot, None).await;
    assert_eq!(embeds(&body)[0]["title"], "FAQ not reloaded");
    let post = mod_log_post(&bot, from).await;
    let embed = &embeds(&post)[0];
    assert_eq!(embed["title"], "FAQ not reloaded");
    let text = embed["description"].as_str().unwrap();
    assert!(text.contains("broken.toml:2:"), "{text}");

    // A dry run is not a reload: nothing goes to the mod log.
    let from = bot.fake.request_count();
    reload(&mut bot, Some(true)).await;
    let posts = format!("/api/v10/channels/{MOD_LOG}/messages");
    assert!(
        !bot.fake.requests()[from..].iter().any(|r| r.path == posts),
        "a dry run posts nothing to the mod log"
    );
    for r in bot.fake.requests() {
        if r.path == posts {
            assert!(
                !text_of(&r.body).contains(secret),
                "member text in the mod log"
            );
        }
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_watcher_reload_is_posted_to_the_mod_log() {
    let settings = Settings {
        reload_poll: Some(Duration::from_millis(50)),
        ..with_mod_log()
    };
    let mut bot = Bot::start(settings, Shards::Auto, 1).await;
    bot.ready().await;
    let watcher_reload = |o: &Observed| match o {
        Observed::Reload {
            trigger: Trigger::Watcher,
            result,
        } => Some(result.clone()),
        _ => None,
    };

    let from = bot.fake.request_count();
    let id = edit_summary(&bot, "is leaky gut real?", "Watched edit.");
    bot.observe(watcher_reload)
        .await
        .expect("a good edit reloads");
    let post = mod_log_post(&bot, from).await;
    let embed = &embeds(&post)[0];
    assert_eq!(embed["title"], "FAQ reloaded");
    let text = embed["description"].as_str().unwrap();
    assert!(text.contains("Reloaded by the file watcher"), "{text}");
    assert!(text.contains(&format!("changed {id} (summary)")), "{text}");

    let from = bot.fake.request_count();
    std::fs::write(
        bot.faq.path().join("entries").join("broken.toml"),
        "id = 1\n",
    )
    .unwrap();
    bot.observe(watcher_reload)
        .await
        .expect_err("a broken file fails the reload");
    let post = mod_log_post(&bot, from).await;
    let embed = &embeds(&post)[0];
    assert_eq!(embed["title"], "FAQ not reloaded");
    let text = embed["description"].as_str().unwrap();
    assert!(text.contains("Reloaded by the file watcher"), "{text}");
    assert!(text.contains("broken.toml"), "{text}");
    bot.stop().await;
}

/// The value of the sample `name{labels}` (or `name` alone) in a Prometheus text page; 0
/// when absent.
fn sample(page: &str, series: &str) -> f64 {
    page.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let (name, value) = l.rsplit_once(' ')?;
            (name == series).then(|| value.parse().unwrap())
        })
        .unwrap_or(0.0)
}

async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let response = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_what_the_bot_did_and_healthz_answers() {
    let settings = Settings {
        metrics_addr: Some("127.0.0.1:0".parse().unwrap()),
        ..watching()
    };
    let mut bot = Bot::start(settings, Shards::Auto, 1).await;
    let addr = bot
        .observe(|o| match o {
            Observed::OpsListening(addr) => Some(*addr),
            _ => None,
        })
        .await;
    bot.ready().await;

    let (status, health) = get(addr, "/healthz").await;
    assert_eq!(status, 200, "{health}");
    assert!(
        health.starts_with("ok\nshards connected: 1/1\n"),
        "{health}"
    );
    assert!(health.contains("FAQ loaded:"), "{health}");

    // Other tests in this binary count too: compare before and after.
    let (_, before) = get(addr, "/metrics").await;
    let said = bot.mention(0, ELSEWHERE, ALICE, "is leaky gut real?").await;
    assert!(matches!(
        said.outcome,
        Outcome::Replied {
            answered: Some(_),
            ..
        }
    ));
    let warned = bot
        .mention(
            0,
            ELSEWHERE,
            BOB,
            "there's been blood in my stool since monday",
        )
        .await;
    let Outcome::Replied {
        warned: Some(tier), ..
    } = warned.outcome
    else {
        panic!("{:?}", warned.outcome)
    };
    bot.say(ELSEWHERE, ALICE, "just chatting about lunch").await;
    let body = reload(&mut bot, None).await;
    assert_eq!(embeds(&body)[0]["title"], "FAQ reloaded");
    let (status, after) = get(addr, "/metrics").await;
    assert_eq!(status, 200);

    let moved = |series: &str| sample(&after, series) - sample(&before, series);
    assert!(moved("gutcheck_messages_seen_total") >= 3.0, "{after}");
    assert!(
        moved("gutcheck_message_outcomes_total{outcome=\"not_watched\"}") >= 1.0,
        "{after}"
    );
    assert!(
        moved("gutcheck_answers_total{via=\"mention\"}") >= 1.0,
        "{after}"
    );
    let warnings = format!(
        "gutcheck_red_flag_warnings_total{{tier=\"{}\"}}",
        tier.as_str()
    );
    assert!(moved(&warnings) >= 1.0, "{after}");
    assert!(
        moved("gutcheck_reloads_total{trigger=\"command\",result=\"ok\"}") >= 1.0,
        "{after}"
    );
    assert!(
        moved("gutcheck_engine_seconds_count{work=\"message\"}") >= 2.0,
        "{after}"
    );
    assert_eq!(sample(&after, "gutcheck_shards_connected"), 1.0, "{after}");
    assert!(sample(&after, "gutcheck_faq_entries") > 10.0, "{after}");

    // The feedback hook the buttons call.
    gutcheck::ops::metrics::feedback(false);
    let (_, page) = get(addr, "/metrics").await;
    assert!(sample(&page, "gutcheck_feedback_total{vote=\"not_helpful\"}") >= 1.0);

    // No message text and no user ids in any label.
    for words in ["blood", "lunch", "leaky gut real", &ALICE.id.to_string()] {
        assert!(!page.contains(words), "`{words}` in the metrics:\n{page}");
    }
    bot.stop().await;
}

/// The real `gutcheck serve` with `--log-format json`: every log line is a JSON object, and
/// none holds the words a member wrote.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_json_lines_without_message_text() {
    let logs = serve_logs("debug", &["--log-format", "json"]).await;
    let lines: Vec<Value> = logs
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        lines
            .iter()
            .all(|l| l["level"].is_string() && l["timestamp"].is_string())
    );
    let said = |what: &str| {
        lines
            .iter()
            .any(|l| l["message"].as_str().is_some_and(|m| m.contains(what)))
    };
    assert!(said("connected as gutcheck"), "{logs}");
    assert!(said("metrics on http://127.0.0.1:"), "{logs}");
    assert_no_secrets(&logs, "debug");
}
