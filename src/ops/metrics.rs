//! Every metric gutcheck exports, named here and nowhere else (the README lists them).
//! Labels are closed sets (an outcome, a tier, a command name): never message text, user,
//! channel or server ids. Recording is a no-op until `install` runs, so the CLI and tests
//! that do not serve metrics pay nothing.

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::faq::Tier;
use crate::reply::Reply;

pub const MESSAGES_SEEN: &str = "gutcheck_messages_seen_total";
pub const MESSAGE_OUTCOMES: &str = "gutcheck_message_outcomes_total";
pub const ANSWERS: &str = "gutcheck_answers_total";
pub const SUGGESTIONS: &str = "gutcheck_suggestions_total";
pub const ABSTENTIONS: &str = "gutcheck_abstentions_total";
pub const WARNINGS: &str = "gutcheck_red_flag_warnings_total";
pub const RELOADS: &str = "gutcheck_reloads_total";
pub const FEEDBACK: &str = "gutcheck_feedback_total";
pub const ENGINE_SECONDS: &str = "gutcheck_engine_seconds";
pub const SHARDS: &str = "gutcheck_shards";
pub const SHARDS_CONNECTED: &str = "gutcheck_shards_connected";
pub const FAQ_ENTRIES: &str = "gutcheck_faq_entries";

/// Engine time buckets, in seconds: words alone take well under a millisecond, the model a
/// few milliseconds, and the reply budget is seconds.
const ENGINE_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

static HANDLE: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

/// Installs the process-wide recorder once and returns the handle that renders it; later
/// calls return the same handle. `Err` says why metrics cannot be exported (another
/// recorder was installed first).
pub fn install() -> Result<PrometheusHandle, String> {
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(ENGINE_SECONDS.into()), &ENGINE_BUCKETS)
                .and_then(|b| b.install_recorder())
                .inspect(|_| describe())
                .map_err(|e| format!("cannot export metrics: {e}"))
        })
        .clone()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(MESSAGES_SEEN, "Messages the bot received from the gateway.");
    describe_counter!(
        MESSAGE_OUTCOMES,
        "What the bot did with each message, by outcome."
    );
    describe_counter!(ANSWERS, "FAQ answers given, by where they were asked.");
    describe_counter!(
        SUGGESTIONS,
        "Replies that offered suggestions instead of an answer."
    );
    describe_counter!(ABSTENTIONS, "Direct questions no FAQ entry answered.");
    describe_counter!(WARNINGS, "Red-flag warnings sent, by tier.");
    describe_counter!(RELOADS, "FAQ reloads, by trigger and result.");
    describe_counter!(FEEDBACK, "Helpful / not helpful votes on answers.");
    describe_histogram!(
        ENGINE_SECONDS,
        "Engine time per message or command, in seconds."
    );
    describe_gauge!(SHARDS, "Shards this process runs.");
    describe_gauge!(
        SHARDS_CONNECTED,
        "Shards of this process connected to the gateway."
    );
    describe_gauge!(FAQ_ENTRIES, "Entries in the FAQ being served.");
}

/// Where a question came from: a closed set, so the label never carries anything a member
/// wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A mention or a direct message.
    Mention,
    /// A message in a passive channel, answered without being addressed.
    Passive,
    /// A slash command or context-menu command.
    Command,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Mention => "mention",
            Via::Passive => "passive",
            Via::Command => "command",
        }
    }
}

/// One message received, and what was done with it (`replied`, `not_watched`, ...).
pub fn message(outcome: &'static str) {
    counter!(MESSAGES_SEEN).increment(1);
    counter!(MESSAGE_OUTCOMES, "outcome" => outcome).increment(1);
}

/// A reply the bot sent for a question asked through `via`: an answer, suggestions, or an
/// abstention (neither).
pub fn replied(via: Via, reply: &Reply) {
    let name = if reply.answer.is_some() && reply.shows_answer() {
        ANSWERS
    } else if !reply.suggestions.is_empty() {
        SUGGESTIONS
    } else {
        ABSTENTIONS
    };
    counter!(name, "via" => via.as_str()).increment(1);
}

/// A passive answer sent (nobody addressed the bot, so nothing is counted when it is silent).
pub fn passive_answer() {
    counter!(ANSWERS, "via" => Via::Passive.as_str()).increment(1);
}

/// A red-flag warning sent at `tier`.
pub fn warning(tier: Tier) {
    counter!(WARNINGS, "tier" => tier.as_str()).increment(1);
}

/// A reload finished; `trigger` is `command` or `watcher`.
pub fn reload(trigger: &'static str, ok: bool) {
    let result = if ok { "ok" } else { "failed" };
    counter!(RELOADS, "trigger" => trigger, "result" => result).increment(1);
}

/// A feedback vote on an answer: the call the feedback buttons make.
pub fn feedback(helpful: bool) {
    let vote = if helpful { "helpful" } else { "not_helpful" };
    counter!(FEEDBACK, "vote" => vote).increment(1);
}

/// Engine time for one message (`work = "message"`) or one command (its name).
pub fn engine_time(work: &str, took: Duration) {
    histogram!(ENGINE_SECONDS, "work" => work.to_string()).record(took.as_secs_f64());
}

/// Shard state and the FAQ size, set on every scrape from the health probe.
pub fn health(shards: usize, connected: usize, faq_entries: usize) {
    gauge!(SHARDS).set(shards as f64);
    gauge!(SHARDS_CONNECTED).set(connected as f64);
    gauge!(FAQ_ENTRIES).set(faq_entries as f64);
}
