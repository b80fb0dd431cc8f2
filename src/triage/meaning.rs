//! Red flags by meaning: a sentence close in meaning to one of a rule's `examples` is a
//! trigger for that rule, as if a pattern had matched it. Patterns miss what people write
//! in words nobody listed ("the bowl looked like a crime scene"); the embedding model does
//! not need the words to match.
//!
//! A candidate is only a trigger. Every context check that judges a pattern's match
//! (negation, hypotheticals, history, fiction, whose symptom, explanations, durations, age)
//! judges it too, so "no blood on the paper" stays silent whichever way it was found. The
//! checks look at cues *before* the trigger, so a candidate's span starts at the first word
//! the sentence shares with the rule's examples ("no" in "no blood on the paper" then comes
//! before "blood"); with no shared word, the span is the whole sentence.
//!
//! Cost: one model pass per message over the windows (whole sentence, clauses, clause
//! pairs) of the sentences that share a content word with some example, at most
//! `MAX_SENTENCES` of them; `respond` adds the message itself to that pass when retrieval
//! needs it (`Embedder::ahead`). Sentences with none of those words are not embedded, nor are
//! windows with no word of a rule that a pattern has not already found there, nor a text
//! twice: none of those can change what is found.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use super::pattern::Match;
use super::words::{self, Sentence, Word};
use crate::semantic::vectors::Vectors;
use crate::semantic::{Embedder, Embedding};

/// The cosine with a rule's closest example at which a sentence becomes a candidate.
/// Set on the development chat set and the red-flag corpora (README, "How well it works");
/// lowered from 0.60 when every rule gained eight more examples and the ordinary list thirty
/// more: on a sixth blind batch's tuning half it caught more alarms for no new false flag
/// there or on the development set. At 0.55 a plain stomach ache ("my stomach hurts, is it
/// leaky gut?") came near the severe-pain examples, so the ordinary list holds such plain
/// complaints too.
pub const THRESHOLD: f32 = 0.55;
/// A candidate's cosine with its closest alarm example must beat its closest ordinary
/// question's by this much.
pub const ORDINARY_MARGIN: f32 = 0.05;
/// At most this many sentences of one message are embedded (the first that qualify).
pub const MAX_SENTENCES: usize = 6;
/// Shorter sentences carry too little to compare ("so bad", "help").
pub const MIN_WORDS: usize = 3;
/// Words shorter than this never anchor or gate a candidate ("i", "my", "up").
const MIN_CONTENT_CHARS: usize = 3;
/// Words that share this many leading characters count as the same word ("vomited",
/// "vomiting"); shorter words must be equal.
const STEM_CHARS: usize = 5;

/// Function words: never evidence that a sentence is about an alarm. Linguistic plumbing,
/// not medical content, so it lives here rather than in `faq/`.
const FUNCTION_WORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "are",
    "but",
    "not",
    "you",
    "all",
    "any",
    "can",
    "had",
    "her",
    "was",
    "one",
    "our",
    "out",
    "has",
    "his",
    "how",
    "its",
    "may",
    "new",
    "now",
    "see",
    "two",
    "who",
    "did",
    "get",
    "got",
    "him",
    "let",
    "say",
    "she",
    "too",
    "use",
    "that",
    "with",
    "have",
    "this",
    "will",
    "your",
    "from",
    "they",
    "been",
    "were",
    "said",
    "each",
    "which",
    "their",
    "time",
    "there",
    "what",
    "about",
    "when",
    "make",
    "like",
    "into",
    "than",
    "then",
    "them",
    "these",
    "some",
    "would",
    "other",
    "could",
    "it's",
    "i've",
    "i'm",
    "just",
    "really",
    "every",
    "since",
    "after",
    "before",
    "keep",
    "keeps",
    "even",
    "know",
    "does",
    "doing",
    "very",
    "much",
    "more",
    "most",
    "also",
    "only",
    "still",
    "again",
    "over",
    "under",
    "because",
    "where",
    "while",
    "went",
    "going",
    "come",
    "came",
    "comes",
    "looks",
    "looked",
    "look",
    "feel",
    "feels",
    "felt",
    "thing",
    "things",
    "stuff",
    "lot",
    "lots",
    "last",
    "days",
    "day",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "today",
    "yesterday",
    "never",
    "nothing",
    "something",
    "anything",
    "everything",
    "ive",
    "im",
    "dont",
    "cant",
];

/// Where a symptom was noticed, not what it was: a window sharing only these with a rule's
/// examples is not anchored ("checked the toilet" is no sign of "blood in the toilet").
const SETTING_WORDS: &[&str] = &[
    "toilet", "loo", "bowl", "paper", "water", "bathroom", "nappy", "nappies", "diaper", "diapers",
    "tissue", "wipe", "wipes", "sink", "bucket",
];

