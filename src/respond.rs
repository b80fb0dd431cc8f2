//! The core's front door: a message in, a `Reply` out. Every adapter (CLI, Discord) calls
//! `Gutcheck::respond`; the reply is a pure function of the FAQ, the message and the thresholds.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::faq::{Diagnostics, Faq, Severity};
use crate::hybrid::decide::Rule;
use crate::hybrid::{SemanticIndex, SemanticRanking};
use crate::reply::{Reply, compose};
use crate::search::store::{self, IndexReport};
use crate::search::{Decision, Engine, Retrieval, Thresholds};
use crate::semantic::vectors::{BuildReport, CACHE_FILE, Vectors};
use crate::semantic::{self, Embedder};
use crate::text::clean::{Cleaned, clean};
use crate::triage::Triage;
use crate::triage::meaning::{Meaning, Ordinary};

/// A reply under a quote with at most this many words of its own may be about the quote
/// ("source?", "is this true though", "pretty sure that's wrong? how do they test for it");
/// a longer one says what it asks. Raised from 12 on a tuning batch of quote replies, where
/// replies of 13 to 30 words that found nothing alone were about the quote.
const MAX_WORDS_UNDER_QUOTE: usize = 30;

/// Which sentence-embedding model a core uses, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelChoice {
    /// The model files in this folder (`semantic::DEFAULT_MODEL_DIR` by default).
    Dir(PathBuf),
    /// Lexical retrieval only (`--lexical-only`): faster, and it answers fewer paraphrases.
    Off,
}

impl Default for ModelChoice {
    fn default() -> Self {
        ModelChoice::Dir(PathBuf::from(semantic::DEFAULT_MODEL_DIR))
    }
}

/// The model and the FAQ's phrasings as vectors.
struct Semantic {
    model: Arc<Embedder>,
    index: SemanticIndex,
    /// Red-flag triggers by meaning; taken into `Triage` when the core is assembled.
    meaning: Option<Meaning>,
}

pub struct Gutcheck {
    pub faq: Faq,
    engine: Engine,
    /// Terms that name one entry alone, from the engine's phrasings.
    anchors: crate::hybrid::anchor::Anchors,
    semantic: Option<Semantic>,
    /// Used by `respond`; `respond_with` takes others (e.g. `Thresholds::PASSIVE`).
    pub thresholds: Thresholds,
    /// Red-flag rules compiled once per FAQ; runs on every message, independently of retrieval.
    pub triage: Triage,
}

/// What `open` did, for start-up logs and `gutcheck index`.
#[derive(Debug, Clone)]
pub struct OpenReport {
    pub index: IndexReport,
    /// Warnings from loading the FAQ (stale reviews); errors prevent opening.
    pub warnings: Diagnostics,
    /// How the FAQ's vectors were found (`None` without a model).
    pub vectors: Option<BuildReport>,
    /// FAQ load plus index open or build.
    pub elapsed: Duration,
}

impl OpenReport {
    /// What an operator should hear at start-up: an index served from memory (its folder is
    /// read-only), and a vector cache that could not be written (every start then embeds the
    /// whole FAQ again, seconds of work, so it must not pass silently).
    pub fn start_up_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if let store::IndexAction::InMemory { .. } = self.index.action {
            warnings.push(self.index.to_string());
        }
        if let Some(error) = self.vectors.as_ref().and_then(|v| v.cache_error.as_ref()) {
            warnings.push(format!(
                "the FAQ's vectors were embedded but not cached ({error}): the next start embeds them again"
            ));
        }
        warnings
    }
}

#[derive(Debug)]
pub enum GutcheckError {
    /// The FAQ folder does not exist.
    FaqMissing(PathBuf),
    /// The FAQ has errors; every diagnostic is kept.
    FaqInvalid {
        dir: PathBuf,
        diagnostics: Diagnostics,
    },
    Index(String),
    /// The embedding model could not be loaded.
    Model(semantic::SemanticError),
}

