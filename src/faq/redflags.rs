//! `faq/redflags.toml`: the alarm-symptom rules that triage matches (DESIGN.md section 4).

use serde::{Deserialize, Serialize};

use super::diagnostic::{Diagnostics, TomlFile};
use super::validate::{Limits, check_text};

/// How soon someone should act. Ordered so that a higher tier compares greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Book an appointment with a clinician.
    Soon,
    /// Be seen the same day.
    Urgent,
    /// Seek emergency care now.
    Emergency,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Soon => "soon",
            Tier::Urgent => "urgent",
            Tier::Emergency => "emergency",
        }
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whose symptom a rule is about. Family-history rules fire on other people's conditions;
/// every other rule only on the writer's own symptoms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    #[default]
    Writer,
    Family,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlagsFile {
    #[serde(default, rename = "rule")]
    pub rules: Vec<RedFlagRule>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlagRule {
    pub id: String,
    pub tier: Tier,
    pub label: String,
    /// Trigger phrases, matched on word boundaries after the message is normalised.
    pub patterns: Vec<String>,
    pub message: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub subject: Subject,
}

/// Checks what serde cannot: empty texts, lengths, duplicate ids and patterns, source ids.
pub fn validate(
    file: &RedFlagsFile,
    toml: &TomlFile,
    known_sources: &dyn Fn(&str) -> bool,
    out: &mut Diagnostics,
) {
    let mut seen_ids = std::collections::HashMap::new();
    for (i, rule) in file.rules.iter().enumerate() {
        let at = |key: &str| format!("rule[{i}].{key}");
        if let Some(first) = seen_ids.insert(rule.id.as_str(), i) {
            out.push(toml.error(
                &at("id"),
                format!(
                    "duplicate rule id `{}` (first used by rule {})",
                    rule.id,
                    first + 1
                ),
            ));
        }
        check_text(toml, &at("id"), "rule id", &rule.id, Limits::ID, out);
        check_text(
            toml,
            &at("label"),
            "rule label",
            &rule.label,
            Limits::LABEL,
            out,
        );
        check_text(
            toml,
            &at("message"),
            "rule message",
            &rule.message,
            Limits::WARNING,
            out,
        );
        if rule.patterns.is_empty() {
            out.push(toml.error(
                &at("patterns"),
                format!("rule `{}` has no patterns", rule.id),
            ));
        }
        for (j, pattern) in rule.patterns.iter().enumerate() {
            check_text(
                toml,
                &at(&format!("patterns[{j}]")),
                "pattern",
                pattern,
                Limits::PHRASE,
                out,
            );
        }
        for (j, source) in rule.sources.iter().enumerate() {
            if !known_sources(source) {
                out.push(toml.error(
                    &at(&format!("sources[{j}]")),
                    format!("unknown source id `{source}`: add it to sources.toml or fix the id"),
                ));
            }
        }
    }
}
