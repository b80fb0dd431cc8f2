//! The one answer type every front end renders: terminal text, JSON and Discord all show the
//! same `Reply`, so no answer logic lives in a renderer.

pub mod compose;
pub mod render_text;

use serde::Serialize;

use crate::faq::{Grade, SourceKind, Tier};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reply {
    /// The message as received (before cleaning), so a JSON line can be matched to its input.
    pub query: String,
    /// `None` when gutcheck abstains: no entry answers the message well enough.
    pub answer: Option<Answer>,
    /// Close calls offered instead of an answer ("did you mean"), at most three.
    pub suggestions: Vec<Suggestion>,
    /// Every red-flag rule the message triggered, highest tier first.
    pub red_flags: Vec<RedFlagHit>,
    /// One short line: what gutcheck is not.
    pub disclaimer: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Answer {
    pub id: String,
    pub title: String,
    pub grade: Grade,
    pub summary: String,
    /// The whole answer as plain text (summary, myth, graded claims with citation markers).
    pub text: String,
    pub claims: Vec<AnswerClaim>,
    pub citations: Vec<Citation>,
    /// Retrieval confidence; comparable only within one query.
    pub score: f32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnswerClaim {
    pub text: String,
    pub grade: Grade,
    /// Citation numbers (`Citation::n`).
    pub sources: Vec<usize>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Citation {
    /// 1-based, in order of first use in the answer.
    pub n: usize,
    pub id: String,
    pub title: String,
    pub kind: SourceKind,
    pub year: u16,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suggestion {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RedFlagHit {
    /// The rule id from `faq/redflags.toml`.
    pub id: String,
    pub tier: Tier,
    pub label: String,
    /// The words of the message that triggered the rule.
    pub matched: String,
    pub message: String,
    /// The symptom is someone else's (a friend, a partner, a child). `message` still speaks
    /// to "you"; renderers add `SOMEONE_ELSE_NOTE` when every hit is about someone else.
    pub about_someone_else: bool,
}

/// Under a warning about someone else only. Rule messages are written to the person with the
/// symptom; one shared line passes them on instead of a third-person copy of every message.
pub const SOMEONE_ELSE_NOTE: &str = "You described this for someone else: the same advice applies to them — please encourage them to get seen.";

impl Reply {
    /// The tier of the warning to show, if any: the highest of all matched rules.
    pub fn warning_tier(&self) -> Option<Tier> {
        self.red_flags.iter().map(|h| h.tier).max()
    }

    /// An emergency warning stands alone: no FAQ answer may distract from it.
    pub fn shows_answer(&self) -> bool {
        self.warning_tier() != Some(Tier::Emergency)
    }

    /// The line to add to the warning, if any: only when every hit is someone else's, since a
    /// writer with an alarm of their own must read the advice as theirs.
    pub fn someone_else_note(&self) -> Option<&'static str> {
        let all_others =
            !self.red_flags.is_empty() && self.red_flags.iter().all(|h| h.about_someone_else);
        all_others.then_some(SOMEONE_ELSE_NOTE)
    }
}
