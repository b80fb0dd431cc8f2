//! Retrieval: which FAQ entry a chat message asks about, and whether the match is good enough
//! to answer (DESIGN.md section 5).
//!
//! The index holds one document per phrasing (title and each question) and one per summary,
//! myth and claim; an entry's BM25 score is the best of its documents. Messages never go
//! through tantivy's `QueryParser`: they are analyzed with the index's own analyzer and turned
//! into a `BooleanQuery` of `Should` term clauses (phrase clauses for multi-word synonyms), so
//! "-gluten", "NOT" or "coeliac:" are just words. The best entries are then re-ranked by BM25
//! times coverage (how much of their best-covered phrasing the message contains), and
//! `decide` answers, suggests or abstains from coverage and the margin to the next entry.

pub mod analyzer;
mod collect;
pub mod decide;
pub mod eval;
pub mod store;
pub mod synonyms;
pub mod typo;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use tantivy::directory::RamDirectory;
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::faq::Faq;

pub use decide::{Decision, Thresholds};
pub use synonyms::{Expansion, Synonyms};
pub use typo::Repair;

/// Body text (summary, myth, claims) may confirm an entry but should rarely beat a phrasing:
/// it is long, written for answers rather than questions, and shares vocabulary across entries.
pub const BODY_BOOST: f32 = 0.3;
/// A synonym counts, but less than the words the person actually typed: its clause is boosted
/// to at most this share of the typed words' IDF, so a rare synonym ("intestinal permeability")
/// cannot outweigh the common words it stands in for ("leaky gut").
pub const SYNONYM_BOOST: f32 = 0.6;
/// Synonym clauses that could add less than this (boost x IDF) to a score are not searched.
const MIN_SYNONYM_WEIGHT: f32 = 1.0;
/// A repaired typo is probably the word meant, but not certainly.
pub const REPAIR_BOOST: f32 = 0.9;
/// More distinct terms than this in one message only add cost: the cleaner already caps a
/// message at 4000 characters, and no FAQ question needs 64 words.
const MAX_QUERY_TERMS: usize = 64;
/// Entries examined in detail (coverage, matched terms) after ranking by BM25; they are then
/// re-ranked by BM25 x coverage and the best `TOP_ENTRIES` kept.
const RERANK_ENTRIES: usize = 8;
pub const TOP_ENTRIES: usize = 5;
/// Coverage weighs a term by its IDF over phrasings, but never below this share of the highest
/// IDF (a term in one phrasing). Without a floor the topic words ("leaky", "gut") weigh almost
/// nothing because nearly every phrasing has them, and "how do I know if I have ADHD" would
/// cover "how do I know if I have leaky gut". On the labelled set precision is flat for shares
/// of 0.33-0.55 and drops below 0.25; 0.5 answers the most there and keeps "how much vitamin D
/// should I take in winter" (no gut words at all) from covering a vitamin D phrasing.
pub const COVERAGE_WEIGHT_FLOOR_SHARE: f32 = 0.5;

const PHRASING_FIELD: &str = "phrasing";
const BODY_FIELD: &str = "body";
const SLOT_FIELD: &str = "slot";

/// What one indexed document is, so a hit can be traced back to the FAQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Title,
    Question(usize),
    Summary,
    Myth,
    Claim(usize),
}

impl DocKind {
    pub fn is_phrasing(self) -> bool {
        matches!(self, DocKind::Title | DocKind::Question(_))
    }

