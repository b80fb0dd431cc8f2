//! `faq/redflags.toml`: the alarm-symptom rules that triage matches (DESIGN.md section 4).
//!
//! A rule is data a moderator can review: trigger patterns (see `triage::pattern` for the
//! phrase language), what makes a match not count (`exclude`, `explained_by`), what it needs
//! before it counts (`require_any`, `min_days`), and when it escalates to a higher tier.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::diagnostic::{Diagnostics, TomlFile};
use super::validate::{Limits, check_text, is_kebab_id};
use crate::triage::pattern;

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
    /// Named word lists (`stool = ["stool", "stools", "poo", ...]`), used in patterns as
    /// `@stool`, so one list of chat spellings serves every rule and each pattern stays
    /// readable.
    #[serde(default)]
    pub words: BTreeMap<String, Vec<String>>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RedFlagRule>,
}

impl RedFlagsFile {
    /// The rules with every `@name` replaced by its word list: what triage compiles. A
    /// pattern that does not expand is kept as written; `validate` reports it.
    pub fn expanded_rules(&self) -> Vec<RedFlagRule> {
        let expand = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|p| expand_words(p, &self.words).unwrap_or_else(|_| p.clone()))
                .collect()
        };
        self.rules
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.patterns = expand(&r.patterns);
                r.exclude = expand(&r.exclude);
                r.explained_by = expand(&r.explained_by);
                r.unexplained = expand(&r.unexplained);
                r.age_cues = expand(&r.age_cues);
                r.require_any = expand(&r.require_any);
                r.falling = expand(&r.falling);
                r.falling_verbs = expand(&r.falling_verbs);
                if let Some(e) = &mut r.escalate {
                    e.when = expand(&e.when);
                }
                r
            })
            .collect()
    }
}

/// Replaces each `@name` choice in a pattern with the words listed under `name`.
pub fn expand_words(
    pattern: &str,
    words: &BTreeMap<String, Vec<String>>,
) -> Result<String, String> {
    if !pattern.contains('@') {
        return Ok(pattern.to_string());
    }
    let mut parts = Vec::new();
    for part in pattern.split_whitespace() {
        let (open, body, close) = match part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
            Some(inner) => ("[", inner, "]"),
            None => ("", part, ""),
        };
        let mut alts = Vec::new();
        for alt in body.split('|') {
            match alt.strip_prefix('@') {
                Some(name) => {
                    let list = words.get(name).ok_or_else(|| {
                        format!("`@{name}` is not a word list: add `{name} = [...]` under [words]")
                    })?;
                    alts.extend(list.iter().cloned());
                }
                None => alts.push(alt.to_string()),
            }
        }
        parts.push(format!("{open}{}{close}", alts.join("|")));
    }
    Ok(parts.join(" "))
}

/// Longest duration threshold a rule may ask for: ten years.
pub const MAX_MIN_DAYS: u32 = 3650;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlagRule {
    pub id: String,
    pub tier: Tier,
    pub label: String,
    /// Trigger phrases, matched on the normalised words of one sentence.
    pub patterns: Vec<String>,
    /// Sentences in chat words that mean this alarm. With the embedding model loaded, a
    /// message's sentence close enough in meaning to one of them is a trigger too, judged by
    /// the same context checks as a pattern's (`triage::meaning`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
    pub message: String,
    #[serde(default)]
    pub sources: Vec<String>,
    /// Why the rule cites no source (required when `sources` is empty), for moderators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default)]
    pub subject: Subject,
    /// Phrases that, overlapping a trigger, mean the words are used in another sense
    /// ("blood test", "swallow my pride").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Phrases anywhere in the message (not negated) that explain the symptom ("trying to
    /// lose weight", "iron tablets"). An explanation sets aside the rule's own tier only: an
    /// escalation still fires, and so does a message that also says what the explanation
    /// does not cover (`unexplained`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explained_by: Vec<String>,
    /// Phrases anywhere in the message (not negated) that keep the rule firing whatever
    /// explains it: the part the explanation leaves open ("without trying", "eating normally").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unexplained: Vec<String>,
    /// The rule counts only when the message states an age of at least this ("I'm 56",
    /// "56 yo", "my mum (62)", "in my 60s"), or has one of `age_cues`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<u32>,
    /// Phrases that stand for being at least `min_age` ("menopause", "retired").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub age_cues: Vec<String>,
    /// When set (with or without `min_days`), a trigger counts only if its sentence or the
    /// next one also contains one of these (not negated), or a long enough duration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require_any: Vec<String>,
    /// A stated duration of at least this many days ("6 weeks", "over a month") satisfies the
    /// requirement above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_days: Option<u32>,
    /// Units (one pattern word each, `@name` allowed) in which a fall stated in numbers
    /// triggers the rule like a pattern: "from 70kg to 62kg", "80 kg down to 72".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub falling: Vec<String>,
    /// Verbs (one pattern word each) that make a fall with no unit count too, when one stands
    /// just before "from" and opens the sentence or follows a subject pronoun: "dropped from
    /// 68 to 61", "she's lost from 70 to 64". Both numbers must be a plausible body weight.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub falling_verbs: Vec<String>,
    /// A higher tier when a sentence from the one before the trigger's to three after it says it
    /// is worse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate: Option<Escalation>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    pub tier: Tier,
    pub when: Vec<String>,
    pub message: String,
}

