//! Memory while serving (issue 14, item 9): the real release binary, `gutcheck serve`, against
//! the fake Discord under a burst of 10,000 messages across 100 channels, then its peak
//! resident memory (`VmHWM`) and the messages it handled per second.
//!
//! Ignored by default: it wants the release build and a minute or two of both cores. Run it as
//!
//! ```sh
//! cargo test --release --test serve_memory -- --ignored --nocapture
//! ```
//!
//! The bot's own count is what the test waits for: with `RUST_LOG=gutcheck=debug` it logs one
//! `message handled` line per message (id and outcome only, never the text), so the test knows
//! when the 10,000th decision was made without sleeping or guessing from replies.

// This file uses a small part of the shared support code.
#[allow(dead_code)]
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::bot::TOKEN;
use support::cli;
use support::fake_discord::fixtures::{self, Person};
use support::fake_discord::{BOT_USER_ID, FakeDiscord, GUILD_ID};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::watch;

/// The burst the issue asks for; `SERVE_MEMORY_MESSAGES=N` runs another size, to see how the
/// peak grows with the backlog.
const MESSAGES: u64 = 10_000;
const CHANNELS: u64 = 100;
/// Channels `FIRST_CHANNEL + 0..30` are passive and scanned, `30..60` scanned only, the rest
/// unwatched (only mentions are read there).
const FIRST_CHANNEL: u64 = 7_000;
const PASSIVE: std::ops::Range<u64> = 0..30;
const SCANNED: std::ops::Range<u64> = 0..60;
const MEMBERS: u64 = 1_000;
/// Not a limit on speed: only how long the test waits before it reports a bot that stopped
/// handling messages (a hang), instead of waiting for ever.
const HANG_GUARD: Duration = Duration::from_secs(30 * 60);

/// Questions in the FAQ's scope, written for this test.
const QUESTIONS: &[&str] = &[
    "does drinking every weekend make your gut leaky?",
    "can ibuprofen mess up the lining of my intestines",
    "is there a proper test for leaky gut or is it all guesswork?",
    "will taking glutamine powder fix a leaky gut?",
    "do probiotics actually help with gut permeability",
    "how long does it take for the gut barrier to heal?",
    "is leaky gut even a real diagnosis?",
    "could stress be what's making my gut leaky",
    "does gluten cause leaky gut in people without coeliac disease?",
    "what does the research say about zinc and the gut lining",
    "is bone broth good for healing the intestines?",
    "can a leaky gut cause my eczema",
];

/// Everyday chat that should get nothing.
const CHATTER: &[&str] = &[
    "anyone watching the match tonight",
    "lol that meme is brilliant",
    "good morning everyone, hope you slept well",
    "I finally finished painting the kitchen",
    "what time is the meetup on saturday?",
    "my cat knocked the plant off the shelf again",
    "thanks for the recipe, it turned out great",
    "brb getting coffee",
    "the train was late again this morning",
    "congrats on the new job!",
];

/// Messages that describe an alarm symptom.
const ALARMS: &[&str] = &[
    "there has been blood in my stool for the last week",
    "I keep throwing up blood and feel dizzy",
    "I've lost a stone in weight without trying since the summer",
    "my poo has been black and sticky for three days",
    "I wake up at night sweating and my belly hurts all the time",
    "I can't swallow food properly, it feels stuck",
];

/// Endings that keep the 10,000 messages from being a handful of strings repeated.
const TAILS: &[&str] = &[
    "",
    " asking for a friend",
    " sorry if this was asked before",
    " any thoughts?",
    " I'm a bit worried",
    " thanks in advance",
    " been reading a lot about this",
];

/// Message `n` of the burst: its channel, author, text and whether it mentions the bot.
struct Burst {
    channel: u64,
    author: u64,
    text: String,
    mention: bool,
}