    /// The key path of this text in the entry's TOML file, for diagnostics.
    pub fn key_path(self) -> String {
        match self {
            DocKind::Title => "title".into(),
            DocKind::Question(i) => format!("questions[{i}]"),
            DocKind::Summary => "summary".into(),
            DocKind::Myth => "myth".into(),
            DocKind::Claim(i) => format!("claims[{i}].text"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct DocInfo {
    /// Index into `Faq::entries`.
    pub entry: usize,
    pub kind: DocKind,
    pub text: String,
    /// Distinct analyzed terms (phrasings only; body documents do not take part in coverage).
    pub terms: Vec<String>,
    /// All analyzed terms in order (phrasings only), to find multi-word synonyms in them.
    pub seq: Vec<String>,
}

#[derive(Clone, Copy)]
struct Fields {
    phrasing: Field,
    body: Field,
    slot: Field,
}

impl Fields {
    fn schema() -> (Schema, Fields) {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer::ANALYZER)
                // Positions: multi-word synonyms are searched as phrases.
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let mut builder = Schema::builder();
        let phrasing = builder.add_text_field(PHRASING_FIELD, text.clone());
        let body = builder.add_text_field(BODY_FIELD, text);
        let slot = builder.add_u64_field(SLOT_FIELD, FAST | STORED);
        (
            builder.build(),
            Fields {
                phrasing,
                body,
                slot,
            },
        )
    }

    /// The fields of an index opened from disk, or `None` when its schema is not ours (an
    /// index from another version: rebuild it).
    fn of(schema: &Schema) -> Option<Fields> {
        let (expected, fields) = Fields::schema();
        (schema == &expected).then_some(fields)
    }
}

/// The documents to index for `faq`, in slot order. Deterministic: the same FAQ always gives
/// the same slots, which is what lets a persisted index be reused.
fn documents(faq: &Faq, analyzer: &mut TextAnalyzer) -> Vec<DocInfo> {
    let mut docs = Vec::new();
    for (e, entry) in faq.entries.iter().enumerate() {
        let mut push = |kind: DocKind, text: &str| {
            let (terms, seq) = if kind.is_phrasing() {
                (
                    analyzer::unique_terms(analyzer, text),
                    analyzer::terms(analyzer, text),
                )
            } else {
                (Vec::new(), Vec::new())
            };
            docs.push(DocInfo {
                entry: e,
                kind,
                text: text.to_string(),
                terms,
                seq,
            });
        };
        push(DocKind::Title, &entry.title);
        for (i, q) in entry.questions.iter().enumerate() {
            push(DocKind::Question(i), q);
        }
        push(DocKind::Summary, &entry.summary);
        if let Some(myth) = &entry.myth {
            push(DocKind::Myth, myth);
        }
        for (i, claim) in entry.claims.iter().enumerate() {
            push(DocKind::Claim(i), &claim.text);
        }
    }
    docs
}

/// Per-term statistics over phrasing documents, kept in RAM: coverage weighs terms by them and
/// typo repair asks whether a term is known at all without touching the index.
///
/// Phrasing terms get small integer ids so coverage, computed for every phrasing of the best
/// entries on every message, compares integers instead of hashing strings.
#[derive(Debug, Default)]
struct Vocabulary {
    phrasing_docs: usize,
    phrasing_df: HashMap<String, u32>,
    body_terms: HashSet<String>,
    ids: HashMap<String, u32>,
    /// Coverage weight by id.
    weights: Vec<f32>,
    /// Per slot: (distinct term ids, term ids in order); empty for body documents.
    doc_ids: Vec<(Vec<u32>, Vec<u32>)>,
}

impl Vocabulary {
    fn new(docs: &[DocInfo], analyzer: &mut TextAnalyzer) -> Vocabulary {
        let mut v = Vocabulary::default();
        for doc in docs {
            if doc.kind.is_phrasing() {
                v.phrasing_docs += 1;
                for t in &doc.terms {
                    *v.phrasing_df.entry(t.clone()).or_default() += 1;
                }
            } else {
                v.body_terms.extend(analyzer::terms(analyzer, &doc.text));
            }
        }
        let mut terms: Vec<&String> = v.phrasing_df.keys().collect();
        terms.sort();
        let ids: HashMap<String, u32> = terms
            .iter()
            .enumerate()
            .map(|(i, t)| ((*t).clone(), i as u32))
            .collect();
        v.weights = terms.iter().map(|t| v.coverage_weight(t)).collect();
        v.ids = ids;
        v.doc_ids = docs
            .iter()
            .map(|d| {
                let id = |t: &String| v.ids[t];
                (
                    d.terms.iter().map(id).collect(),
                    d.seq.iter().map(id).collect(),
                )
            })
            .collect();
        v
    }

    fn id(&self, term: &str) -> Option<u32> {
        self.ids.get(term).copied()
    }

    fn is_known(&self, term: &str) -> bool {
        self.phrasing_df.contains_key(term) || self.body_terms.contains(term)
    }

    /// Whether `term` occurs in `field` (phrasing or body): a clause for a term a field lacks
    /// matches nothing but still costs a BM25 weight.
    fn in_field(&self, term: &str, phrasing: bool) -> bool {
        if phrasing {
            self.phrasing_df.contains_key(term)
        } else {
            self.body_terms.contains(term)
        }
    }

    /// BM25's IDF over phrasings. A term no phrasing uses gets the highest weight, as tantivy
    /// would give it.
    fn idf(&self, term: &str) -> f32 {
        self.idf_of(self.phrasing_df.get(term).copied().unwrap_or(0))
    }

    fn idf_of(&self, df: u32) -> f32 {
        let n = self.phrasing_docs as f32;
        let df = df as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The weight of a term in coverage.
    fn coverage_weight(&self, term: &str) -> f32 {
        self.idf(term)
            .max(self.idf_of(1) * COVERAGE_WEIGHT_FLOOR_SHARE)
    }
}

/// The search engine over one FAQ. Immutable once built: a reload builds a new one and swaps
/// it in, so searches in flight keep a consistent view.
pub struct Engine {
    // Kept so the index (and its mmaps) lives as long as the engine.
    _index: Index,
    _reader: IndexReader,
    searcher: Searcher,
    fields: Fields,
    analyzer: TextAnalyzer,
    synonyms: Synonyms,
    docs: Arc<Vec<DocInfo>>,
    /// Per segment: doc id -> slot in `docs`.
    segment_slots: Arc<Vec<Vec<u32>>>,
    vocabulary: Vocabulary,
    /// Per entry: the slots of its phrasing documents (title and questions are contiguous).
    entry_phrasings: Vec<Range<usize>>,
    stats: Stats,
}

/// BM25 statistics read once when the engine opens. The index never changes under an engine,
/// and asking the term dictionary for every query term on every message was a tenth of the
/// time of a search.
struct Stats {
    docs: u64,
    tokens: HashMap<Field, u64>,
    doc_freq: HashMap<Term, u64>,
}

impl Stats {
    fn read(searcher: &Searcher, fields: &[Field]) -> tantivy::Result<Stats> {
        let mut stats = Stats {
            docs: searcher.num_docs(),
            tokens: HashMap::new(),
            doc_freq: HashMap::new(),
        };
        for &field in fields {
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                *stats.tokens.entry(field).or_default() += inverted.total_num_tokens();
                let mut stream = inverted.terms().stream()?;
                while stream.advance() {
                    let Ok(text) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    *stats
                        .doc_freq
                        .entry(Term::from_field_text(field, text))
                        .or_default() += u64::from(stream.value().doc_freq);
                }
            }
        }
        Ok(stats)
    }
}

impl Bm25StatisticsProvider for Stats {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        Ok(self.tokens.get(&field).copied().unwrap_or(0))
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        Ok(self.doc_freq.get(term).copied().unwrap_or(0))
    }
}

/// A term of the message as searched: as typed, or repaired from a typo.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    pub term: String,
    pub boost: f32,
    /// The term as typed when it was repaired.
    pub repaired_from: Option<String>,
}

/// One candidate entry, with the evidence the abstain rule reads.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub entry: usize,
    /// BM25 (best document of the entry) times coverage.
    pub score: f32,
    /// The entry's phrasing that the message covers best (ties: the best scoring), if any
    /// phrasing matched.
    pub best_phrasing: Option<usize>,
    /// IDF-weighted share of that phrasing's terms present in the message (0..=1).
    pub coverage: f32,
    /// That phrasing's terms present in the message (typed, repaired or via a synonym).
    pub matched: Vec<String>,
    /// That phrasing's terms absent from the message.
    pub missing: Vec<String>,
    /// The other way round: the weighted share of the message's terms that phrasing accounts
    /// for (directly or through a synonym). Low when the message is mostly about something else.
    pub focus: f32,
}

