//! Query-time synonyms from `faq/synonyms.toml`. A message that says "intestinal permeability"
//! also searches for "leaky gut", at a lower weight than the words actually typed. Expanding at
//! query time (not index time) keeps the index stats honest and lets moderators edit the list
//! without touching phrasings.

use std::collections::HashMap;

use tantivy::tokenizer::TextAnalyzer;

use crate::faq::SynonymGroup;

use super::analyzer;

/// One group, each term as its analyzed token sequence ("leaky gut" -> ["leaki", "gut"]) with
/// the tokens' positions relative to the first (stop words leave gaps: "lack of sleep" is
/// "lack" at 0 and "sleep" at 2, as it is in the index).
#[derive(Debug, Clone)]
struct Group {
    terms: Vec<Vec<String>>,
    offsets: Vec<Vec<usize>>,
    /// Terms that contain a shorter term of the group ("l-glutamine" around "glutamine"):
    /// matched in messages, never added, since adding them only adds their extra words.
    long_form: Vec<bool>,
    /// The terms as written, for explanations.
    labels: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Group>,
    /// Term -> groups with a synonym using it, so a message only tries the groups it could fire.
    by_word: HashMap<String, Vec<usize>>,
}

/// A synonym that fired: `matched` was found in the message, so `via` is searched too. A
/// multi-word synonym is searched as a phrase and counts only where it appears whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    pub matched: String,
    /// The analyzed terms of `matched`.
    pub matched_terms: Vec<String>,
    pub via: String,
    pub terms: Vec<String>,
    /// Position of each term relative to the first.
    pub offsets: Vec<usize>,
}

impl Synonyms {
    pub fn new(groups: &[SynonymGroup], analyzer: &mut TextAnalyzer) -> Synonyms {
        let groups: Vec<Group> = groups
            .iter()
            .map(|g| {
                let mut group = Group {
                    terms: Vec::new(),
                    offsets: Vec::new(),
                    long_form: Vec::new(),
                    labels: Vec::new(),
                };
                for label in &g.terms {
                    let tokens = analyzer::positioned_terms(analyzer, label);
                    // A term made only of stop words can never be matched or added.
                    let Some(&(first, _)) = tokens.first() else {
                        continue;
                    };
                    group
                        .offsets
                        .push(tokens.iter().map(|(p, _)| p - first).collect());
                    group
                        .terms
                        .push(tokens.into_iter().map(|(_, t)| t).collect());
                    group.labels.push(label.clone());
                }
                group.long_form = group
                    .terms
                    .iter()
                    .map(|t| {
                        group
                            .terms
                            .iter()
                            .any(|other| other.len() < t.len() && contains_run(t, other))
                    })
                    .collect();
                group
            })
            .collect();
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (g, group) in groups.iter().enumerate() {
            for term in group.terms.iter().flatten() {
                let list = by_word.entry(term.clone()).or_default();
                if list.last() != Some(&g) {
                    list.push(g);
                }
            }
        }
        Synonyms { groups, by_word }
    }

    /// The expansions `message_terms` (analyzed, in order) trigger. A multi-word synonym
    /// matches only as a contiguous run of terms, so "gut ... leaky" does not fire "leaky gut".
    pub fn expand(&self, message_terms: &[String]) -> Vec<Expansion> {
        let mut out = Vec::new();
        let mut candidates: Vec<usize> = message_terms
            .iter()
            .filter_map(|t| self.by_word.get(t))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        for group in candidates.into_iter().map(|g| &self.groups[g]) {
            let Some(hit) = group
                .terms
                .iter()
                .position(|seq| contains_run(message_terms, seq))
            else {
                continue;
            };
            for (i, seq) in group.terms.iter().enumerate() {
                // Already in the message (or the same word after spelling folding).
                if group.long_form[i] || contains_run(message_terms, seq) {
                    continue;
                }
                out.push(Expansion {
                    matched: group.labels[hit].clone(),
                    matched_terms: group.terms[hit].clone(),
                    via: group.labels[i].clone(),
                    terms: seq.clone(),
                    offsets: group.offsets[i].clone(),
                });
            }
        }
        out
    }
}

/// Whether `needle` occurs as a contiguous run in `haystack`.
pub fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty()
        && haystack.len() >= needle.len()
        && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synonyms(groups: &[&[&str]]) -> (Synonyms, TextAnalyzer) {
        let mut a = analyzer::analyzer();
        let groups: Vec<SynonymGroup> = groups
            .iter()
            .map(|g| SynonymGroup {
                terms: g.iter().map(|t| t.to_string()).collect(),
            })
            .collect();
        (Synonyms::new(&groups, &mut a), a)
    }

    fn added(s: &Synonyms, a: &mut TextAnalyzer, message: &str) -> Vec<String> {
        let terms = analyzer::terms(a, message);
        s.expand(&terms).into_iter().flat_map(|e| e.terms).collect()
    }

    #[test]
    fn multi_word_synonyms_expand_both_ways() {
        let (s, mut a) = synonyms(&[&["leaky gut", "intestinal permeability"]]);
        assert_eq!(
            added(&s, &mut a, "is increased intestinal permeability bad"),
            vec!["leaki", "gut"]
        );
        assert_eq!(
            added(&s, &mut a, "what is leaky gut"),
            vec!["intestin", "permeabl"]
        );
    }

    #[test]
    fn words_out_of_order_do_not_fire_a_phrase() {
        let (s, mut a) = synonyms(&[&["leaky gut", "intestinal permeability"]]);
        assert!(added(&s, &mut a, "my gut feels leaky").is_empty());
        assert!(added(&s, &mut a, "intestinal cramps and permeability").is_empty());
    }

    #[test]
    fn single_words_expand_to_the_group() {
        let (s, mut a) = synonyms(&[&["nsaid", "ibuprofen", "advil", "naproxen"]]);
        assert_eq!(
            added(&s, &mut a, "I take Advil daily"),
            vec!["nsaid", "ibuprofen", "naproxen"]
        );
        assert!(added(&s, &mut a, "I take zinc daily").is_empty());
    }

    #[test]
    fn spelling_variants_do_not_add_themselves() {
        let (s, mut a) = synonyms(&[&["coeliac", "celiac", "gluten enteropathy"]]);
        assert_eq!(
            added(&s, &mut a, "coeliac disease"),
            vec!["gluten", "enteropathi"]
        );
    }

    #[test]
    fn a_longer_synonym_around_the_typed_one_is_not_searched() {
        let (s, mut a) = synonyms(&[&["glutamine", "l-glutamine", "glutamine powder", "gln"]]);
        assert_eq!(added(&s, &mut a, "glutamine for the gut"), vec!["gln"]);
        assert_eq!(added(&s, &mut a, "gln for the gut"), vec!["glutamin"]);
    }

    #[test]
    fn offsets_keep_the_gaps_stop_words_leave() {
        let (s, mut a) = synonyms(&[&["poor sleep", "lack of sleep"]]);
        let terms = analyzer::terms(&mut a, "my poor sleep");
        let e = &s.expand(&terms)[0];
        assert_eq!(
            (e.terms.clone(), e.offsets.clone()),
            (vec!["lack".to_string(), "sleep".to_string()], vec![0, 2])
        );
    }
}