fn burst_message(n: u64) -> Burst {
    let pick = |list: &[&'static str], k: u64| list[(k % list.len() as u64) as usize];
    let tail = pick(TAILS, n / 7);
    // 40% questions, 45% chatter, 10% alarms, 5% questions that mention the bot.
    let (text, mention) = match n % 20 {
        0..=7 => (format!("{}{tail}", pick(QUESTIONS, n / 20)), false),
        8..=16 => (format!("{}{tail}", pick(CHATTER, n / 20)), false),
        17 | 18 => (format!("{}{tail}", pick(ALARMS, n / 20)), false),
        _ => (
            format!("<@{BOT_USER_ID}> {}{tail}", pick(QUESTIONS, n / 20 + 5)),
            true,
        ),
    };
    Burst {
        channel: FIRST_CHANNEL + scatter(n) % CHANNELS,
        author: 10_000 + scatter(n + (1 << 32)) % MEMBERS,
        text,
        mention,
    }
}

/// Spreads `n` over a range independently of `n % 20` (which picks the kind of message), so
/// every kind reaches every channel.
fn scatter(n: u64) -> u64 {
    n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40
}

fn burst_size() -> u64 {
    match std::env::var("SERVE_MEMORY_MESSAGES") {
        Err(_) => MESSAGES,
        Ok(n) => n.parse().unwrap_or_else(|_| {
            panic!("SERVE_MEMORY_MESSAGES={n} is not a number of messages: write e.g. 2500")
        }),
    }
}

fn channel_list(range: std::ops::Range<u64>) -> String {
    range
        .map(|c| (FIRST_CHANNEL + c).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// What the bot logged about the messages it handled so far.
#[derive(Debug, Default, Clone)]
struct Tally {
    handled: u64,
    /// Outcome kind (`Replied`, `Ignored(NothingToSay)`, ...) to count.
    outcomes: BTreeMap<String, u64>,
    finished_at: Option<Instant>,
}

/// Reads the bot's log, counting `message handled` lines, until the bot exits.
async fn count_handled(
    stderr: tokio::process::ChildStderr,
    tally: watch::Sender<Tally>,
    total: u64,
) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let line = strip_ansi(&line);
        if !line.contains("message handled") {
            continue;
        }
        let kind = line
            .split_once("outcome=")
            .map(|(_, o)| outcome_kind(o))
            .unwrap_or_else(|| "unknown".to_string());
        tally.send_modify(|t| {
            t.handled += 1;
            *t.outcomes.entry(kind).or_default() += 1;
            if t.handled == total {
                t.finished_at = Some(Instant::now());
            }
        });
    }
}

/// `Replied { warned: Some(Urgent), answered: None }` as `Replied(warned)`, `Ignored(X)` as
/// it is: enough to see what the engine decided without the entry ids.
fn outcome_kind(outcome: &str) -> String {
    if let Some(replied) = outcome.strip_prefix("Replied") {
        let warned = !replied.contains("warned: None");
        let answered = !replied.contains("answered: None");
        return match (warned, answered) {
            (true, true) => "Replied(warned and answered)",
            (true, false) => "Replied(warned)",
            (false, true) => "Replied(answered)",
            (false, false) => "Replied(neither: did-you-mean or no answer)",
        }
        .to_string();
    }
    let end = outcome.find([' ', '{']).unwrap_or(outcome.len());
    outcome[..end].to_string()
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `VmHWM` (peak resident set) and `VmRSS` of a process, in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("/proc/<pid>/status is readable (Linux)");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Builds the index and the FAQ's vectors once, as a deployment does before it serves (the
/// Docker image ships them built), so the figure is serving, not first-start embedding.
fn build_index(faq: &Path, index: &Path, model: &Path) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_gutcheck"))
        .env_clear()
        .arg("--faq")
        .arg(faq)
        .arg("--index")
        .arg(index)
        .arg("--model")
        .arg(model)
        .arg("index")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "`gutcheck index` failed");
}

