//! Hybrid retrieval: the lexical engine (`search`, exact words, synonyms, typo repair) and the
//! semantic layer (`semantic`, meaning) each rank the FAQ's entries; `decide` reads both and
//! says answer, suggest or abstain, naming the rule that decided.
//!
//! This module knows the FAQ's shape (entries and their phrasings) but neither tantivy nor
//! the model's insides: it sees a lexical `Retrieval` and cosines.

pub mod anchor;
pub mod decide;

use std::path::Path;

use crate::faq::Faq;
use crate::semantic::vectors::{BuildReport, Vectors};
use crate::semantic::{Embedder, Embedding};

/// How many entries a ranking keeps: enough for suggestions and for `why`.
pub const TOP_ENTRIES: usize = 10;

/// One entry as the semantic layer ranks it: its phrasing closest to the message.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SemanticCandidate {
    /// Index into `Faq::entries`.
    #[serde(skip)]
    pub entry: usize,
    /// The entry's id.
    pub id: String,
    /// Cosine between the message and that phrasing.
    pub cosine: f32,
    /// Which phrasing (the title, a question or a chat line) it was.
    pub phrasing: String,
}

/// The out-of-scope example (`faq/out_of_scope.toml`) closest to a message.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutOfScope {
    pub cosine: f32,
    pub example: String,
}

/// What the semantic layer found for one message: the closest entries, best first, and the
/// closest message the FAQ does not answer.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SemanticRanking {
    pub candidates: Vec<SemanticCandidate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_of_scope: Option<OutOfScope>,
}

impl SemanticRanking {
    pub fn top(&self) -> Option<&SemanticCandidate> {
        self.candidates.first()
    }

    /// Cosine of the best entry minus that of the best different entry.
    pub fn margin(&self) -> f32 {
        match self.candidates.as_slice() {
            [] => 0.0,
            [_] => 1.0,
            [first, second, ..] => first.cosine - second.cosine,
        }
    }

    /// The cosine of `entry`, 0 when it is not among the `TOP_ENTRIES` closest.
    pub fn cosine_of(&self, entry: usize) -> f32 {
        self.candidates
            .iter()
            .find(|c| c.entry == entry)
            .map_or(0.0, |c| c.cosine)
    }

    /// The message means something the FAQ does not answer more than it means `entry`.
    pub fn out_of_scope_over(&self, entry: usize) -> bool {
        self.out_of_scope
            .as_ref()
            .is_some_and(|o| o.cosine > self.cosine_of(entry))
    }
}

/// The FAQ's phrasings as vectors, with the entry each belongs to, then the out-of-scope
/// examples.
pub struct SemanticIndex {
    vectors: Vectors,
    /// Per vector: (entry, phrasing text); an out-of-scope example's entry is `entries`.
    owners: Vec<(usize, String)>,
    entries: usize,
}

impl SemanticIndex {
    /// Embeds every entry's title, questions and chat lines (`asked`), reusing `cache` (see `semantic::vectors`).
    pub fn build(
        faq: &Faq,
        embedder: &Embedder,
        cache: Option<&Path>,
    ) -> (SemanticIndex, BuildReport) {
        let owners = SemanticIndex::phrasings(faq);
        let texts: Vec<&str> = owners.iter().map(|(_, t)| t.as_str()).collect();
        let (vectors, report) = Vectors::build(embedder, &texts, cache);
        (SemanticIndex::from_vectors(faq, owners, vectors), report)
    }

    /// Every entry's title, questions and chat lines, with the entry each belongs to, in index
    /// order, then the out-of-scope examples (owned by `faq.entries.len()`).
    pub fn phrasings(faq: &Faq) -> Vec<(usize, String)> {
        let outside = faq.entries.len();
        faq.entries
            .iter()
            .enumerate()
            .flat_map(|(e, entry)| entry.meaning_phrasings().map(move |p| (e, p.to_string())))
            .chain(faq.out_of_scope.iter().map(|x| (outside, x.clone())))
            .collect()
    }

    /// The index over `phrasings(faq)` and their vectors (embedded by the caller, for example
    /// together with other texts in one cached build).
    pub fn from_vectors(
        faq: &Faq,
        owners: Vec<(usize, String)>,
        vectors: Vectors,
    ) -> SemanticIndex {
        SemanticIndex {
            vectors,
            owners,
            entries: faq.entries.len(),
        }
    }

    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// The entries whose phrasings are closest to `query`, best first, at most `TOP_ENTRIES`,
    /// and the closest out-of-scope example.
    pub fn rank(&self, faq: &Faq, query: &Embedding) -> SemanticRanking {
        // One slot per entry, and the last for the out-of-scope examples.
        let mut best: Vec<Option<(f32, usize)>> = vec![None; self.entries + 1];
        for (slot, cosine) in self.vectors.similarities(query).into_iter().enumerate() {
            let entry = self.owners[slot].0;
            if best[entry].is_none_or(|(c, _)| cosine > c) {
                best[entry] = Some((cosine, slot));
            }
        }
        let out_of_scope = best.pop().flatten().map(|(cosine, slot)| OutOfScope {
            cosine,
            example: self.owners[slot].1.clone(),
        });
        let mut ranked: Vec<(usize, f32, usize)> = best
            .into_iter()
            .enumerate()
            .filter_map(|(entry, b)| b.map(|(cosine, slot)| (entry, cosine, slot)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked.truncate(TOP_ENTRIES);
        let candidates = ranked
            .into_iter()
            .map(|(entry, cosine, slot)| SemanticCandidate {
                entry,
                id: faq.entries[entry].id.clone(),
                cosine,
                phrasing: self.owners[slot].1.clone(),
            })
            .collect();
        SemanticRanking {
            candidates,
            out_of_scope,
        }
    }
}