/// Words that make a sentence say something is absent or impossible. The model reads "can't
/// keep water down" and "kept water down fine" as near twins; an example that needs one of
/// these only matches a window that has one too.
const NEGATIONS: &[&str] = &[
    "not", "no", "cant", "cannot", "couldnt", "havent", "hasnt", "hadnt", "dont", "doesnt",
    "didnt", "wont", "never", "without", "unable", "nothing", "barely", "hardly", "isnt", "arent",
    "wasnt", "werent", "nor",
];

fn has_negation(ws: &[Word]) -> bool {
    ws.iter().any(|w| NEGATIONS.contains(&w.norm.as_str()))
}

/// The rules' examples as vectors, and the words each rule's examples use.
pub struct Meaning {
    model: Arc<Embedder>,
    /// Per example: the rule (its index in the rule list), its vector, and whether it says
    /// something is absent or impossible (`NEGATIONS`).
    examples: Vec<(usize, Embedding, bool)>,
    /// Per rule: the content words of its examples.
    vocabulary: Vec<Vocabulary>,
    /// What people ask when nothing is wrong (the FAQ's phrasings): a window closer to one of
    /// these than to any alarm example reads as an ordinary question or remark.
    ordinary: Vectors,
    /// Every rule's content words: a sentence with none of them is not embedded.
    any_vocabulary: Vocabulary,
}

/// A set of content words that also answers "shares a stem with one of them" by one look-up,
/// where comparing stems scanned the whole vocabulary for every word of `STEM_CHARS` letters
/// or more of every message, chatter included.
struct Vocabulary {
    words: HashSet<String>,
    /// The first `STEM_CHARS` characters of every word at least that long.
    stems: HashSet<String>,
}

impl Vocabulary {
    fn new(words: HashSet<String>) -> Vocabulary {
        let stems = words
            .iter()
            .filter_map(|w| stem(w))
            .map(str::to_string)
            .collect();
        Vocabulary { words, stems }
    }

    /// `norm` is one of the words, or shares its first `STEM_CHARS` characters with one of
    /// them (both being at least that long): a stem comparison with each word, in one look-up.
    fn has(&self, norm: &str) -> bool {
        self.words.contains(norm) || stem(norm).is_some_and(|s| self.stems.contains(s))
    }
}

/// The first `STEM_CHARS` characters of `word`, if it has that many.
fn stem(word: &str) -> Option<&str> {
    match word.char_indices().nth(STEM_CHARS) {
        Some((end, _)) => Some(&word[..end]),
        None if word.chars().count() == STEM_CHARS => Some(word),
        None => None,
    }
}

/// What people write when nothing is wrong.
pub struct Ordinary<'a> {
    /// The FAQ's phrasings: a word common in them ("poop", "stomach", "pain") is no sign of
    /// an alarm, so only a rule's other example words ("blood", "tar", "fainted") can anchor
    /// a candidate.
    pub phrasings: &'a [&'a str],
    /// Vectors of those phrasings and of `ordinary_examples` (faq/context.toml): a window
    /// closer to one of them than to any alarm example is not a candidate.
    pub vectors: Vectors,
}

/// One sentence close enough to a rule's examples.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub rule: usize,
    pub sentence: usize,
    pub span: Match,
    pub cosine: f32,
}

impl Meaning {
    /// The texts to embed, with the rule each belongs to, in the order `new` expects.
    pub fn texts(examples_per_rule: &[&[String]]) -> Vec<(usize, String)> {
        examples_per_rule
            .iter()
            .enumerate()
            .flat_map(|(rule, examples)| examples.iter().map(move |e| (rule, e.clone())))
            .collect()
    }

    /// `owners` and `vectors` are `texts`' output (rule, text) and their embeddings, in order.
    pub fn new(
        model: Arc<Embedder>,
        rule_count: usize,
        owners: &[(usize, String)],
        vectors: &Vectors,
        ordinary: Ordinary<'_>,
    ) -> Meaning {
        let common = common_words(ordinary.phrasings);
        let mut vocabulary = vec![HashSet::new(); rule_count];
        for (rule, text) in owners {
            for sentence in words::sentences(text) {
                for word in sentence.words.iter().filter(|w| is_content(w)) {
                    if !common.contains(&word.norm) {
                        vocabulary[*rule].insert(word.norm.clone());
                    }
                }
            }
        }
        let any_vocabulary = Vocabulary::new(vocabulary.iter().flatten().cloned().collect());
        let vocabulary = vocabulary.into_iter().map(Vocabulary::new).collect();
        let examples = owners
            .iter()
            .enumerate()
            .map(|(i, (rule, text))| {
                let negative = words::sentences(text)
                    .iter()
                    .any(|s| has_negation(&s.words));
                (*rule, vectors.get(i).clone(), negative)
            })
            .collect();
        Meaning {
            model,
            ordinary: ordinary.vectors,
            examples,
            vocabulary,
            any_vocabulary,
        }
    }