/// Everything retrieval found for one message; `decide` turns it into an answer or not.
#[derive(Debug, Clone, Default)]
pub struct Retrieval {
    /// Distinct terms searched as typed or repaired, in message order.
    pub terms: Vec<QueryTerm>,
    pub repairs: Vec<Repair>,
    pub expansions: Vec<Expansion>,
    /// The best entries, best first, at most `TOP_ENTRIES`.
    pub candidates: Vec<Candidate>,
    /// How many entries matched at all.
    pub matched_entries: usize,
    /// The message has a question mark (the cleaner has removed quoted text and code).
    pub asks_question: bool,
}

impl Retrieval {
    pub fn top(&self) -> Option<&Candidate> {
        self.candidates.first()
    }

    /// (s1 - s2) / s1 between the best entry and the best different one; 1 when only one
    /// entry matched, 0 when nothing did.
    pub fn margin(&self) -> f32 {
        match self.candidates.as_slice() {
            [] => 0.0,
            [_] => 1.0,
            [first, second, ..] if first.score > 0.0 => (first.score - second.score) / first.score,
            _ => 0.0,
        }
    }
}

impl Engine {
    /// Builds the whole index in RAM: for tests, `check` and hot reload.
    pub fn in_ram(faq: &Faq) -> tantivy::Result<Engine> {
        let (index, _, docs, analyzer) = build_in_ram(faq)?;
        Engine::from_index(index, faq, docs, analyzer)
    }

