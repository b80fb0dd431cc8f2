//! The real `gutcheck serve` binary against the fake Discord, for what only the whole
//! process shows: its logs.
#![allow(dead_code)] // each test file uses its own subset

use serde_json::json;

use super::bot::{ALICE, BOB, ELSEWHERE, SCANNED, TOKEN, faq_copy};
use super::fake_discord::fixtures;
use super::fake_discord::{BOT_USER_ID, FakeDiscord, GUILD_ID, WAIT};

/// Words no log may hold: part of what a member writes in the logging test.
pub const SECRET_WORDS: &str = "quokka-marmalade-7731";

/// Runs the real `gutcheck serve` binary against the fake with `RUST_LOG=rust_log` and
/// `extra` arguments, makes it read messages and commands that contain `SECRET_WORDS`, stops
/// it with SIGTERM and returns everything it logged.
pub async fn serve_logs(rust_log: &str, extra: &[&str]) -> String {
    let fake = FakeDiscord::start(TOKEN, 1).await;
    let faq = faq_copy();
    let index = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_gutcheck"))
        .env_clear()
        .env("DISCORD_TOKEN", TOKEN)
        .env("RUST_LOG", rust_log)
        .env("GUTCHECK_DEV_GUILD", GUILD_ID.to_string())
        .env("GUTCHECK_SCAN_CHANNELS", SCANNED.to_string())
        .env("GUTCHECK_RELOAD_POLL_SECS", "0")
        .arg("--faq")
        .arg(faq.path())
        .arg("--index")
        .arg(index.path())
        // Words only: the log ceiling does not depend on the model, and a debug build would
        // spend longer than a test waits embedding the FAQ in a fresh process.
        .args(["--lexical-only", "serve", "--api-base", &fake.rest_url])
        // A port of its own: tests run in parallel.
        .args(["--metrics-addr", "127.0.0.1:0"])
        .args(extra)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let drain = tokio::spawn(async move {
        let mut text = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut text).await;
        text
    });
    fake.wait_identified(1).await;
    fake.wait_request(0, "PUT", |r| r.path.ends_with("/commands"))
        .await;

    let words = format!("{SECRET_WORDS} there's been blood in my stool since monday");
    let mention = format!("<@{BOT_USER_ID}> {words}");
    let from = fake.request_count();
    fake.dispatch(
        0,
        "MESSAGE_CREATE",
        fixtures::message(11, ELSEWHERE, ALICE, &mention, &[fixtures::bot_user()]),
    );
    fake.dispatch(
        0,
        "MESSAGE_CREATE",
        fixtures::message(12, SCANNED, BOB, &words, &[]),
    );
    for channel in [ELSEWHERE, SCANNED] {
        let posts = format!("/api/v10/channels/{channel}/messages");
        fake.wait_request(from, "POST", |r| r.path == posts).await;
    }
    // A payload serenity cannot read: serenity logs such frames whole at warn.
    let mut broken = fixtures::message(13, SCANNED, BOB, &words, &[]);
    broken["mentions"] = json!("not a list");
    fake.send_raw(
        0,
        json!({"op": 0, "t": "MESSAGE_CREATE", "s": 40, "d": broken}).to_string(),
    );
    for (id, name, option) in [
        (21, "ask", "question"),
        (22, "why", "question"),
        (23, "faq", "topic"),
    ] {
        let command = fixtures::command(
            id,
            ELSEWHERE,
            ALICE,
            name,
            &[(option, 3, json!(words))],
            json!({}),
        );
        fake.dispatch(0, "INTERACTION_CREATE", command);
        let path = format!("/api/v10/interactions/{id}/token-{id}/callback");
        fake.wait_request(0, "POST", |r| r.path == path).await;
    }
    let typing = fixtures::autocomplete(24, ELSEWHERE, ALICE, "faq", "topic", SECRET_WORDS);
    fake.dispatch(0, "INTERACTION_CREATE", typing);
    fake.wait_request(0, "POST", |r| r.path.contains("/interactions/24/"))
        .await;

    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("the bot stops on SIGTERM")
        .unwrap();
    let logs = drain.await.unwrap();
    assert!(status.success(), "{logs}");
    logs
}

pub fn assert_no_secrets(logs: &str, level: &str) {
    assert!(
        logs.contains("connected as gutcheck"),
        "RUST_LOG={level}: the log was captured\n{logs}"
    );
    for secret in [SECRET_WORDS, "blood in my stool", TOKEN] {
        assert!(
            !logs.contains(secret),
            "RUST_LOG={level} logged `{secret}`:\n{logs}"
        );
    }
    for id in 21..=24 {
        let token = format!("token-{id}");
        assert!(!logs.contains(&token), "RUST_LOG={level} logged {token}");
    }
}
