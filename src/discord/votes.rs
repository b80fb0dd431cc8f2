//! "Helpful" / "Not helpful" clicks: one vote per person per answer, stored as a salted
//! hash of (user, message), never a user id. A "Not helpful" in a server that records
//! unanswered questions also keeps the question behind the answer.

use std::sync::Arc;

use serenity::all::ComponentInteraction;

use super::curator::unix_now;
use super::gaps;
use super::state::Shared;
use crate::store::{GapReason, Vote, VoteOutcome, voter_hash};

pub const COUNTED: &str = "Thanks: your vote is counted.";
pub const CHANGED: &str = "Thanks: your vote is changed.";
pub const ALREADY: &str = "You already voted on this answer; each person's vote counts once.";
pub const NOT_SAVED: &str = "Your vote could not be saved just now (the bot's database is not \
     answering); the answer itself is unaffected. Please try again later.";
pub const NO_STORE: &str = "Votes are not recorded here: this bot runs without a database.";

/// Records one click and returns what to tell the clicker (privately).
pub async fn record(
    click: &ComponentInteraction,
    shared: &Arc<Shared>,
    helpful: bool,
    entry: String,
) -> &'static str {
    let Some(store) = shared.curator.store() else {
        return NO_STORE;
    };
    let Some(salt) = shared.curator.salt().await else {
        return NOT_SAVED;
    };
    let message = click.message.id.get();
    let vote = Vote {
        voter: voter_hash(&salt, click.user.id.get(), message),
        message_id: message,
        guild_id: click.guild_id.map(|g| g.get()),
        entry_id: entry,
        helpful,
        at: unix_now(),
    };
    let outcome = store.call(|s| s.vote(&vote)).await;
    if matches!(outcome, Some(VoteOutcome::Counted | VoteOutcome::Changed)) {
        crate::ops::metrics::feedback(helpful);
    }
    let counted_against = matches!(outcome, Some(VoteOutcome::Counted | VoteOutcome::Changed));
    if counted_against
        && !helpful
        && let Some(asked) = shared.curator.take_answer(message)
    {
        let rules = shared.effective(Some(asked.guild));
        if rules.record_gaps {
            gaps::keep(
                shared,
                asked,
                GapReason::NotHelpful,
                rules.gap_retention_days,
            );
        }
    }
    match outcome {
        None => NOT_SAVED,
        Some(VoteOutcome::Counted) => COUNTED,
        Some(VoteOutcome::Changed) => CHANGED,
        Some(VoteOutcome::AlreadyCounted) => ALREADY,
    }
}