impl std::fmt::Display for GutcheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GutcheckError::FaqMissing(dir) => write!(
                f,
                "FAQ folder {} not found: run from the repository root or pass --faq <folder>",
                dir.display()
            ),
            GutcheckError::FaqInvalid { dir, diagnostics } => {
                let errors = diagnostics.errors().count();
                write!(f, "{diagnostics}")?;
                write!(
                    f,
                    "the FAQ in {} has {errors} error{}: fix them (`gutcheck check {}` lists them) and retry",
                    dir.display(),
                    if errors == 1 { "" } else { "s" },
                    dir.display()
                )
            }
            GutcheckError::Index(message) => f.write_str(message),
            GutcheckError::Model(e) => write!(f, "{e}; or run with --lexical-only"),
        }
    }
}

impl std::error::Error for GutcheckError {}

impl Gutcheck {
    /// Loads and validates `faq_dir`, then reuses the index in `index_dir` when it was built
    /// from exactly these files, or rebuilds it atomically. Uses the default model.
    pub fn open(faq_dir: &Path, index_dir: &Path) -> Result<(Gutcheck, OpenReport), GutcheckError> {
        Gutcheck::open_with(faq_dir, index_dir, &ModelChoice::default(), false)
    }

    /// As `open`, with a model choice; `rebuild` forces a fresh index even when the stored one
    /// matches. The FAQ's vectors are cached in `index_dir` beside the index.
    pub fn open_with(
        faq_dir: &Path,
        index_dir: &Path,
        model: &ModelChoice,
        rebuild: bool,
    ) -> Result<(Gutcheck, OpenReport), GutcheckError> {
        let start = Instant::now();
        let faq = load_faq(faq_dir)?;
        let (engine, index) = store::open_or_build(&faq, index_dir, rebuild)
            .map_err(|e| GutcheckError::Index(e.to_string()))?;
        let cache = index_dir.join(CACHE_FILE);
        let (semantic, vectors) = build_semantic(&faq, model, Some(&cache))?;
        let report = OpenReport {
            index,
            warnings: faq.warnings.clone(),
            vectors,
            elapsed: start.elapsed(),
        };
        Ok((Gutcheck::assemble(faq, engine, semantic), report))
    }

    /// Loads and validates `faq_dir` into an in-RAM index, touching nothing on disk: hot
    /// reload builds this beside the core that keeps serving, so shard processes sharing
    /// `index/` never race to rewrite it. The model is the one already loaded in this process
    /// (its memo makes unchanged phrasings free).
    pub fn load_in_ram(faq_dir: &Path, model: &ModelChoice) -> Result<Gutcheck, GutcheckError> {
        Gutcheck::from_faq(load_faq(faq_dir)?, model)
    }

    /// An engine over an in-RAM index: tests, `check`, and hot reload (build beside the old
    /// one, then swap).
    pub fn from_faq(faq: Faq, model: &ModelChoice) -> Result<Gutcheck, GutcheckError> {
        Gutcheck::from_faq_cached(faq, model, None)
    }

    /// As `from_faq`, taking the FAQ's vectors from `cache` (a `vectors.bin`) where it has them
    /// and writing back the ones it had to embed: tests and benches share `index/vectors.bin`.
    pub fn from_faq_cached(
        faq: Faq,
        model: &ModelChoice,
        cache: Option<&Path>,
    ) -> Result<Gutcheck, GutcheckError> {
        let engine = Engine::in_ram(&faq)
            .map_err(|e| GutcheckError::Index(format!("cannot build the in-memory index: {e}")))?;
        let (semantic, _) = build_semantic(&faq, model, cache)?;
        Ok(Gutcheck::assemble(faq, engine, semantic))
    }

