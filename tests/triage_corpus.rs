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

const MIN_RECALL: f64 = 0.95;
const MIN_SILENCE: f64 = 0.95;
const MIN_LINES: usize = 150;

#[test]
fn corpus_recall_and_silence() {
    let cases = triage_corpus::load("tests/triage/corpus.tsv", "corpus.tsv");
    assert!(
        cases.len() >= MIN_LINES,
        "the corpus needs at least {MIN_LINES} messages, has {}",
        cases.len()
    );
    let report = triage_corpus::score(&cases, "corpus.tsv");
    assert!(
        report.recall >= MIN_RECALL,
        "recall {:.1}% is below {:.0}%",
        report.recall * 100.0,
        MIN_RECALL * 100.0
    );
    assert!(
        report.silence >= MIN_SILENCE,
        "silence {:.1}% is below {:.0}%",
        report.silence * 100.0,
        MIN_SILENCE * 100.0
    );
    assert!(
        report.wrong_person.is_empty(),
        "{} alarms credited to the wrong person",
        report.wrong_person.len()
    );
}