/// Oldest age a rule may ask for.
pub const MAX_AGE: u32 = 110;

/// A warning says as much as its tier: the heading above it says "emergency care now",
/// "today" or "book an appointment", and a message that says less (a pharmacist, "soon" for an
/// urgent rule) would contradict it. Checked on the words every tier's message must carry.
fn check_tier_wording(
    toml: &TomlFile,
    path: &str,
    tier: Tier,
    message: &str,
    out: &mut Diagnostics,
) {
    let lower = message.to_lowercase();
    if lower.trim().is_empty() {
        return; // reported as empty already
    }
    let missing = match tier {
        Tier::Emergency => (!lower.contains("emergency")).then_some("say \"emergency\""),
        Tier::Urgent => (!lower.contains("today")).then_some("say \"today\""),
        Tier::Soon => None,
    };
    if let Some(what) = missing {
        out.push(toml.error(
            path,
            format!("a message for tier `{tier}` must {what}, as its heading does"),
        ));
    }
    if tier >= Tier::Urgent && lower.contains("pharmacist") {
        out.push(toml.error(
            path,
            format!("a message for tier `{tier}` must not send someone to a pharmacist: they cannot examine or treat it"),
        ));
    }
}

/// Longest pattern as written (before `@name` expansion). Patterns are never shown on
/// Discord, so this is a readability limit: past it, make a word list.
pub const PATTERN_MAX: usize = 200;

fn check_patterns(
    toml: &TomlFile,
    words: &BTreeMap<String, Vec<String>>,
    at: &dyn Fn(&str) -> String,
    key: &str,
    what: &str,
    list: &[String],
    out: &mut Diagnostics,
) {
    let mut seen = std::collections::HashSet::new();
    for (j, text) in list.iter().enumerate() {
        let path = at(&format!("{key}[{j}]"));
        if text.trim().is_empty() {
            out.push(toml.error(&path, format!("{what} is empty")));
            continue;
        }
        let chars = text.chars().count();
        if chars > PATTERN_MAX {
            out.push(toml.error(
                &path,
                format!(
                    "{what} is {chars} characters (at most {PATTERN_MAX}): move long word choices into a [words] list"
                ),
            ));
        }
        match expand_words(text, words) {
            Err(e) => out.push(toml.error(&path, format!("{what} `{text}`: {e}"))),
            Ok(expanded) => {
                if let Err(e) = pattern::parse(&expanded) {
                    out.push(toml.error(&path, format!("{what} `{text}`: {e}")));
                }
                if let Some(word) = pattern::repeated_choice(text) {
                    out.push(toml.error(&path, split_phrase_advice(what, text, &word)));
                }
            }
        }
        let norm = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if !seen.insert(norm) {
            out.push(toml.error(&path, format!("{what} `{text}` is listed twice")));
        }
    }
}

/// `repeated_choice`'s finding, said so a moderator can fix it.
pub fn split_phrase_advice(what: &str, text: &str, word: &str) -> String {
    format!(
        "{what} `{text}` offers `{word}` in two word choices: alternatives are single words, so \
         `a b|c d` reads as `a`, then `b|c`, then `d`; write each phrase as its own {what}"
    )
}

