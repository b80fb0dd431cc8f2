//! Turning retrieval's decision into a `Reply`: an entry becomes an `Answer` with its claims'
//! sources numbered in order of first use, and `text` holding the whole answer as plain text.

use std::collections::HashMap;
use std::fmt::Write;

use crate::faq::{Entry, Faq};

use super::{Answer, AnswerClaim, Citation, RedFlagHit, Reply, Suggestion};

/// Shown under every reply. A UI string, not medical content.
pub const DISCLAIMER: &str = "General information from published research, not medical advice: gutcheck cannot diagnose you. See a clinician about your own symptoms.";

pub fn answer(faq: &Faq, entry: &Entry, score: f32) -> Answer {
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    let mut citations: Vec<Citation> = Vec::new();
    let claims: Vec<AnswerClaim> = entry
        .claims
        .iter()
        .map(|claim| AnswerClaim {
            text: claim.text.clone(),
            grade: claim.grade,
            sources: claim
                .sources
                .iter()
                .filter_map(|id| {
                    if let Some(&n) = numbers.get(id.as_str()) {
                        return Some(n);
                    }
                    // `Faq::load` guarantees every cited id resolves; skip rather than panic if
                    // a hand-built Faq breaks that.
                    let source = faq.source(id)?;
                    let n = citations.len() + 1;
                    numbers.insert(id, n);
                    citations.push(Citation {
                        n,
                        id: source.id.clone(),
                        title: source.title.clone(),
                        kind: source.kind,
                        year: source.year,
                        url: source.url.clone(),
                    });
                    Some(n)
                })
                .collect(),
        })
        .collect();
    let mut answer = Answer {
        id: entry.id.clone(),
        title: entry.title.clone(),
        grade: entry.grade,
        summary: entry.summary.clone(),
        text: String::new(),
        claims,
        citations,
        score,
    };
    answer.text = plain_text(&answer, entry.myth.as_deref());
    answer
}

/// The answer as one plain-text block: what a terminal prints and what a plain chat message
/// would carry.
fn plain_text(a: &Answer, myth: Option<&str>) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "{}", a.title);
    let _ = writeln!(t);
    let _ = writeln!(t, "{}", a.summary);
    let _ = writeln!(t);
    let _ = writeln!(t, "Evidence {} {}", a.grade.meter(), a.grade.plain_words());
    if let Some(myth) = myth {
        let _ = writeln!(t, "The myth this corrects: \"{myth}\"");
    }
    if !a.claims.is_empty() {
        let _ = writeln!(t);
        let _ = writeln!(t, "What the research says:");
        for c in &a.claims {
            let marks: Vec<String> = c.sources.iter().map(|n| format!("[{n}]")).collect();
            let _ = writeln!(t, "- {} {} ({})", c.text, marks.join(""), c.grade);
        }
    }
    if !a.citations.is_empty() {
        let _ = writeln!(t);
        let _ = writeln!(t, "Sources:");
        for c in &a.citations {
            let _ = writeln!(
                t,
                "[{}] {} ({}, {}) {}",
                c.n, c.title, c.kind, c.year, c.url
            );
        }
    }
    t.trim_end().to_string()
}

pub fn suggestions<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Vec<Suggestion> {
    entries
        .into_iter()
        .map(|e| Suggestion {
            id: e.id.clone(),
            title: e.title.clone(),
        })
        .collect()
}

pub fn reply(
    query: &str,
    answer: Option<Answer>,
    suggestions: Vec<Suggestion>,
    red_flags: Vec<RedFlagHit>,
) -> Reply {
    Reply {
        query: query.to_string(),
        answer,
        suggestions,
        red_flags,
        disclaimer: DISCLAIMER.to_string(),
    }
}
