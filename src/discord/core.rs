//! What the adapter asks of the core. A trait so the adapter depends on these few calls
//! only, and the core (`Gutcheck`) stays free of Discord types.

use std::sync::Arc;

use crate::faq::Faq;
use crate::reply::Reply;
use crate::semantic::Embedding;
use crate::store::Candidate;

pub trait Core: Send + Sync + 'static {
    fn faq(&self) -> &Faq;
    /// The one line every reply carries about what gutcheck is not.
    fn disclaimer(&self) -> &str;
    /// The answer to a direct question (`/ask`, a mention).
    fn respond(&self, message: &str) -> Reply;
    /// The answer to a message nobody addressed to the bot: a stricter bar, and only
    /// messages that read as questions.
    fn respond_passive(&self, message: &str) -> Reply;
    /// The ranking explained, for `/why`.
    fn explain(&self, message: &str) -> String;
    /// The reply for a known entry (autocomplete picks, "did you mean" buttons).
    fn entry_reply(&self, id: &str) -> Option<Reply>;
    /// The entries a message came closest to, best first, for an unanswered question.
    fn candidates(&self, _message: &str) -> Vec<Candidate> {
        Vec::new()
    }
    /// Sentence embeddings of `texts` when a model is loaded (groups unanswered questions
    /// by meaning); `None` without one.
    fn embed(&self, _texts: &[String]) -> Option<Vec<Embedding>> {
        None
    }
    /// Entries for a partly typed topic, best first: (id, title), at most `limit`. A core
    /// without an engine ranks by the typed words alone.
    fn topics(&self, partial: &str, limit: usize) -> Vec<(String, String)> {
        crate::topics::Typed::new(self.faq(), partial).rank(
            &crate::search::Retrieval::default(),
            None,
            limit,
        )
    }
}

/// How many close entries an unanswered question keeps.
const GAP_CANDIDATES: usize = 3;

/// Builds a fresh core from the FAQ folder; `Err` lists every problem, one per line, for
/// whoever asked for the reload.
pub type Loader = Arc<dyn Fn() -> Result<Box<dyn Core>, Vec<String>> + Send + Sync>;

use std::path::{Path, PathBuf};

use crate::faq::Date;
use crate::publish;
use crate::reply::compose;
use crate::respond::{Gutcheck, GutcheckError, ModelChoice};
use crate::search::Thresholds;
use crate::text::clean::clean;

impl Core for Gutcheck {
    fn faq(&self) -> &Faq {
        &self.faq
    }

    fn disclaimer(&self) -> &str {
        compose::DISCLAIMER
    }

    fn respond(&self, message: &str) -> Reply {
        Gutcheck::respond(self, message)
    }

    fn respond_passive(&self, message: &str) -> Reply {
        let mut reply = self.respond_with(message, &Thresholds::PASSIVE);
        if !reads_as_question(message) {
            // Statements still get their red-flag check; only the unasked answer is dropped.
            reply.answer = None;
        }
        reply.suggestions.clear();
        reply
    }

    fn explain(&self, message: &str) -> String {
        Gutcheck::explain(self, message).to_string()
    }

    fn topics(&self, partial: &str, limit: usize) -> Vec<(String, String)> {
        Gutcheck::topics(self, partial, limit)
    }

    fn entry_reply(&self, id: &str) -> Option<Reply> {
        let entry = self.faq.entry(id)?;
        let answer = compose::answer(&self.faq, entry, 0.0);
        Some(compose::reply(
            &entry.title,
            Some(answer),
            Vec::new(),
            Vec::new(),
        ))
    }

    /// The model's closest entries when it ran (cosines compare across questions), else
    /// the words' ranking.
    fn candidates(&self, message: &str) -> Vec<Candidate> {
        let explanation = Gutcheck::explain(self, message);
        match explanation.semantic.filter(|r| !r.candidates.is_empty()) {
            Some(ranking) => ranking
                .candidates
                .into_iter()
                .take(GAP_CANDIDATES)
                .map(|c| Candidate {
                    entry_id: c.id,
                    score: c.cosine,
                })
                .collect(),
            None => explanation
                .candidates
                .into_iter()
                .take(GAP_CANDIDATES)
                .map(|c| Candidate {
                    entry_id: c.id,
                    score: c.score,
                })
                .collect(),
        }
    }

    fn embed(&self, texts: &[String]) -> Option<Vec<Embedding>> {
        let model = self.model()?;
        Some(texts.iter().map(|t| model.embed(t)).collect())
    }
}

/// A question mark in the writer's own words, or an opening that asks ("does kefir help",
/// "anyone tried glutamine"): chat often drops the question mark.
pub fn reads_as_question(message: &str) -> bool {
    const OPENERS: &[&str] = &[
        "how", "what", "why", "is", "are", "does", "do", "can", "could", "should", "will", "would",
        "any", "anyone", "anybody", "has", "have", "did", "which", "when", "where", "who", "was",
        "were", "am", "whats", "hows", "isnt", "doesnt",
    ];
    let cleaned = clean(message);
    if cleaned.asks_question {
        return true;
    }
    cleaned.text.split(['\n', '.', '!', ';']).any(|sentence| {
        sentence
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .find(|w| !w.is_empty())
            .map(|w| w.to_lowercase().replace('\'', ""))
            .is_some_and(|w| OPENERS.contains(&w.as_str()))
    })
}

/// The loader `serve` uses for `/faq-reload` and the watcher: every check `gutcheck check`
/// runs (`publish::check`, phrasing self-consistency included, so a reload never puts live
/// what CI rejects), then a fresh in-memory core over the checked FAQ (`Gutcheck::from_faq`).
/// Its errors come one per line for whoever asked for the reload, root causes first.
pub fn gutcheck_loader(faq_dir: PathBuf, model: ModelChoice) -> Loader {
    Arc::new(move || {
        if !faq_dir.is_dir() {
            return Err(vec![GutcheckError::FaqMissing(faq_dir.clone()).to_string()]);
        }
        let mut checked = publish::check(&faq_dir, Date::today());
        let Some(faq) = checked.faq.take() else {
            return Err(publish::error_lines(&checked));
        };
        match Gutcheck::from_faq(faq, &model) {
            Ok(core) => Ok(Box::new(core) as Box<dyn Core>),
            Err(other) => Err(vec![other.to_string()]),
        }
    })
}

/// Opens the core for start-up: the persisted index when it matches the FAQ.
pub fn open_gutcheck(
    faq_dir: &Path,
    index_dir: &Path,
    model: &ModelChoice,
) -> Result<Box<dyn Core>, GutcheckError> {
    let (core, report) = Gutcheck::open_with(faq_dir, index_dir, model, false)?;
    for warning in report.start_up_warnings() {
        tracing::warn!("{warning}");
    }
    tracing::info!(
        "FAQ loaded: {} ({:?}, {} warning(s))",
        core.faq.summary_line(),
        report.elapsed,
        report.warnings.warnings().count()
    );
    Ok(Box::new(core))
}

#[cfg(test)]
mod tests {
    use super::reads_as_question;

    #[test]
    fn questions_with_and_without_question_marks() {
        assert!(reads_as_question("does kefir help leaky gut"));
        assert!(reads_as_question(
            "I read about zonulin. Is the test any good"
        ));
        assert!(reads_as_question("leaky gut is real?"));
        assert!(!reads_as_question("leaky gut is a scam lol"));
        assert!(!reads_as_question("> is leaky gut real?\nno idea"));
    }
}
