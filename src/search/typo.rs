//! Typo repair: a message term the index has never seen ("probiotcs", "zonlin") is replaced by
//! the closest term of the phrasing dictionary, found with a Levenshtein automaton walking
//! tantivy's term dictionary. Running `FuzzyTermQuery` on every term instead would cost 2-5x
//! and score without IDF.

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Shorter words have too many neighbours one edit away ("gut" ~ "nut", "cut", "gum").
pub const MIN_REPAIR_CHARS: usize = 5;
/// Long words get two edits: "glutamnie" is 2 edits from "glutamine" and has no other neighbour.
pub const TWO_EDITS_FROM_CHARS: usize = 9;
/// Each repair walks the term dictionary; a long off-topic message can have dozens of unknown
/// words, and repairing the first few is enough for the short questions typos matter in.
pub const MAX_REPAIRS_PER_MESSAGE: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub from: String,
    pub to: String,
    pub distance: usize,
}

/// Numbers and short words are left alone.
pub fn worth_repairing(term: &str) -> bool {
    term.chars().count() >= MIN_REPAIR_CHARS && term.chars().all(|c| c.is_alphabetic())
}

pub fn max_distance(term: &str) -> u8 {
    if term.chars().count() >= TWO_EDITS_FROM_CHARS {
        2
    } else {
        1
    }
}

/// The best replacement for `term` among `field`'s terms: fewest edits, then the term more
/// phrasings use (`doc_freq`), then alphabetical, so the choice is stable.
pub fn repair(
    searcher: &Searcher,
    field: Field,
    term: &str,
    doc_freq: impl Fn(&str) -> u32,
) -> Option<Repair> {
    let distance = max_distance(term);
    let query = FuzzyTermQuery::new(Term::from_field_text(field, term), distance, true);
    let mut best: Option<(usize, std::cmp::Reverse<u32>, String)> = None;
    for segment in searcher.segment_readers() {
        let Ok(automaton) = query.automaton() else {
            return None;
        };
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if candidate == term {
                continue;
            }
            let d = edit_distance(term, candidate);
            let key = (
                d,
                std::cmp::Reverse(doc_freq(candidate)),
                candidate.to_string(),
            );
            if best.as_ref().is_none_or(|b| key < *b) {
                best = Some(key);
            }
        }
    }
    best.map(|(distance, _, to)| Repair {
        from: term.to_string(),
        to,
        distance,
    })
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), the metric
/// the automaton uses with transposition cost one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter, doc};

    fn searcher(words: &[&str]) -> (Searcher, Field) {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("phrasing", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for w in words {
            writer.add_document(doc!(field => *w)).unwrap();
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), field)
    }

    #[test]
    fn one_edit_for_mid_length_words() {
        let (s, f) = searcher(&["probiotic", "zonulin", "glutamine", "zinc"]);
        let r = repair(&s, f, "zonlin", |_| 1).unwrap();
        assert_eq!((r.to.as_str(), r.distance), ("zonulin", 1));
        // Transposed letters are one edit.
        assert_eq!(repair(&s, f, "zonuiln", |_| 1).unwrap().to, "zonulin");
        // Two edits away and only 6 letters: no repair.
        assert_eq!(repair(&s, f, "zonxxn", |_| 1), None);
    }

    #[test]
    fn two_edits_from_nine_characters() {
        let (s, f) = searcher(&["glutamine", "probiotic"]);
        assert_eq!(repair(&s, f, "glutamnxe", |_| 1).unwrap().to, "glutamine");
        assert_eq!(repair(&s, f, "probiotcs", |_| 1).unwrap().to, "probiotic");
    }

    #[test]
    fn prefers_fewer_edits_then_more_common_terms() {
        let (s, f) = searcher(&["healed", "heated", "header"]);
        let df = |t: &str| if t == "heated" { 5 } else { 1 };
        assert_eq!(repair(&s, f, "heaxed", df).unwrap().to, "heated");
        assert_eq!(repair(&s, f, "healedd", df).unwrap().to, "healed");
    }

    #[test]
    fn short_words_and_numbers_are_not_repaired() {
        assert!(!worth_repairing("gutt"));
        assert!(!worth_repairing("12345"));
        assert!(worth_repairing("zonlin"));
        assert_eq!(max_distance("zonulins"), 1);
        assert_eq!(max_distance("glutamines"), 2);
    }

    #[test]
    fn osa_distance() {
        assert_eq!(edit_distance("zonulin", "zonulin"), 0);
        assert_eq!(edit_distance("zonlin", "zonulin"), 1);
        assert_eq!(edit_distance("zonuiln", "zonulin"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
