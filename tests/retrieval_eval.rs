//! Retrieval quality on the labelled set in `tests/eval/retrieval.tsv`: chat-style messages,
//! in scope (with the entry that should answer) and out of scope (which should get no answer).
//! Print the figures with `cargo test --test retrieval_eval -- --nocapture`, or
//! `gutcheck eval --misses`.

use std::collections::HashSet;
use std::path::Path;

use gutcheck::faq::Faq;
use gutcheck::respond::{Gutcheck, ModelChoice};
use gutcheck::search::Thresholds;
use gutcheck::search::eval::{self, Report, Verdict};

#[path = "support/cli.rs"]
mod cli;

const MIN_PRECISION: f64 = 0.95;
const MIN_ANSWERED_IN_SCOPE: f64 = 0.85;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn gutcheck() -> Gutcheck {
    let faq = Faq::load(&root().join("faq")).unwrap_or_else(|d| panic!("the FAQ must load:\n{d}"));
    Gutcheck::from_faq_cached(faq, &ModelChoice::default(), Some(cli::shared_vectors())).unwrap()
}

fn verdict(g: &Gutcheck, message: &str, thresholds: &Thresholds) -> Verdict {
    let reply = g.respond_with(message, thresholds);
    (
        reply.answer.map(|a| a.id),
        reply.suggestions.into_iter().map(|s| s.id).collect(),
    )
}

fn cases() -> Vec<eval::Case> {
    eval::load(&root().join("tests/eval/retrieval.tsv")).unwrap()
}

