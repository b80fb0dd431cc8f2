//! The core's front door: a message in, a `Reply` out. Every adapter (CLI, Discord) calls
//! `Gutcheck::respond`; the reply is a pure function of the FAQ, the message and the thresholds.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::faq::{Diagnostics, Faq, Severity};
use crate::reply::{Reply, compose};
use crate::search::store::{self, IndexReport};
use crate::search::{Decision, Engine, Retrieval, Thresholds, decide};
use crate::text::clean::{Cleaned, clean};
use crate::triage::Triage;

pub struct Gutcheck {
    pub faq: Faq,
    engine: Engine,
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
    /// FAQ load plus index open or build.
    pub elapsed: Duration,
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
        }
    }
}

impl std::error::Error for GutcheckError {}

impl Gutcheck {
    /// Loads and validates `faq_dir`, then reuses the index in `index_dir` when it was built
    /// from exactly these files, or rebuilds it atomically.
    pub fn open(faq_dir: &Path, index_dir: &Path) -> Result<(Gutcheck, OpenReport), GutcheckError> {
        Gutcheck::open_with(faq_dir, index_dir, false)
    }

    /// As `open`; `rebuild` forces a fresh index even when the stored one matches.
    pub fn open_with(
        faq_dir: &Path,
        index_dir: &Path,
        rebuild: bool,
    ) -> Result<(Gutcheck, OpenReport), GutcheckError> {
        let start = Instant::now();
        let faq = load_faq(faq_dir)?;
        let (engine, index) = store::open_or_build(&faq, index_dir, rebuild)
            .map_err(|e| GutcheckError::Index(e.to_string()))?;
        let report = OpenReport {
            index,
            warnings: faq.warnings.clone(),
            elapsed: start.elapsed(),
        };
        Ok((Gutcheck::with_engine(faq, engine), report))
    }

    /// Loads and validates `faq_dir` into an in-RAM index, touching nothing on disk: hot
    /// reload builds this beside the core that keeps serving, so shard processes sharing
    /// `index/` never race to rewrite it.
    pub fn load_in_ram(faq_dir: &Path) -> Result<Gutcheck, GutcheckError> {
        Gutcheck::from_faq(load_faq(faq_dir)?)
    }

    /// An engine over an in-RAM index: tests, `check`, and hot reload (build beside the old
    /// one, then swap).
    pub fn from_faq(faq: Faq) -> Result<Gutcheck, GutcheckError> {
        let engine = Engine::in_ram(&faq)
            .map_err(|e| GutcheckError::Index(format!("cannot build the in-memory index: {e}")))?;
        Ok(Gutcheck::with_engine(faq, engine))
    }

    fn with_engine(faq: Faq, engine: Engine) -> Gutcheck {
        Gutcheck {
            triage: Triage::new(&faq),
            faq,
            engine,
            thresholds: Thresholds::default(),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn respond(&self, message: &str) -> Reply {
        self.respond_with(message, &self.thresholds)
    }

    /// clean -> triage -> retrieve -> compose.
    pub fn respond_with(&self, message: &str, thresholds: &Thresholds) -> Reply {
        let cleaned = clean(message);
        let red_flags = self.triage.scan(&cleaned);
        let (retrieval, decision) = self.decide(&cleaned, thresholds);
        self.compose(message, &decision, &retrieval, red_flags)
    }

    /// Retrieval and the answer-or-abstain decision: what `respond` acts on and `explain`
    /// shows, computed in one place so the two cannot disagree.
    fn decide(&self, cleaned: &Cleaned, thresholds: &Thresholds) -> (Retrieval, Decision) {
        let retrieval = self.engine.retrieve(&cleaned.text);
        let decision = decide::decide(&retrieval, thresholds);
        (retrieval, decision)
    }

    /// Retrieval without the decision: `check`'s self-consistency and the evaluation use it.
    pub fn retrieve(&self, message: &str) -> Retrieval {
        self.engine.retrieve(&clean(message).text)
    }

    fn compose(
        &self,
        message: &str,
        decision: &Decision,
        retrieval: &Retrieval,
        red_flags: Vec<crate::reply::RedFlagHit>,
    ) -> Reply {
        let (answer, suggestions) = match decision {
            Decision::Answer(e) => {
                let entry = &self.faq.entries[*e];
                let score = retrieval.top().map_or(0.0, |c| c.score);
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
        let cleaned = clean(message);
        let (retrieval, decision) = self.decide(&cleaned, thresholds);
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
        Explanation {
            query: message.to_string(),
            margin: retrieval.margin(),
            cleaned,
            retrieval,
            candidates,
            thresholds: *thresholds,
            decision,
        }
    }
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

#[derive(Debug, Clone)]
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

#[derive(Debug, Clone, PartialEq)]
pub enum ExplainedDecision {
    Answer(String),
    Suggest(Vec<String>),
    Nothing,
}

#[derive(Debug, Clone)]
pub struct Explanation {
    pub query: String,
    pub cleaned: Cleaned,
    pub retrieval: Retrieval,
    pub candidates: Vec<ExplainedCandidate>,
    pub margin: f32,
    pub thresholds: Thresholds,
    pub decision: ExplainedDecision,
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut t = String::new();
        let _ = writeln!(t, "message:  {:?}", self.query);
        let _ = writeln!(t, "cleaned:  {:?}", self.cleaned.text);
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
        let decision = match &self.decision {
            ExplainedDecision::Answer(id) => format!("answer with {id}"),
            ExplainedDecision::Suggest(ids) => format!("abstain, suggest {}", ids.join(", ")),
            ExplainedDecision::Nothing => "abstain, nothing close".to_string(),
        };
        let _ = write!(t, "decision: {decision}");
        f.write_str(&t)
    }
}

fn list(terms: &[String]) -> String {
    if terms.is_empty() {
        "-".to_string()
    } else {
        terms.join(" ")
    }
}