/// Checks what serde cannot: empty texts, lengths, duplicate ids and patterns, pattern syntax,
/// source ids, and that escalations and durations make sense.
pub fn validate(
    file: &RedFlagsFile,
    toml: &TomlFile,
    known_sources: &dyn Fn(&str) -> bool,
    out: &mut Diagnostics,
) {
    for (name, list) in &file.words {
        let at = |j: usize| format!("words.{name}[{j}]");
        if !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') || name.is_empty() {
            out.push(toml.error(
                &format!("words.{name}"),
                format!("word list name `{name}` must be lower-case letters and `_`"),
            ));
        }
        if list.is_empty() {
            out.push(toml.error(
                &format!("words.{name}"),
                format!("word list `{name}` is empty"),
            ));
        }
        for (j, word) in list.iter().enumerate() {
            let single = !word.contains(|c: char| c.is_whitespace() || "|[]@".contains(c));
            match pattern::parse(word) {
                Ok(_) if single => {}
                Ok(_) => out.push(toml.error(
                    &at(j),
                    format!("`{word}` in word list `{name}`: one word (or `prefix*`) per item"),
                )),
                Err(e) => {
                    out.push(toml.error(&at(j), format!("`{word}` in word list `{name}`: {e}")))
                }
            }
        }
    }
    let words = &file.words;
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
        if !rule.id.is_empty() && !is_kebab_id(&rule.id) {
            out.push(toml.error(
                &at("id"),
                format!(
                    "rule id `{}` must be lower-case words joined by `-`",
                    rule.id
                ),
            ));
        }
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
        check_patterns(toml, words, &at, "patterns", "pattern", &rule.patterns, out);
        check_examples(toml, &at("examples"), &rule.examples, out);
        check_patterns(toml, words, &at, "exclude", "exclusion", &rule.exclude, out);
        check_patterns(
            toml,
            words,
            &at,
            "explained_by",
            "explanation",
            &rule.explained_by,
            out,
        );
        check_patterns(
            toml,
            words,
            &at,
            "unexplained",
            "unexplained phrase",
            &rule.unexplained,
            out,
        );
        check_patterns(toml, words, &at, "age_cues", "age cue", &rule.age_cues, out);
        if let Some(age) = rule.min_age
            && !(1..=MAX_AGE).contains(&age)
        {
            out.push(toml.error(
                &at("min_age"),
                format!("min_age is {age}; use 1 to {MAX_AGE}"),
            ));
        }
        if !rule.age_cues.is_empty() && rule.min_age.is_none() {
            out.push(toml.error(
                &at("age_cues"),
                "age_cues stand for `min_age`: set min_age too",
            ));
        }
        if !rule.unexplained.is_empty() && rule.explained_by.is_empty() {
            out.push(toml.error(
                &at("unexplained"),
                "`unexplained` only matters with `explained_by`: add explanations or remove it",
            ));
        }
        check_tier_wording(toml, &at("message"), rule.tier, &rule.message, out);
        check_patterns(
            toml,
            words,
            &at,
            "require_any",
            "requirement",
            &rule.require_any,
            out,
        );
        check_patterns(toml, words, &at, "falling", "unit", &rule.falling, out);
        check_patterns(
            toml,
            words,
            &at,
            "falling_verbs",
            "verb",
            &rule.falling_verbs,
            out,
        );
        if let Some(days) = rule.min_days
            && !(1..=MAX_MIN_DAYS).contains(&days)
        {
            out.push(toml.error(
                &at("min_days"),
                format!("min_days is {days}; use 1 to {MAX_MIN_DAYS}"),
            ));
        }
        if let Some(esc) = &rule.escalate {
            if esc.tier <= rule.tier {
                out.push(toml.error(
                    &at("escalate.tier"),
                    format!(
                        "escalation tier `{}` must be higher than the rule's tier `{}`",
                        esc.tier, rule.tier
                    ),
                ));
            }
            if esc.when.is_empty() {
                out.push(toml.error(&at("escalate.when"), "escalation has no `when` phrases"));
            }
            let esc_at = |key: &str| at(&format!("escalate.{key}"));
            check_patterns(
                toml,
                words,
                &esc_at,
                "when",
                "escalation phrase",
                &esc.when,
                out,
            );
            check_tier_wording(toml, &at("escalate.message"), esc.tier, &esc.message, out);
            check_text(
                toml,
                &at("escalate.message"),
                "escalation message",
                &esc.message,
                Limits::WARNING,
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
        match &rule.note {
            Some(note) => check_text(toml, &at("note"), "rule note", note, Limits::SUMMARY, out),
            None if rule.sources.is_empty() => out.push(toml.error(
                &at("id"),
                format!(
                    "rule `{}` cites no source: cite one from sources.toml, or say in `note` why none applies",
                    rule.id
                ),
            )),
            None => {}
        }
    }
}

/// The longest example sentence: one sentence of chat, which is what it is compared with.
pub const MAX_EXAMPLE_CHARS: usize = 200;

fn check_examples(toml: &TomlFile, key_path: &str, examples: &[String], out: &mut Diagnostics) {
    for (i, example) in examples.iter().enumerate() {
        let at = format!("{key_path}[{i}]");
        let chars = example.chars().count();
        if example.trim().is_empty() {
            out.push(toml.error(&at, "example is empty"));
        } else if chars > MAX_EXAMPLE_CHARS {
            out.push(toml.error(
                &at,
                format!(
                    "example is {chars} characters; keep it to one sentence of at most \
                     {MAX_EXAMPLE_CHARS} (a message is compared sentence by sentence)"
                ),
            ));
        }
    }
}
