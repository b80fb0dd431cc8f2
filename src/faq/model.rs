//! The typed FAQ: what moderators write in `faq/`, after parsing.
//!
//! These types mirror the TOML files one to one. Unknown keys are rejected by the loader
//! (`TomlFile::parse` reports every one of them), so a typo in a key name is an error a
//! moderator sees, not a field silently ignored.

use serde::{Deserialize, Serialize};

use super::date::Date;

/// Strength of evidence behind a claim or an entry (DESIGN.md section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    Strong,
    Moderate,
    Emerging,
    Insufficient,
    Guideline,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Strong => "strong",
            Grade::Moderate => "moderate",
            Grade::Emerging => "emerging",
            Grade::Insufficient => "insufficient",
            Grade::Guideline => "guideline",
        }
    }

    /// How an answer words a claim of this grade, for people who do not read evidence tables.
    pub fn plain_words(self) -> &'static str {
        match self {
            Grade::Strong => "strong evidence",
            Grade::Moderate => "moderate evidence: probably true, with limitations",
            Grade::Emerging => "early evidence: small or inconsistent studies",
            Grade::Insufficient => "unproven: no good human evidence",
            Grade::Guideline => "clinical guidance",
        }
    }

    /// A five-step meter (filled squares) for places that show the grade at a glance.
    /// Guidance is not graded evidence, so it gets its own mark instead of a level.
    pub fn meter(self) -> &'static str {
        match self {
            Grade::Strong => "■■■■",
            Grade::Moderate => "■■■□",
            Grade::Emerging => "■■□□",
            Grade::Insufficient => "■□□□",
            Grade::Guideline => "§",
        }
    }
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One FAQ entry: `faq/entries/<id>.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    /// How people really ask: each one is indexed as its own document.
    pub questions: Vec<String>,
    /// How people ask it in chat (long, misspelt, sideways): read by the meaning layer only,
    /// so chat filler never becomes a search word or an anchor.
    #[serde(default)]
    pub asked: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub grade: Grade,
    pub summary: String,
    #[serde(default)]
    pub myth: Option<String>,
    pub reviewed: Date,
    #[serde(default)]
    pub related: Vec<String>,
    // Defaulted so an entry without claims gets check's specific message, not serde's.
    #[serde(default)]
    pub claims: Vec<Claim>,
}

impl Entry {
    /// Title first, then every listed phrasing: the texts retrieval must map to this entry.
    pub fn phrasings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.title.as_str()).chain(self.questions.iter().map(String::as_str))
    }

    /// What the meaning layer compares a message with: the phrasings, then the chat lines.
    pub fn meaning_phrasings(&self) -> impl Iterator<Item = &str> {
        self.phrasings()
            .chain(self.asked.iter().map(String::as_str))
    }

    /// Every phrasing and chat line with the key path it was written at (`title`,
    /// `questions[3]`, `asked[0]`), for diagnostics that point at one of them.
    pub fn keyed_phrasings(&self) -> impl Iterator<Item = (String, &str)> {
        fn keyed<'a>(
            field: &'static str,
            list: &'a [String],
        ) -> impl Iterator<Item = (String, &'a str)> + 'a {
            list.iter()
                .enumerate()
                .map(move |(i, q)| (format!("{field}[{i}]"), q.as_str()))
        }
        std::iter::once(("title".to_string(), self.title.as_str()))
            .chain(keyed("questions", &self.questions))
            .chain(keyed("asked", &self.asked))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claim {
    pub text: String,
    pub grade: Grade,
    pub sources: Vec<String>,
    /// A short kebab-case key naming the finding this claim restates, for findings that several
    /// entries repeat ("barrier-repair-cures-nothing"). Claims that restate one finding from one
    /// source must carry one grade; `gutcheck check` warns when they do not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
}

/// What kind of publication a source is; shown beside every citation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Guideline,
    MetaAnalysis,
    SystematicReview,
    NarrativeReview,
    PrimaryStudy,
    ConsumerHealth,
    ExpertOpinion,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Guideline => "guideline",
            SourceKind::MetaAnalysis => "meta-analysis",
            SourceKind::SystematicReview => "systematic review",
            SourceKind::NarrativeReview => "review",
            SourceKind::PrimaryStudy => "study",
            SourceKind::ConsumerHealth => "consumer page",
            SourceKind::ExpertOpinion => "expert opinion",
        }
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `faq/sources.toml`: the citation registry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SourcesFile {
    #[serde(default, rename = "source")]
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub authors: String,
    pub publisher: String,
    pub year: u16,
    pub kind: SourceKind,
    #[serde(default)]
    pub doi: Option<String>,
    pub url: String,
    /// A moderator-facing caveat; never shown to users as if it were the source's words.
    #[serde(default)]
    pub note: Option<String>,
}

/// `faq/synonyms.toml`: query-time vocabulary. Each group lists terms people use for one idea;
/// a message containing any of them also searches for the others (multi-word terms too).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SynonymsFile {
    #[serde(default, rename = "group")]
    pub groups: Vec<SynonymGroup>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SynonymGroup {
    pub terms: Vec<String>,
}
