//! The labelled red-flag corpus (tests/triage/corpus.tsv) against the real `faq/` rules and
//! cues. Two figures matter and are printed on every run:
//!
//! - recall: of the (message, rule) pairs that should fire, how many fired at the expected
//!   tier. A missed alarm is the costly error.
//! - silence: of the messages that should raise nothing, how many raised nothing. A bot that
//!   cries wolf gets muted.
//!
//! Both must stay at or above 95%. Whose alarm it is must be right on every line that says:
//! a rule firing on an `other-person` line is marked `about_someone_else`, one on an `alarm`
//! or `escalation` line is not, since the warning's wording depends on it. Every miss is printed with why triage set it aside, so a
//! moderator changing `faq/redflags.toml` or `faq/context.toml` sees what moved.
//!
//! `cargo test --test triage_corpus -- --nocapture` shows the report.

#[path = "support/triage_corpus.rs"]
mod triage_corpus;

#[test]
fn corpus_recall_and_silence() {
    triage_corpus::check(
        "tests/triage/corpus.tsv",
        "corpus.tsv",
        &triage_corpus::Floors {
            set: "the corpus",
            min_lines: 150,
            min_recall: 0.95,
            min_silence: 0.95,
            assert_wrong_person: true,
        },
    );
}