    /// Wraps a built or opened index. `docs` must be `documents(faq)` for the FAQ the index
    /// was built from; the fingerprint check in `store` guarantees it for persisted indexes.
    fn from_index(
        index: Index,
        faq: &Faq,
        docs: Vec<DocInfo>,
        mut analyzer: TextAnalyzer,
    ) -> tantivy::Result<Engine> {
        // Custom analyzers are not stored with an index: register ours on every open.
        index
            .tokenizers()
            .register(analyzer::ANALYZER, analyzer.clone());
        let fields = Fields::of(&index.schema()).ok_or_else(|| {
            tantivy::TantivyError::SchemaError("the index schema is not gutcheck's".into())
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let mut segment_slots = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64(SLOT_FIELD)?;
            let mut slots = Vec::with_capacity(segment.max_doc() as usize);
            for doc in 0..segment.max_doc() {
                let slot = column.first(doc).unwrap_or(u64::MAX);
                if slot as usize >= docs.len() {
                    return Err(tantivy::TantivyError::InternalError(format!(
                        "document {doc} has slot {slot}, but the FAQ has {} documents",
                        docs.len()
                    )));
                }
                slots.push(slot as u32);
            }
            segment_slots.push(slots);
        }
        let indexed: usize = segment_slots.iter().map(Vec::len).sum();
        if indexed != docs.len() {
            return Err(tantivy::TantivyError::InternalError(format!(
                "the index holds {indexed} documents, the FAQ {}",
                docs.len()
            )));
        }
        let stats = Stats::read(&searcher, &[fields.phrasing, fields.body])?;
        let synonyms = Synonyms::new(&faq.synonyms, &mut analyzer);
        let vocabulary = Vocabulary::new(&docs, &mut analyzer);
        let mut entry_phrasings = vec![0..0; faq.entries.len()];
        for (slot, doc) in docs.iter().enumerate() {
            if doc.kind.is_phrasing() {
                let range = &mut entry_phrasings[doc.entry];
                if range.start == range.end {
                    *range = slot..slot + 1;
                } else {
                    range.end = slot + 1;
                }
            }
        }
        Ok(Engine {
            _index: index,
            _reader: reader,
            searcher,
            fields,
            analyzer,
            synonyms,
            docs: Arc::new(docs),
            segment_slots: Arc::new(segment_slots),
            vocabulary,
            entry_phrasings,
            stats,
        })
    }

    pub fn doc_count(&self) -> usize {
        self.docs.len()
    }

    pub fn doc(&self, slot: usize) -> &DocInfo {
        &self.docs[slot]
    }

    pub fn docs(&self) -> &[DocInfo] {
        &self.docs
    }

    /// The analyzed terms of `text`, as the index sees them.
    pub fn analyze(&self, text: &str) -> Vec<String> {
        analyzer::terms(&mut self.analyzer.clone(), text)
    }

    /// Ranks entries for an already cleaned message.
    pub fn retrieve(&self, text: &str) -> Retrieval {
        let typed = self.analyze(text);
        let mut out = Retrieval {
            asks_question: text.contains('?'),
            ..Retrieval::default()
        };
        if typed.is_empty() {
            return out;
        }
        // Repair first, so synonyms see the word that was meant ("ibuprofin" -> "ibuprofen").
        let mut repaired_seq = typed.clone();
        // Each unknown word is looked up once, and every occurrence gets the same repair.
        let mut tried: HashMap<String, Option<String>> = HashMap::new();
        for term in repaired_seq.iter_mut() {
            if self.vocabulary.is_known(term) || !typo::worth_repairing(term) {
                continue;
            }
            if !tried.contains_key(term.as_str()) {
                let repair = (tried.len() < typo::MAX_REPAIRS_PER_MESSAGE)
                    .then(|| {
                        typo::repair(&self.searcher, self.fields.phrasing, term, |t| {
                            self.vocabulary.phrasing_df.get(t).copied().unwrap_or(0)
                        })
                    })
                    .flatten();
                if let Some(r) = &repair {
                    out.repairs.push(r.clone());
                }
                tried.insert(term.clone(), repair.map(|r| r.to));
            }
            if let Some(Some(to)) = tried.get(term.as_str()) {
                *term = to.clone();
            }
        }

        for (typed_term, term) in typed.iter().zip(&repaired_seq) {
            if out.terms.iter().any(|q| &q.term == term) {
                continue;
            }
            out.terms.push(if typed_term == term {
                QueryTerm {
                    term: term.clone(),
                    boost: 1.0,
                    repaired_from: None,
                }
            } else {
                QueryTerm {
                    term: term.clone(),
                    boost: REPAIR_BOOST,
                    repaired_from: Some(typed_term.clone()),
                }
            });
        }
        out.expansions = self.synonyms.expand(&repaired_seq);

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let fields = [
            (self.fields.phrasing, 1.0, true),
            (self.fields.body, BODY_BOOST, false),
        ];
        for qt in out
            .terms
            .iter()
            .filter(|qt| self.vocabulary.is_known(&qt.term))
            .take(MAX_QUERY_TERMS)
        {
            for (field, boost, phrasing) in fields {
                if !self.vocabulary.in_field(&qt.term, phrasing) {
                    continue;
                }
                let q = TermQuery::new(
                    Term::from_field_text(field, &qt.term),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), qt.boost * boost)),
                ));
            }
        }
        for e in &out.expansions {
            if !e.terms.iter().all(|t| self.vocabulary.in_field(t, true)) {
                continue;
            }
            let typed_weight: f32 = e.matched_terms.iter().map(|t| self.vocabulary.idf(t)).sum();
            let synonym_weight: f32 = e.terms.iter().map(|t| self.vocabulary.idf(t)).sum();
            let synonym_boost = if synonym_weight > 0.0 {
                SYNONYM_BOOST * (typed_weight / synonym_weight).min(1.0)
            } else {
                SYNONYM_BOOST
            };
            // A synonym of words nearly every phrasing has ("leaky gut") can add almost
            // nothing to a score, but a phrase query costs as much as a handful of terms.
            // Coverage still counts it: a phrasing saying "intestinal permeability" is covered
            // by a message saying "leaky gut".
            if synonym_boost * synonym_weight < MIN_SYNONYM_WEIGHT {
                continue;
            }
            // Phrasings only: a synonym helps find the question asked; in the long body text
            // a phrase query costs more than it adds.
            let field = self.fields.phrasing;
            let q: Box<dyn Query> = if e.terms.len() == 1 {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &e.terms[0]),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new_with_offset(
                    e.offsets
                        .iter()
                        .zip(&e.terms)
                        .map(|(&o, t)| (o, Term::from_field_text(field, t)))
                        .collect(),
                ))
            };
            clauses.push((Occur::Should, Box::new(BoostQuery::new(q, synonym_boost))));
        }
        if clauses.is_empty() {
            return out;
        }
        let query = BooleanQuery::new(clauses);
        let collector = collect::EntryCollector {
            docs: Arc::clone(&self.docs),
            segment_slots: Arc::clone(&self.segment_slots),
            entries: self.entry_phrasings.len(),
        };
        let best =
            match self
                .searcher
                .search_with_statistics_provider(&query, &collector, &self.stats)
            {
                Ok(best) => best,
                // A search over an index we built and validated cannot fail short of I/O trouble
                // on the mmapped files; answering nothing is the safe reply.
                Err(_) => return out,
            };
        let mut ranked: Vec<(usize, collect::EntryBest)> = best
            .into_iter()
            .enumerate()
            .filter(|(_, b)| b.score() > 0.0)
            .collect();
        out.matched_entries = ranked.len();
        ranked.sort_by(|a, b| b.1.score().total_cmp(&a.1.score()).then(a.0.cmp(&b.0)));
        let mut present = vec![false; self.vocabulary.weights.len()];
        for qt in &out.terms {
            if let Some(id) = self.vocabulary.id(&qt.term) {
                present[id as usize] = true;
            }
        }
        // Synonyms that cannot occur in any phrasing cannot cover one.
        let expansions = out
            .expansions
            .iter()
            .filter_map(|e| {
                let via: Option<Vec<u32>> = e.terms.iter().map(|t| self.vocabulary.id(t)).collect();
                let typed = e
                    .matched_terms
                    .iter()
                    .map(|t| self.vocabulary.id(t))
                    .collect();
                via.map(|via| (typed, via))
            })
            .collect();
        let message = out
            .terms
            .iter()
            .map(|qt| {
                (
                    self.vocabulary.id(&qt.term),
                    self.vocabulary.coverage_weight(&qt.term),
                )
            })
            .collect();
        let evidence = Evidence {
            present,
            expansions,
            message,
        };
        let mut candidates: Vec<Candidate> = ranked
            .into_iter()
            .take(RERANK_ENTRIES)
            .map(|(entry, best)| self.candidate(entry, &best, &evidence))
            .collect();
        // BM25 alone ties "best diet for leaky gut" with "best probiotic for leaky gut"; the
        // entry whose phrasing the message covers should win, and the margin should show it.
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        candidates.truncate(TOP_ENTRIES);
        out.candidates = candidates;
        out
    }

    fn candidate(&self, entry: usize, best: &collect::EntryBest, evidence: &Evidence) -> Candidate {
        let scored = best.phrasing.map(|(_, slot)| slot as usize);
        let mut chosen: Option<(f32, usize)> = None;
        for slot in self.entry_phrasings[entry].clone() {
            let coverage = self.coverage(slot, evidence, |_, _| {});
            let better = match chosen {
                None => coverage > 0.0,
                Some((c, s)) => {
                    coverage > c || (coverage == c && Some(slot) == scored && Some(s) != scored)
                }
            };
            if better {
                chosen = Some((coverage, slot));
            }
        }
        let (mut matched, mut missing) = (Vec::new(), Vec::new());
        let coverage = match chosen {
            Some((_, slot)) => self.coverage(slot, evidence, |term, found| {
                let term = self.docs[slot].terms[term].clone();
                if found {
                    matched.push(term);
                } else {
                    missing.push(term);
                }
            }),
            None => 0.0,
        };
        let focus = chosen.map_or(0.0, |(_, slot)| self.focus(slot, evidence));
        Candidate {
            entry,
            score: best.score() * coverage,
            best_phrasing: chosen.map(|(_, slot)| slot),
            coverage,
            matched,
            missing,
            focus,
        }
    }

    /// The weighted share of the phrasing in `slot` found in the message: typed or repaired
    /// terms, and synonyms where the phrasing contains the whole synonym. `each` sees every
    /// term (its index in `DocInfo::terms`) and whether it was found.
    fn coverage(&self, slot: usize, evidence: &Evidence, mut each: impl FnMut(usize, bool)) -> f32 {
        let (ids, seq) = &self.vocabulary.doc_ids[slot];
        let mut via_synonym: Vec<u32> = Vec::new();
        for (_, run) in &evidence.expansions {
            if seq.len() >= run.len() && seq.windows(run.len()).any(|w| w == run.as_slice()) {
                via_synonym.extend_from_slice(run);
            }
        }
        let (mut total, mut found) = (0.0f32, 0.0f32);
        for (i, &id) in ids.iter().enumerate() {
            let w = self.vocabulary.weights[id as usize];
            total += w;
            let hit = evidence.present[id as usize] || via_synonym.contains(&id);
            if hit {
                found += w;
            }
            each(i, hit);
        }
        if total > 0.0 { found / total } else { 0.0 }
    }
}

