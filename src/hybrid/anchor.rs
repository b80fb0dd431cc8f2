//! Words that name one entry's subject and no other's: "glutamine", "butyrate", "zonulin".
//!
//! Chat often asks about a subject in few words and many others ("how many grams of glutamine
//! a day? the tub says 5g"), so neither coverage nor the model's cosine is high, yet the
//! subject is plain. A message whose words (typed, repaired or reached through a synonym)
//! name exactly one entry this way is about that entry, if the model does not place it far
//! from it (`hybrid::decide`, rule `Anchored`).

use std::collections::{HashMap, HashSet};

use crate::search::{Engine, Retrieval};

/// Shorter terms are too often parts of other words or abbreviations to name a subject.
const MIN_CHARS: usize = 4;

/// Words only ever used about the gut. Anchoring alone answers only a message with one of
/// these: zinc, ibuprofen or magnesium each name one entry, yet "how much ibuprofen for a
/// headache" and "the zinc roof on our shed" are not gut questions.
const GUT_WORDS: &[&str] = &[
    "gut", "guts", "lg", "gi", "ibs", "sibo", "ibd", "poo", "poop", "poos", "poops", "colon",
    "belly", "tummy", "tummies", "flora", "lining", "upf", "fodmap", "fodmaps", "crohns",
];
/// Beginnings of words only ever used about the gut.
const GUT_PREFIXES: &[&str] = &[
    "stomach",
    "bowel",
    "digest",
    "intestin",
    "leaky",
    "bloat",
    "stool",
    "microbio",
    "diarrh",
    "constipat",
    "gastro",
    "probiotic",
    "prebiotic",
    "ferment",
    "coeliac",
    "celiac",
    "gluten",
    "colitis",
    "crohn",
    "permeab",
    "barrier",
    "dysbio",
];

/// Whether `text` has a word from `GUT_WORDS` or starting with one of `GUT_PREFIXES`.
pub fn mentions_the_gut(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .any(|w| GUT_WORDS.contains(&w.as_str()) || GUT_PREFIXES.iter().any(|p| w.starts_with(p)))
}

/// The entry each anchoring term names.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    by_term: HashMap<String, usize>,
}

impl Anchors {
    /// Terms found in the phrasings (title and questions) of exactly one entry.
    pub fn build(engine: &Engine) -> Anchors {
        let mut owners: HashMap<&str, HashSet<usize>> = HashMap::new();
        for doc in engine.docs().iter().filter(|d| d.kind.is_phrasing()) {
            for term in &doc.terms {
                owners.entry(term.as_str()).or_default().insert(doc.entry);
            }
        }
        let by_term = owners
            .into_iter()
            .filter(|(term, entries)| {
                entries.len() == 1
                    && term.chars().count() >= MIN_CHARS
                    && !term.chars().all(|c| c.is_ascii_digit())
            })
            .filter_map(|(term, entries)| Some((term.to_string(), *entries.iter().next()?)))
            .collect();
        Anchors { by_term }
    }

    /// The one entry the message's terms name, if they name exactly one and the message is
    /// about the gut at all (`mentions_the_gut` of its text).
    pub fn named(&self, retrieval: &Retrieval, text: &str) -> Option<usize> {
        if !mentions_the_gut(text) {
            return None;
        }
        let typed = retrieval.terms.iter().map(|t| t.term.as_str());
        let via_synonyms = retrieval
            .expansions
            .iter()
            .flat_map(|e| e.terms.iter().map(String::as_str));
        let named: HashSet<usize> = typed
            .chain(via_synonyms)
            .filter_map(|t| self.by_term.get(t).copied())
            .collect();
        match named.len() {
            1 => named.into_iter().next(),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        self.by_term.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_term.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::mentions_the_gut;

    #[test]
    fn gut_words_are_whole_words_or_gut_only_beginnings() {
        assert!(mentions_the_gut("is psyllium good for the gut barrier?"));
        assert!(mentions_the_gut("Bloating after clindamycin"));
        assert!(!mentions_the_gut("how much ibuprofen for a headache"));
        assert!(!mentions_the_gut("the pool at the gym is closed"));
    }
}