    /// Every (rule, sentence) whose closest example is at `THRESHOLD` or more, except where
    /// `already` says a pattern found that rule in that sentence. A sentence is compared
    /// whole and clause by clause (a clause alone, and with its neighbour), so one alarm in a
    /// long sentence is not drowned by the rest ("had a great weekend, but the bowl was red").
    pub fn candidates(
        &self,
        text: &str,
        sentences: &[Sentence],
        already: impl Fn(usize, usize) -> bool,
    ) -> Vec<Candidate> {
        let worth = sentences.iter().enumerate().filter(|(_, s)| {
            s.words.len() >= MIN_WORDS
                && s.words.iter().any(|w| self.shared(&self.any_vocabulary, w))
        });
        let windows: Vec<Window> = worth
            .take(MAX_SENTENCES)
            .flat_map(|(si, s)| {
                let live = self.live_rules(si, &already);
                windows(si, &s.words).into_iter().filter(move |w| {
                    let ws = &s.words[w.words.clone()];
                    ws.iter().any(|x| live.iter().any(|v| self.shared(v, x)))
                })
            })
            .collect();
        if windows.is_empty() {
            return Vec::new();
        }
        let texts: Vec<&str> = windows
            .iter()
            .map(|w| {
                let ws = &sentences[w.sentence].words;
                &text[ws[w.words.start].start..ws[w.words.end - 1].end]
            })
            .collect();
        let vectors = self.model.embed_batch(&texts);
        // The best window per (rule, sentence).
        let mut best: Vec<Candidate> = Vec::new();
        for (window, vector) in windows.iter().zip(&vectors) {
            let Some(found) = self.candidate(window, vector, sentences, &already) else {
                continue;
            };
            match best
                .iter_mut()
                .find(|c| c.rule == found.rule && c.sentence == found.sentence)
            {
                Some(c) if c.cosine >= found.cosine => {}
                Some(c) => *c = found,
                None => best.push(found),
            }
        }
        best
    }

    /// The vocabularies of the rules no pattern found in sentence `si`. A window with none of
    /// their words cannot become a candidate (`candidate` drops a window whose closest rule a
    /// pattern found, `span` one without a word of its closest rule), so it is not embedded:
    /// the same candidates for less model time.
    fn live_rules(&self, si: usize, already: &impl Fn(usize, usize) -> bool) -> Vec<&Vocabulary> {
        let rules = self.vocabulary.iter().enumerate();
        rules
            .filter(|(r, _)| !already(*r, si))
            .map(|(_, v)| v)
            .collect()
    }

    /// The window's closest rule, if close enough, closer than any ordinary question, not
    /// found by a pattern already, and anchored on a word of that rule's examples. The
    /// closest rule only: a window that reads like one alarm is not a weaker instance of its
    /// neighbours ("streaks of blood in my poop" is not vomiting).
    fn candidate(
        &self,
        window: &Window,
        vector: &Embedding,
        sentences: &[Sentence],
        already: &impl Fn(usize, usize) -> bool,
    ) -> Option<Candidate> {
        let negative = has_negation(&sentences[window.sentence].words[window.words.clone()]);
        let (rule, cosine) = self
            .closest_per_rule(vector, negative)
            .into_iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        if cosine < THRESHOLD || already(rule, window.sentence) {
            return None;
        }
        let ordinary = self
            .ordinary
            .similarities(vector)
            .into_iter()
            .fold(f32::MIN, f32::max);
        if cosine < ordinary + ORDINARY_MARGIN {
            return None;
        }
        let span = self.span(rule, &sentences[window.sentence].words, &window.words)?;
        Some(Candidate {
            rule,
            sentence: window.sentence,
            span,
            cosine,
        })
    }

    /// The best cosine for each rule that has examples, among the examples a window with (or
    /// without) a negation can match.
    fn closest_per_rule(&self, vector: &Embedding, negative: bool) -> Vec<(usize, f32)> {
        let mut best: Vec<Option<f32>> = vec![None; self.vocabulary.len()];
        for (rule, example, _) in self.examples.iter().filter(|e| negative || !e.2) {
            let c = example.cosine(vector);
            if best[*rule].is_none_or(|b| c > b) {
                best[*rule] = Some(c);
            }
        }
        best.into_iter()
            .enumerate()
            .filter_map(|(rule, c)| c.map(|c| (rule, c)))
            .collect()
    }