impl Engine {
    fn focus(&self, slot: usize, evidence: &Evidence) -> f32 {
        let (ids, seq) = &self.vocabulary.doc_ids[slot];
        let mut via_synonym: Vec<u32> = Vec::new();
        for (typed, run) in &evidence.expansions {
            if seq.len() >= run.len() && seq.windows(run.len()).any(|w| w == run.as_slice()) {
                via_synonym.extend(typed.iter().flatten());
            }
        }
        let (mut total, mut found) = (0.0f32, 0.0f32);
        for &(id, w) in &evidence.message {
            total += w;
            if id.is_some_and(|id| ids.contains(&id) || via_synonym.contains(&id)) {
                found += w;
            }
        }
        if total > 0.0 { found / total } else { 0.0 }
    }
}

/// What the message offers to cover a phrasing with, by vocabulary id.
struct Evidence {
    present: Vec<bool>,
    /// Synonym runs searched: (the run typed, the synonym's run), by id.
    expansions: Vec<(Vec<Option<u32>>, Vec<u32>)>,
    /// The message's distinct terms: id (`None` when no phrasing uses it) and coverage weight.
    message: Vec<(Option<u32>, f32)>,
}

/// The index for `faq`, built in RAM, with the documents and analyzer it was built with.
/// The `RamDirectory` is returned too: it hands out files with their footers, as they must be
/// written to disk.
fn build_in_ram(faq: &Faq) -> tantivy::Result<(Index, RamDirectory, Vec<DocInfo>, TextAnalyzer)> {
    let (schema, fields) = Fields::schema();
    let ram = RamDirectory::create();
    let index = Index::create(ram.clone(), schema, IndexSettings::default())?;
    let mut analyzer = analyzer::analyzer();
    let docs = documents(faq, &mut analyzer);
    write_documents(&index, fields, &docs, &faq.fingerprint)?;
    Ok((index, ram, docs, analyzer))
}

fn write_documents(
    index: &Index,
    fields: Fields,
    docs: &[DocInfo],
    fingerprint: &str,
) -> tantivy::Result<()> {
    index
        .tokenizers()
        .register(analyzer::ANALYZER, analyzer::analyzer());
    // One thread: the FAQ is a few hundred short documents, and one thread gives one segment.
    let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
    for (slot, doc) in docs.iter().enumerate() {
        let mut d = TantivyDocument::default();
        let field = if doc.kind.is_phrasing() {
            fields.phrasing
        } else {
            fields.body
        };
        d.add_text(field, &doc.text);
        d.add_u64(fields.slot, slot as u64);
        writer.add_document(d)?;
    }
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(fingerprint);
    commit.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}