fn spawn_serve(fake: &FakeDiscord, index: &Path) -> tokio::process::Child {
    let root = cli::root();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_gutcheck"))
        .env_clear()
        .env("DISCORD_TOKEN", TOKEN)
        .env("RUST_LOG", "gutcheck=debug")
        .env("NO_COLOR", "1")
        .env("GUTCHECK_DEV_GUILD", GUILD_ID.to_string())
        .env("GUTCHECK_PASSIVE_CHANNELS", channel_list(PASSIVE))
        .env("GUTCHECK_SCAN_CHANNELS", channel_list(SCANNED))
        .env("GUTCHECK_RELOAD_POLL_SECS", "0")
        // Every message goes through the engine however long the queue gets: the test is
        // about memory under load, not about which replies a busy bot drops.
        .env("GUTCHECK_REPLY_BUDGET_SECS", "3600")
        .arg("--faq")
        .arg(root.join("faq"))
        .arg("--index")
        .arg(index)
        .arg("--model")
        .arg(root.join("models/all-minilm-l6-v2"))
        .args(["serve", "--api-base", &fake.rest_url])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// Posts the whole burst at once: 10,000 MESSAGE_CREATE events on the gateway. Returns how
/// many mention the bot (each of those gets a reply).
fn dispatch_burst(fake: &FakeDiscord, total: u64) -> u64 {
    let mut mentions = 0;
    for n in 0..total {
        let m = burst_message(n);
        let author = Person {
            id: m.author,
            name: "member",
            bot: false,
            permissions: 0,
        };
        let mentioned = if m.mention {
            mentions += 1;
            vec![fixtures::bot_user()]
        } else {
            Vec::new()
        };
        let message = fixtures::message(1_000_000 + n, m.channel, author, &m.text, &mentioned);
        fake.dispatch(0, "MESSAGE_CREATE", message);
    }
    mentions
}

async fn wait_for_all(tally: &mut watch::Receiver<Tally>, total: u64) -> Tally {
    let done = tokio::time::timeout(HANG_GUARD, tally.wait_for(|t| t.handled >= total))
        .await
        .map(|found| found.map(|t| t.clone()).map_err(|_| ()));
    let handled = tally.borrow().handled;
    match done {
        Ok(Ok(t)) => t,
        Ok(Err(())) => panic!("the bot exited after handling {handled} messages"),
        Err(_) => panic!("the bot stopped making progress: {handled} of {total} handled"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a load measurement: run with --release -- --ignored --nocapture"]
async fn serve_peak_memory_under_a_burst_of_10000_messages() {
    let total = burst_size();
    let index = tempfile::tempdir().unwrap();
    build_index(
        &cli::root().join("faq"),
        index.path(),
        &cli::root().join("models/all-minilm-l6-v2"),
    );
    let fake = FakeDiscord::start(TOKEN, 1).await;
    let mut child = spawn_serve(&fake, index.path());
    let pid = child.id().expect("the bot is running");
    let (tally_tx, mut tally) = watch::channel(Tally::default());
    let counter = tokio::spawn(count_handled(child.stderr.take().unwrap(), tally_tx, total));
    fake.wait_identified(1).await;
    fake.wait_request(0, "PUT", |r| r.path.ends_with("/commands"))
        .await;
    let (ready_peak, ready_rss) = memory_kib(pid);

    let from = fake.request_count();
    let started = Instant::now();
    let mentions = dispatch_burst(&fake, total);
    let done = wait_for_all(&mut tally, total).await;
    let (peak, rss) = memory_kib(pid);
    let elapsed = done.finished_at.unwrap_or_else(Instant::now) - started;
    let replies = fake.requests()[from..]
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .count() as u64;

    println!("serve under a burst of {total} messages across {CHANNELS} channels:");
    println!(
        "  ready (connected, commands registered): VmHWM {} MB, VmRSS {} MB",
        ready_peak / 1024,
        ready_rss / 1024
    );
    println!(
        "  after the burst: VmHWM {} MB (peak), VmRSS {} MB",
        peak / 1024,
        rss / 1024
    );
    println!(
        "  {total} messages handled in {:.1} s: {:.0} messages/s; {replies} replies posted",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    for (kind, count) in &done.outcomes {
        println!("  {count:>6} {kind}");
    }

    assert_eq!(done.handled, total, "every message was handled once");
    assert!(
        !done.outcomes.keys().any(|k| k.starts_with("OverBudget")),
        "no message was dropped for time: {:?}",
        done.outcomes
    );
    let count = |kind: &str| done.outcomes.get(kind).copied().unwrap_or(0);
    assert!(
        count("Replied(answered)") > 0,
        "passive answers and mentions were answered: {:?}",
        done.outcomes
    );
    assert!(
        count("Replied(warned)") + count("Replied(warned and answered)") > 0,
        "alarms in scanned channels were warned about: {:?}",
        done.outcomes
    );
    assert!(
        replies >= mentions,
        "each of the {mentions} mentions got a reply ({replies} replies in all)"
    );
    drop(child);
    counter.abort();
}