    /// From the first to the last word of the window that the rule's examples use too and
    /// ordinary questions rarely do (those words are the match's own); `None` when the window
    /// has no such word: closeness in meaning alone is not enough ("poop is a normal colour"
    /// is close to "my poop has streaks of red").
    fn span(&self, rule: usize, ws: &[Word], window: &Range<usize>) -> Option<Match> {
        let shared: Vec<usize> = window
            .clone()
            .filter(|&i| self.shared(&self.vocabulary[rule], &ws[i]))
            .collect();
        Some(Match {
            start: *shared.first()?,
            end: *shared.last()? + 1,
            literals: shared,
        })
    }

    fn shared(&self, vocabulary: &Vocabulary, word: &Word) -> bool {
        is_content(word) && vocabulary.has(&word.norm)
    }
}

/// A word in at least this share of ordinary questions is common.
const COMMON_SHARE: f32 = 0.01;

/// Content words that appear in at least `COMMON_SHARE` of `texts`.
fn common_words(texts: &[&str]) -> HashSet<String> {
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for text in texts {
        let distinct: HashSet<String> = words::sentences(text)
            .into_iter()
            .flat_map(|s| s.words)
            .map(|w| w.norm)
            .collect();
        for word in distinct {
            *counts.entry(word).or_default() += 1;
        }
    }
    let floor = (texts.len() as f32 * COMMON_SHARE).max(2.0);
    counts
        .into_iter()
        .filter(|&(_, n)| n as f32 >= floor)
        .map(|(w, _)| w)
        .collect()
}

fn is_content(word: &Word) -> bool {
    word.norm.chars().count() >= MIN_CONTENT_CHARS
        && !SETTING_WORDS.contains(&word.norm.as_str())
        && !word.norm.chars().all(|c| c.is_ascii_digit())
        && !FUNCTION_WORDS.contains(&word.norm.as_str())
}

/// Words that start a new clause inside a sentence.
const CLAUSE_OPENERS: &[&str] = &[
    "but", "and", "so", "because", "cause", "though", "although", "while", "which", "whereas",
];

/// A stretch of one sentence's words that is embedded on its own.
struct Window {
    sentence: usize,
    words: Range<usize>,
}

/// The sentence whole, each clause, and each pair of neighbouring clauses. Clauses end at a
/// comma (or colon, dash) and before a conjunction; one-word clauses join the next.
fn windows(sentence: usize, ws: &[Word]) -> Vec<Window> {
    let mut bounds = vec![0];
    for i in 1..ws.len() {
        let opens = ws[i - 1].pause_after || CLAUSE_OPENERS.contains(&ws[i].norm.as_str());
        if opens && i - bounds[bounds.len() - 1] >= 2 {
            bounds.push(i);
        }
    }
    bounds.push(ws.len());
    let clauses: Vec<Range<usize>> = bounds.windows(2).map(|b| b[0]..b[1]).collect();
    let mut out = vec![Window {
        sentence,
        words: 0..ws.len(),
    }];
    if clauses.len() > 1 {
        for (i, clause) in clauses.iter().enumerate() {
            if clause.len() >= MIN_WORDS {
                out.push(Window {
                    sentence,
                    words: clause.clone(),
                });
            }
            if let Some(next) = clauses.get(i + 1)
                && clauses.len() > 2
            {
                out.push(Window {
                    sentence,
                    words: clause.start..next.end,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stem test as first written: against every word of the vocabulary.
    fn same_stem(a: &str, b: &str) -> bool {
        let prefix = |s: &str| s.char_indices().nth(STEM_CHARS).map_or(s.len(), |(i, _)| i);
        a.chars().count() >= STEM_CHARS && a[..prefix(a)] == b[..prefix(b)]
    }

    #[test]
    fn vocabulary_look_up_agrees_with_comparing_every_stem() {
        let words = [
            "vomit", "vomiting", "blood", "tar", "fainted", "bleeding", "crème", "naïve",
        ];
        let vocabulary = Vocabulary::new(words.iter().map(|w| w.to_string()).collect());
        let probes = [
            "vomit", "vomited", "vomi", "blood", "bloody", "bloo", "tar", "tarry", "faint",
            "fainte", "fainted", "bleed", "crème", "crèmes", "crèm", "naïve", "naïvety", "", "xyz",
            "bleeding",
        ];
        for probe in probes {
            let slow = words.contains(&probe)
                || (probe.chars().count() >= STEM_CHARS
                    && words.iter().any(|v| same_stem(v, probe)));
            assert_eq!(vocabulary.has(probe), slow, "{probe}");
        }
    }
}
