//! Scoring on a labelled chat set in the dev set's JSONL format (`../shared/eval/dev-chat.jsonl`):
//! one object a line, `{"kind": answer|abstain|flag|noflag, "text", "expect": [[stem, ...]],
//! "tier"}`. The rules are those of `../shared/eval/score.py`, so `gutcheck eval FILE.jsonl`
//! and the script print the same figures:
//! - `answer`: right when the answer's title, summary, text and claims contain a stem from every
//!   `expect` group; wrong when another answer is given; abstained when there is no answer.
//! - `abstain`: right when there is no answer. `flag`: right when a red flag fires, and the
//!   highest tier is at least the expected one. `noflag`: right when no red flag fires.

use std::fmt;

use serde::Deserialize;

use crate::faq::Tier;
use crate::reply::{Answer, Reply};

#[derive(Debug, Clone, Deserialize)]
pub struct ChatCase {
    pub kind: Kind,
    pub text: String,
    #[serde(default)]
    pub expect: Vec<Vec<String>>,
    #[serde(default)]
    pub tier: Option<Tier>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Answer,
    Abstain,
    Flag,
    Noflag,
}

/// Parses the set; an error names the line.
pub fn parse(text: &str) -> Result<Vec<ChatCase>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| {
                format!(
                    "line {}: {e}; expected {{\"kind\": \"answer\"|\"abstain\"|\"flag\"|\"noflag\", \"text\": ..., \"expect\": [[...]], \"tier\": ...}}",
                    i + 1
                )
            })
        })
        .collect()
}

/// Counts per kind, as score.py keeps them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ChatReport {
    pub answer_right: usize,
    pub answer_wrong: usize,
    pub answer_abstained: usize,
    pub abstain_right: usize,
    pub abstain_wrong: usize,
    pub flag_caught: usize,
    pub flag_missed: usize,
    /// Caught flags with an expected tier: at least as high, lower.
    pub tier_high_enough: usize,
    pub tier_too_low: usize,
    pub noflag_silent: usize,
    pub noflag_fired: usize,
}

impl ChatReport {
    pub fn run(cases: &[ChatCase], reply: impl Fn(&str) -> Reply) -> ChatReport {
        let mut r = ChatReport::default();
        for case in cases {
            r.add(case, &reply(&case.text));
        }
        r
    }

    fn add(&mut self, case: &ChatCase, reply: &Reply) {
        let flagged = !reply.red_flags.is_empty();
        match case.kind {
            Kind::Answer => match &reply.answer {
                None => self.answer_abstained += 1,
                Some(a) if contains_expected(a, &case.expect) => self.answer_right += 1,
                Some(_) => self.answer_wrong += 1,
            },
            Kind::Abstain if reply.answer.is_none() => self.abstain_right += 1,
            Kind::Abstain => self.abstain_wrong += 1,
            Kind::Flag if flagged => {
                self.flag_caught += 1;
                if let Some(expected) = case.tier {
                    let highest = reply.red_flags.iter().map(|f| f.tier).max();
                    if highest.is_some_and(|t| t >= expected) {
                        self.tier_high_enough += 1;
                    } else {
                        self.tier_too_low += 1;
                    }
                }
            }
            Kind::Flag => self.flag_missed += 1,
            Kind::Noflag if flagged => self.noflag_fired += 1,
            Kind::Noflag => self.noflag_silent += 1,
        }
    }
}

fn contains_expected(answer: &Answer, expect: &[Vec<String>]) -> bool {
    let mut blob = [&answer.title, &answer.text, &answer.summary]
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    for claim in &answer.claims {
        blob.push(' ');
        blob.push_str(&claim.text);
    }
    let blob = blob.to_lowercase();
    expect
        .iter()
        .all(|group| group.iter().any(|stem| blob.contains(&stem.to_lowercase())))
}

fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        "n/a".to_string()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

impl fmt::Display for ChatReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let answers = self.answer_right + self.answer_wrong + self.answer_abstained;
        write!(
            f,
            "answered right {} (wrong {}, abstained {}) | off-topic abstained {} | red flags caught {} \
             (tier at least as high {}) | negated/benign left alone {}",
            pct(self.answer_right, answers),
            pct(self.answer_wrong, answers),
            pct(self.answer_abstained, answers),
            pct(self.abstain_right, self.abstain_right + self.abstain_wrong),
            pct(self.flag_caught, self.flag_caught + self.flag_missed),
            pct(
                self.tier_high_enough,
                self.tier_high_enough + self.tier_too_low
            ),
            pct(self.noflag_silent, self.noflag_silent + self.noflag_fired),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_dev_set_format_and_names_a_bad_line() {
        let cases = parse(
            r#"{"kind": "answer", "topic": "x", "text": "is it real", "expect": [["permeab"], ["diagnos", "recogni"]]}
{"kind": "flag", "text": "blood", "tier": "urgent"}

{"kind": "noflag", "text": "no blood"}"#,
        )
        .unwrap();
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[1].tier, Some(Tier::Urgent));
        let err = parse("{\"kind\": \"maybe\", \"text\": \"x\"}").unwrap_err();
        assert!(err.starts_with("line 1:"), "{err}");
    }

    #[test]
    fn formats_like_score_py() {
        let r = ChatReport {
            answer_right: 3,
            answer_wrong: 1,
            abstain_right: 1,
            flag_caught: 1,
            tier_high_enough: 1,
            ..ChatReport::default()
        };
        assert_eq!(
            r.to_string(),
            "answered right 75% (wrong 25%, abstained 0%) | off-topic abstained 100% | red flags caught 100% \
             (tier at least as high 100%) | negated/benign left alone n/a"
        );
    }
}