fn normalize(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[test]
fn the_labelled_set_is_big_enough_and_labelled_with_real_entries() {
    let g = gutcheck();
    let cases = cases();
    let out_of_scope = cases.iter().filter(|c| c.expected.is_none()).count();
    assert!(cases.len() >= 200, "only {} messages", cases.len());
    assert!(
        out_of_scope >= 60,
        "only {out_of_scope} out-of-scope messages"
    );
    for c in &cases {
        if let Some(id) = &c.expected {
            assert!(
                g.faq.entry(id).is_some(),
                "line {}: no entry `{id}`",
                c.line
            );
        }
    }
}

#[test]
fn messages_are_not_copies_of_the_entries_own_phrasings() {
    let g = gutcheck();
    let phrasings: HashSet<String> = g
        .faq
        .entries
        .iter()
        .flat_map(|e| e.phrasings().map(normalize))
        .collect();
    let copies: Vec<String> = cases()
        .iter()
        .filter(|c| phrasings.contains(&normalize(&c.message)))
        .map(|c| format!("line {}: {}", c.line, c.message))
        .collect();
    assert!(
        copies.is_empty(),
        "eval messages copied from phrasings:\n{}",
        copies.join("\n")
    );
}

#[test]
fn precision_and_answered_share_meet_the_targets() {
    let g = gutcheck();
    let report = Report::run(&cases(), |m| verdict(&g, m, &Thresholds::ASKED));
    println!("{}", report.summary());
    print!("{}", report.misses());
    assert!(
        report.precision() >= MIN_PRECISION,
        "precision {:.3} < {MIN_PRECISION}\n{}",
        report.precision(),
        report.misses()
    );
    assert!(
        report.answered_in_scope() >= MIN_ANSWERED_IN_SCOPE,
        "answered {:.3} of in-scope messages < {MIN_ANSWERED_IN_SCOPE}\n{}",
        report.answered_in_scope(),
        report.misses()
    );
}

/// The set written blind, after tuning, by someone who saw only entry titles. Its floors sit
/// below its first blind run (94.8% precision, 90.5% answered) and guard against regressions;
/// they are not tuning targets.
#[test]
fn the_blind_holdout_set_stays_above_its_floors() {
    const HOLDOUT_MIN_PRECISION: f64 = 0.90;
    const HOLDOUT_MIN_ANSWERED: f64 = 0.80;
    let g = gutcheck();
    let holdout = eval::load(&root().join("tests/eval/holdout.tsv")).unwrap();
    let report = Report::run(&holdout, |m| verdict(&g, m, &Thresholds::ASKED));
    println!("holdout:\n{}", report.summary());
    print!("{}", report.misses());
    assert!(
        report.precision() >= HOLDOUT_MIN_PRECISION,
        "holdout precision {:.3} < {HOLDOUT_MIN_PRECISION}",
        report.precision()
    );
    assert!(
        report.answered_in_scope() >= HOLDOUT_MIN_ANSWERED,
        "holdout answered {:.3} < {HOLDOUT_MIN_ANSWERED}",
        report.answered_in_scope()
    );
}

#[test]
fn passive_thresholds_answer_a_subset_and_nothing_out_of_scope() {
    let g = gutcheck();
    let cases = cases();
    let asked = Report::run(&cases, |m| verdict(&g, m, &Thresholds::ASKED));
    let passive = Report::run(&cases, |m| verdict(&g, m, &Thresholds::PASSIVE));
    println!("passive:\n{}", passive.summary());
    // Same retrieval, stricter thresholds: every passive answer is also an asked answer.
    for (p, a) in passive.outcomes.iter().zip(&asked.outcomes) {
        if p.answered.is_some() {
            assert_eq!(p.answered, a.answered, "line {}", p.case.line);
        }
    }
    assert!(passive.answered() < asked.answered());
    assert_eq!(
        passive.out_of_scope_abstained(),
        1.0,
        "{}",
        passive.misses()
    );
}

/// Near misses in our own words (not copies of `faq/out_of_scope.toml`): each is closer in
/// meaning to a question that file lists than to any entry, and gets neither an answer nor
/// "did you mean" suggestions. Before that file, the first was answered with the NSAIDs
/// entry and the others were offered entries.
#[test]
fn near_misses_the_faq_does_not_answer_get_nothing() {
    let g = gutcheck();
    for message in [
        "can i take ibuprofen and paracetamol together for a migraine",
        "how long does a tattoo take to fully heal before the gym",
        "what zinc lozenges are best when you've got a cold",
        "is it ok to take antihistamines every night for allergies",
    ] {
        let explained = g.explain(message);
        assert_eq!(
            explained.rule,
            gutcheck::hybrid::decide::Rule::OutOfScope,
            "{message:?}: {explained}"
        );
        let reply = g.respond(message);
        assert!(
            reply.answer.is_none() && reply.suggestions.is_empty(),
            "{message:?}"
        );
    }
}

#[test]
fn empty_and_noise_only_messages_abstain_politely() {
    let g = gutcheck();
    for message in [
        "",
        "   \n\t ",
        "🎉🔥💯",
        "<@123> <#456>",
        "```let x = 1;```",
        "?!?!",
        "> quoted only",
    ] {
        let reply = g.respond(message);
        assert_eq!(reply.query, message);
        assert!(reply.answer.is_none(), "{message:?} got an answer");
        assert!(reply.suggestions.is_empty(), "{message:?} got suggestions");
        assert!(!reply.disclaimer.is_empty());
    }
}

#[test]
fn a_huge_message_is_capped_not_fatal() {
    let g = gutcheck();
    let huge = "is leaky gut real ".repeat(5_000);
    let reply = g.respond(&huge);
    assert_eq!(reply.query.len(), huge.len());
    let words: String = (0..20_000).map(|i| format!("w{i} ")).collect();
    let _ = g.respond(&words);
}

#[test]
fn query_syntax_in_chat_is_just_words() {
    let g = gutcheck();
    for message in [
        "-gluten NOT coeliac: AND (probiotics",
        "\"unbalanced quote about zinc",
        "title:zonulin OR body:*",
        "don't won't can't isn't",
    ] {
        let _ = g.respond(message);
        let _ = g.explain(message).to_string();
    }
    let reply = g.respond("coeliac: is it leaky gut?");
    assert_eq!(
        reply.answer.map(|a| a.id).as_deref(),
        Some("coeliac-disease")
    );
}

#[test]
fn answers_cite_sources_in_order_of_first_use() {
    let g = gutcheck();
    let answer = g.respond("is leaky gut real?").answer.expect("an answer");
    assert_eq!(answer.id, "is-leaky-gut-real");
    let mut next = 1;
    for claim in &answer.claims {
        for &n in &claim.sources {
            assert!(n <= next, "citation [{n}] used before [{next}]");
            if n == next {
                next += 1;
            }
        }
    }
    assert_eq!(next - 1, answer.citations.len());
    for (i, c) in answer.citations.iter().enumerate() {
        assert_eq!(c.n, i + 1);
        assert!(answer.text.contains(&format!("[{}] {}", c.n, c.title)));
    }
    assert!(answer.text.contains(&answer.summary));
}

#[test]
fn one_engine_serves_many_threads_with_identical_replies() {
    let g = std::sync::Arc::new(gutcheck());
    let expected = g.respond("do probiotics help leaky gut");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let g = std::sync::Arc::clone(&g);
            std::thread::spawn(move || g.respond("do probiotics help leaky gut"))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), expected);
    }
}
