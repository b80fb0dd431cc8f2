//! Topic suggestions while someone types (`/faq` autocomplete): FAQ entries ranked for a
//! partly typed topic with the same analysis as answers.
//!
//! Three signals, each cheap before the next: the typed words as prefixes of an entry's
//! phrasings (the last word is usually unfinished), the lexical engine's retrieval
//! (synonyms and typo repair: "spastic colon", "probiotcs") and, only when the caller ran
//! it, the semantic ranking. This module is pure: the caller decides, with
//! [`Typed::wants_meaning`], whether the model runs at all.

use std::collections::HashMap;

use crate::faq::{Entry, Faq};
use crate::hybrid::SemanticRanking;
use crate::search::Retrieval;

/// Below this cosine a semantic neighbour is noise rather than a topic worth offering.
const MIN_COSINE: f32 = 0.35;
/// Words from this many on carry enough meaning for the model to be worth its milliseconds.
const WORDS_FOR_MEANING: usize = 3;
/// A prefix score below this (fewer than half the typed words found) is not a match.
const MIN_PREFIX: f32 = 0.5;

/// A partly typed topic, with the cheap prefix scores already computed.
pub struct Typed<'a> {
    faq: &'a Faq,
    words: Vec<String>,
    /// Entry index to its best prefix score.
    prefix: HashMap<usize, f32>,
}

impl<'a> Typed<'a> {
    pub fn new(faq: &'a Faq, partial: &str) -> Typed<'a> {
        let words = words(partial);
        let mut prefix = HashMap::new();
        if !words.is_empty() {
            for (i, entry) in faq.entries.iter().enumerate() {
                let best = best_prefix(&words, entry);
                if best >= MIN_PREFIX {
                    prefix.insert(i, best);
                }
            }
        }
        Typed { faq, words, prefix }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether the semantic ranking is worth computing: enough words to carry meaning, or
    /// nothing found by the words at all.
    pub fn wants_meaning(&self, lexical: &Retrieval) -> bool {
        !self.is_empty()
            && (self.words.len() >= WORDS_FOR_MEANING
                || (self.prefix.is_empty() && lexical.candidates.is_empty()))
    }

    /// (id, title) of at most `limit` entries, best first. Empty input lists every entry
    /// by title.
    pub fn rank(
        &self,
        lexical: &Retrieval,
        semantic: Option<&SemanticRanking>,
        limit: usize,
    ) -> Vec<(String, String)> {
        if self.is_empty() {
            let mut all: Vec<&Entry> = self.faq.entries.iter().collect();
            all.sort_by_key(|e| e.title.to_lowercase());
            return all.into_iter().take(limit).map(id_title).collect();
        }
        let mut scores: HashMap<usize, f32> = self.prefix.clone();
        // Focus (the typed words the phrasing accounts for) matters more than coverage
        // here: a topic is a few words, never a whole phrasing.
        for c in &lexical.candidates {
            *scores.entry(c.entry).or_default() += 2.0 * c.focus + 0.5 * c.coverage;
        }
        for c in semantic.into_iter().flat_map(|s| &s.candidates) {
            if c.cosine >= MIN_COSINE {
                *scores.entry(c.entry).or_default() += 2.0 * c.cosine;
            }
        }
        let mut ranked: Vec<(f32, &Entry)> = scores
            .into_iter()
            .filter(|(_, s)| *s > 0.0)
            .map(|(i, s)| (s, &self.faq.entries[i]))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.title.cmp(&b.1.title)));
        ranked
            .into_iter()
            .take(limit)
            .map(|(_, e)| id_title(e))
            .collect()
    }
}

fn id_title(entry: &Entry) -> (String, String) {
    (entry.id.clone(), entry.title.clone())
}

/// Lowercase words of `text`, split on anything not a letter or digit (titles and typed
/// topics compare on these).
pub fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The entry's best phrasing for the typed words; the title gets a small lead.
fn best_prefix(typed: &[String], entry: &Entry) -> f32 {
    entry
        .phrasings()
        .enumerate()
        .map(|(i, p)| prefix_score(typed, &words(p)) + if i == 0 { 0.25 } else { 0.0 })
        .fold(0.0_f32, f32::max)
}

/// 3 for a phrasing that starts with the typed words, 2 when every typed word starts a word
/// of the phrasing, else the share of typed words found that way. The last typed word is
/// usually unfinished, hence prefixes.
fn prefix_score(typed: &[String], phrasing: &[String]) -> f32 {
    let starts = phrasing.len() >= typed.len()
        && typed.iter().zip(phrasing).enumerate().all(|(i, (q, p))| {
            if i + 1 == typed.len() {
                p.starts_with(q.as_str())
            } else {
                p == q
            }
        });
    if starts {
        return 3.0;
    }
    let found = typed
        .iter()
        .filter(|q| phrasing.iter().any(|p| p.starts_with(q.as_str())))
        .count();
    if found == typed.len() {
        2.0
    } else {
        found as f32 / typed.len() as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_of_the_phrasing_beats_words_anywhere() {
        let q = words("zonulin te");
        assert_eq!(prefix_score(&q, &words("zonulin test accuracy")), 3.0);
        assert_eq!(
            prefix_score(&q, &words("is the zonulin test accurate")),
            2.0
        );
        assert_eq!(prefix_score(&q, &words("zonulin and gluten")), 0.5);
        assert_eq!(prefix_score(&q, &words("probiotics")), 0.0);
    }
}