    fn assemble(faq: Faq, engine: Engine, mut semantic: Option<Semantic>) -> Gutcheck {
        let mut triage = Triage::new(&faq);
        if let Some(meaning) = semantic.as_mut().and_then(|s| s.meaning.take()) {
            triage = triage.with_meaning(meaning);
        }
        Gutcheck {
            triage,
            faq,
            anchors: crate::hybrid::anchor::Anchors::build(&engine),
            engine,
            semantic,
            thresholds: Thresholds::default(),
        }
    }

    /// The embedding model in use, if any (triage and gap grouping may share it).
    pub fn model(&self) -> Option<&Arc<Embedder>> {
        self.semantic.as_ref().map(|s| &s.model)
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn respond(&self, message: &str) -> Reply {
        self.respond_with(message, &self.thresholds)
    }

    /// clean -> triage -> retrieve (both signals) -> decide -> compose.
    ///
    /// The words are looked up before triage runs: when they leave the decision to the model,
    /// the message is announced to it (`Embedder::ahead`), so that its vector is computed in
    /// the same model pass as triage's windows, not in a second pass: every pass reads the
    /// model's 21 MB of weights again, about 1 ms even for a three-token text.
    pub fn respond_with(&self, message: &str, thresholds: &Thresholds) -> Reply {
        let cleaned = self.read(message);
        let words = crate::text::idiom::blanked(&cleaned.text);
        let lexical = self.engine.retrieve(&words);
        let _ahead = self
            .semantic
            .as_ref()
            .filter(|_| needs_model(&lexical))
            .map(|s| s.model.ahead(&[&words]));
        let red_flags = self.triage.scan(&cleaned);
        let decided = self.decide_after(&cleaned, &words, lexical, thresholds);
        self.compose(message, &decided, red_flags)
    }

    /// The message as triage and retrieval read it: cleaned, and glossed into English when it
    /// is written in a language the FAQ's glossary knows.
    fn read(&self, message: &str) -> Cleaned {
        clean(message).glossed(&self.faq.glossary)
    }

    /// Retrieval and the answer-or-abstain decision: what `respond` acts on and `explain`
    /// shows, computed in one place so the two cannot disagree.
    fn decide(&self, cleaned: &Cleaned, thresholds: &Thresholds) -> Decided {
        let words = crate::text::idiom::blanked(&cleaned.text);
        self.decide_after(cleaned, &words, self.engine.retrieve(&words), thresholds)
    }

    /// `decide`, the message as retrieval reads it (`words`, idioms blanked) already looked
    /// up (`lexical`).
    fn decide_after(
        &self,
        cleaned: &Cleaned,
        words: &str,
        lexical: Retrieval,
        thresholds: &Thresholds,
    ) -> Decided {
        let own = self.decide_words(words, lexical, thresholds);
        if matches!(own.decision, Decision::Answer(_))
            || cleaned.quoted.is_empty()
            || cleaned.text.split_whitespace().count() > MAX_WORDS_UNDER_QUOTE
        {
            return own;
        }
        // "is this true?" under a quoted claim asks about the claim.
        let with_quote =
            self.decide_text(&format!("{}\n{}", cleaned.quoted, cleaned.text), thresholds);
        if matches!(with_quote.decision, Decision::Answer(_)) {
            with_quote
        } else {
            own
        }
    }

    fn decide_text(&self, text: &str, thresholds: &Thresholds) -> Decided {
        let text = crate::text::idiom::blanked(text);
        self.decide_words(&text, self.engine.retrieve(&text), thresholds)
    }

    /// Answer, suggest or abstain for `text` (as retrieval reads it, idioms blanked), its
    /// words (`lexical`) already looked up.
    fn decide_words(&self, text: &str, lexical: Retrieval, thresholds: &Thresholds) -> Decided {
        let semantic = self
            .semantic
            .as_ref()
            .filter(|_| needs_model(&lexical))
            .map(|s| s.index.rank(&self.faq, &s.model.embed(text)));
        let anchored = self.anchors.named(&lexical, text);
        let (decision, rule) =
            crate::hybrid::decide::decide(&lexical, anchored, semantic.as_ref(), thresholds);
        Decided {
            lexical,
            semantic,
            anchored,
            decision,
            rule,
        }
    }

    /// FAQ entries for a partly typed topic, best first: (id, title), at most `limit`.
    /// Autocomplete calls this on every keystroke, so the words go first (prefixes, then the
    /// lexical engine with synonyms and typo repair) and the model runs only when the text has
    /// enough words to mean something or the words found nothing. Empty input lists every
    /// entry by title.
    pub fn topics(&self, partial: &str, limit: usize) -> Vec<(String, String)> {
        let typed = crate::topics::Typed::new(&self.faq, partial);
        if typed.is_empty() {
            return typed.rank(&Retrieval::default(), None, limit);
        }
        let cleaned = clean(partial);
        let lexical = self.engine.retrieve(&cleaned.text);
        let semantic = self
            .semantic
            .as_ref()
            .filter(|_| typed.wants_meaning(&lexical))
            .map(|s| s.index.rank(&self.faq, &s.model.embed(&cleaned.text)));
        typed.rank(&lexical, semantic.as_ref(), limit)
    }

    /// Lexical retrieval without the decision: `check`'s self-consistency uses it.
    pub fn retrieve(&self, message: &str) -> Retrieval {
        self.engine.retrieve(&clean(message).text)
    }

    fn compose(
        &self,
        message: &str,
        decided: &Decided,
        red_flags: Vec<crate::reply::RedFlagHit>,
    ) -> Reply {
        let (answer, suggestions) = match &decided.decision {
            Decision::Answer(e) => {
                let entry = &self.faq.entries[*e];
                let score = decided.score_of(*e);
                (Some(compose::answer(&self.faq, entry, score)), Vec::new())
            }
            Decision::Suggest(entries) => (
                None,
                compose::suggestions(entries.iter().map(|&e| &self.faq.entries[e])),
            ),
            Decision::Nothing => (None, Vec::new()),
        };
        compose::reply(message, answer, suggestions, red_flags)
    }

    /// Why `respond` would answer as it does: for `gutcheck why` and moderators tuning phrasings.
    pub fn explain(&self, message: &str) -> Explanation {
        self.explain_with(message, &self.thresholds)
    }

    pub fn explain_with(&self, message: &str, thresholds: &Thresholds) -> Explanation {
        let cleaned = self.read(message);
        let Decided {
            lexical: retrieval,
            semantic,
            anchored,
            decision,
            rule,
        } = self.decide(&cleaned, thresholds);
        let candidates = retrieval
            .candidates
            .iter()
            .map(|c| {
                let entry = &self.faq.entries[c.entry];
                ExplainedCandidate {
                    id: entry.id.clone(),
                    title: entry.title.clone(),
                    score: c.score,
                    phrasing: c.best_phrasing.map(|s| self.engine.doc(s).text.clone()),
                    coverage: c.coverage,
                    focus: c.focus,
                    matched: c.matched.clone(),
                    missing: c.missing.clone(),
                }
            })
            .collect();
        let decision = match &decision {
            Decision::Answer(e) => ExplainedDecision::Answer(self.faq.entries[*e].id.clone()),
            Decision::Suggest(es) => ExplainedDecision::Suggest(
                es.iter().map(|&e| self.faq.entries[e].id.clone()).collect(),
            ),
            Decision::Nothing => ExplainedDecision::Nothing,
        };
        let triage = self.triage.analyze(&cleaned);
        Explanation {
            query: message.to_string(),
            margin: retrieval.margin(),
            gloss: cleaned.gloss.clone(),
            cleaned,
            retrieval,
            candidates,
            semantic,
            anchored: anchored.map(|e| self.faq.entries[e].id.clone()),
            triage,
            thresholds: *thresholds,
            decision,
            rule,
        }
    }
}

/// Both signals and what they decided, for one message.
struct Decided {
    lexical: Retrieval,
    semantic: Option<SemanticRanking>,
    /// The entry the message's words alone name (`hybrid::anchor`), if any.
    anchored: Option<usize>,
    decision: Decision,
    rule: Rule,
}

impl Decided {
    /// The confidence shown with an answer: the model's cosine when it ran, else the lexical
    /// coverage, both in 0..=1.
    fn score_of(&self, entry: usize) -> f32 {
        match &self.semantic {
            Some(s) => s.cosine_of(entry),
            None => self
                .lexical
                .candidates
                .iter()
                .find(|c| c.entry == entry)
                .map_or(0.0, |c| c.coverage),
        }
    }
}

/// The cascade: the model (a few milliseconds) runs only where the words (tens of
/// microseconds) have not already decided. Measured on the dev chat set and the project's own
/// sets: skipping it for messages no FAQ word matches (chatter) and for messages whose words
/// match one entry fully and far ahead of the rest changed no outcome for the worse
/// (dev: 78.3% right / 4.9% wrong without the cascade, 79.1% / 4.9% with it) and leaves the
/// model to run on about 70% of messages.
const WORDS_DECIDE_COVERAGE: f32 = 0.9;
const WORDS_DECIDE_MARGIN: f32 = 0.5;

fn needs_model(lexical: &Retrieval) -> bool {
    match lexical.top() {
        None => false,
        Some(top) => top.coverage < WORDS_DECIDE_COVERAGE || lexical.margin() < WORDS_DECIDE_MARGIN,
    }
}

fn build_semantic(
    faq: &Faq,
    model: &ModelChoice,
    cache: Option<&Path>,
) -> Result<(Option<Semantic>, Option<BuildReport>), GutcheckError> {
    let ModelChoice::Dir(dir) = model else {
        return Ok((None, None));
    };
    let model = semantic::shared(dir).map_err(GutcheckError::Model)?;
    // Phrasings and red-flag examples in one build, so one cache file holds both.
    let phrasings = SemanticIndex::phrasings(faq);
    let examples_per_rule: Vec<&[String]> = faq
        .red_flags
        .iter()
        .map(|r| r.examples.as_slice())
        .collect();
    let examples = Meaning::texts(&examples_per_rule);
    let plain = &faq.context.ordinary_examples;
    let texts: Vec<&str> = phrasings
        .iter()
        .chain(&examples)
        .map(|(_, t)| t.as_str())
        .chain(plain.iter().map(String::as_str))
        .collect();
    let (mut vectors, report) = Vectors::build(&model, &texts, cache);
    let mut example_vectors = vectors.split_off(phrasings.len());
    let plain_vectors = example_vectors.split_off(examples.len());
    let meaning = Meaning::new(
        Arc::clone(&model),
        faq.red_flags.len(),
        &examples,
        &example_vectors,
        // The FAQ's phrasings, out-of-scope examples included, are ordinary talk for triage:
        // a window nearer one of them than to every alarm example is no candidate.
        Ordinary {
            phrasings: &texts[..phrasings.len()],
            vectors: vectors.clone().chain(plain_vectors),
        },
    );
    let index = SemanticIndex::from_vectors(faq, phrasings, vectors);
    Ok((
        Some(Semantic {
            model,
            index,
            meaning: Some(meaning),
        }),
        Some(report),
    ))
}

/// `gutcheck check`'s retrieval self-consistency: every phrasing (title and questions) must
/// retrieve its own entry first. A phrasing another entry wins, or ties, is an error at that
/// phrasing's line naming both entries.
pub fn retrieval_self_consistency(faq: &Faq) -> Diagnostics {
    let mut out = Diagnostics::default();
    let engine = match Engine::in_ram(faq) {
        Ok(engine) => engine,
        Err(e) => {
            if let Some(d) = faq.entries.first().and_then(|entry| {
                faq.entry_diagnostic(
                    &entry.id,
                    "id",
                    Severity::Error,
                    format!("cannot build the search index to check retrieval: {e}"),
                )
            }) {
                out.push(d);
            }
            return out;
        }
    };
    for doc in engine.docs().iter().filter(|d| d.kind.is_phrasing()) {
        let own = &faq.entries[doc.entry];
        let retrieval = engine.retrieve(&clean(&doc.text).text);
        let message = match retrieval.candidates.as_slice() {
            [] => Some(format!(
                "phrasing `{}` has no searchable words: add the words people would type",
                doc.text
            )),
            [first, ..] if first.entry != doc.entry => {
                let winner = &faq.entries[first.entry];
                let via = first
                    .best_phrasing
                    .map(|s| format!(" (through its phrasing `{}`)", engine.doc(s).text))
                    .unwrap_or_default();
                Some(format!(
                    "phrasing `{}` retrieves entry `{}` first{via}, not `{}`: reword it so it is clearly about this entry, or move it to `{}`",
                    doc.text, winner.id, own.id, winner.id
                ))
            }
            [first, second, ..] if second.score >= first.score => Some(format!(
                "phrasing `{}` ties between `{}` and `{}`: reword it so it is clearly about this entry",
                doc.text, own.id, faq.entries[second.entry].id
            )),
            _ => None,
        };
        if let Some(message) = message
            && let Some(d) =
                faq.entry_diagnostic(&own.id, &doc.kind.key_path(), Severity::Error, message)
        {
            out.push(d);
        }
    }
    out
}

fn load_faq(dir: &Path) -> Result<Faq, GutcheckError> {
    if !dir.is_dir() {
        return Err(GutcheckError::FaqMissing(dir.to_path_buf()));
    }
    Faq::load(dir).map_err(|diagnostics| GutcheckError::FaqInvalid {
        dir: dir.to_path_buf(),
        diagnostics,
    })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ExplainedCandidate {
    pub id: String,
    pub title: String,
    pub score: f32,
    pub phrasing: Option<String>,
    pub coverage: f32,
    /// Share of the message the phrasing accounts for (lets a one-topic question like
    /// "zinc?" be suggested; see `search::decide`).
    pub focus: f32,
    pub matched: Vec<String>,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExplainedDecision {
    Answer(String),
    Suggest(Vec<String>),
    Nothing,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Explanation {
    pub query: String,
    #[serde(serialize_with = "cleaned_text")]
    pub cleaned: Cleaned,
    /// The language and original text when `cleaned` is an English gloss.
    pub gloss: Option<crate::text::clean::Gloss>,
    #[serde(skip)]
    pub retrieval: Retrieval,
    pub candidates: Vec<ExplainedCandidate>,
    pub margin: f32,
    /// The model's ranking, when it ran.
    pub semantic: Option<SemanticRanking>,
    /// The entry the message's words alone name (`hybrid::anchor`), if any.
    pub anchored: Option<String>,
    /// Red-flag triage: alarms, triggers set aside and why, sentences found by meaning.
    pub triage: crate::triage::Scan,
    pub thresholds: Thresholds,
    pub decision: ExplainedDecision,
    /// The rule that decided.
    pub rule: Rule,
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut t = String::new();
        let _ = writeln!(t, "message:  {:?}", self.query);
        match &self.cleaned.gloss {
            Some(g) => {
                let _ = writeln!(t, "cleaned:  {:?}", g.original);
                let _ = writeln!(
                    t,
                    "glossed:  {:?} (read as {})",
                    self.cleaned.text, g.language
                );
            }
            None => {
                let _ = writeln!(t, "cleaned:  {:?}", self.cleaned.text);
            }
        }
        let terms: Vec<&str> = self
            .retrieval
            .terms
            .iter()
            .map(|q| q.term.as_str())
            .collect();
        let _ = writeln!(t, "terms:    {}", terms.join(" "));
        for r in &self.retrieval.repairs {
            let _ = writeln!(
                t,
                "typo:     {} -> {} ({} edit{})",
                r.from,
                r.to,
                r.distance,
                if r.distance == 1 { "" } else { "s" }
            );
        }
        for e in &self.retrieval.expansions {
            let _ = writeln!(t, "synonym:  \"{}\" also searches \"{}\"", e.matched, e.via);
        }
        let _ = writeln!(t);
        if self.candidates.is_empty() {
            let _ = writeln!(t, "no entry matched any term");
        }
        for (i, c) in self.candidates.iter().enumerate() {
            let _ = writeln!(
                t,
                "{}. {} (score {:.2}, coverage {:.2}, focus {:.2})",
                i + 1,
                c.id,
                c.score,
                c.coverage,
                c.focus
            );
            let _ = writeln!(t, "   {}", c.title);
            match &c.phrasing {
                Some(p) => {
                    let _ = writeln!(t, "   best phrasing: {p:?}");
                    let _ = writeln!(
                        t,
                        "   matched: {}   missing: {}",
                        list(&c.matched),
                        list(&c.missing)
                    );
                }
                None => {
                    let _ = writeln!(t, "   matched only its summary or claims");
                }
            }
        }
        let _ = writeln!(t);
        let th = &self.thresholds;
        let _ = writeln!(
            t,
            "margin {:.2} (needs >= {:.2}); coverage {:.2} (needs >= {:.2}); suggestions need coverage >= {:.2} and {:.0}% of the top score",
            self.margin,
            th.min_margin,
            self.candidates.first().map_or(0.0, |c| c.coverage),
            th.min_coverage,
            th.suggest_coverage,
            th.suggest_score_ratio * 100.0
        );
        match &self.semantic {
            Some(ranking) => write_meaning(&mut t, ranking, th),
            None => {
                let _ = writeln!(
                    t,
                    "meaning: the model did not run (lexical only, or no words)"
                );
            }
        }
        let _ = writeln!(t, "rule: {}", self.rule.describe());
        let decision = match &self.decision {
            ExplainedDecision::Answer(id) => format!("answer with {id}"),
            ExplainedDecision::Suggest(ids) => format!("abstain, suggest {}", ids.join(", ")),
            ExplainedDecision::Nothing => "abstain, nothing close".to_string(),
        };
        let _ = write!(t, "decision: {decision}");
        f.write_str(&t)
    }
}

/// The model's side of `why`: its closest entries, the closest out-of-scope example and the
/// thresholds its rules read.
fn write_meaning(t: &mut String, ranking: &SemanticRanking, th: &Thresholds) {
    let _ = writeln!(t, "meaning (model cosine with the closest phrasing):");
    for (i, c) in ranking.candidates.iter().take(5).enumerate() {
        let _ = writeln!(t, "{}. {:.3}  {:?}", i + 1, c.cosine, c.phrasing);
    }
    if let Some(o) = &ranking.out_of_scope {
        let _ = writeln!(
            t,
            "closest question this FAQ does not answer: {:.3}  {:?}",
            o.cosine, o.example
        );
    }
    let _ = writeln!(
        t,
        "semantic margin {:.3}; the model answers alone at cosine >= {:.2} with margin >= {:.2}, \
         or at >= {:.2} with margin >= {:.2}, with the words' agreement at >= {:.2} (coverage \
         >= {:.2}, or >= {:.2} and coverage >= {:.2} with that margin); a word match stands when its entry is at cosine >= {:.2}, and when it does \
         not, the model's first entry is answered at >= {:.2}; nothing is answered that is \
         closer to a question this FAQ does not answer",
        ranking.margin(),
        th.semantic_answer,
        th.semantic_margin,
        th.lead_cosine,
        th.lead_margin,
        th.agree_cosine,
        th.agree_coverage,
        th.agree_lead_cosine,
        th.agree_lead_coverage,
        th.semantic_veto,
        th.override_cosine
    );
}

fn cleaned_text<S: serde::Serializer>(cleaned: &Cleaned, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&cleaned.text)
}

fn list(terms: &[String]) -> String {
    if terms.is_empty() {
        "-".to_string()
    } else {
        terms.join(" ")
    }
}
