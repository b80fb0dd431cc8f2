//! The retrieval evaluation: a labelled set of chat messages, each with the entry it should get
//! or `-` for out of scope, scored for precision of answers and share of in-scope messages
//! answered. `tests/retrieval_eval.rs` asserts the figures; `gutcheck eval` prints them.

use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// 1-based line in the file.
    pub line: usize,
    /// `None`: out of scope, the right reply is no answer.
    pub expected: Option<String>,
    pub message: String,
}

/// Reads `expected<TAB>message` lines; `#` starts a comment line, blank lines are skipped, and
/// `\n` in a message stands for a line break (chat messages span lines; quoted lines matter).
pub fn parse(text: &str) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((expected, message)) = line.split_once('\t') else {
            return Err(format!(
                "line {}: expected `entry-id<TAB>message` or `-<TAB>message`",
                i + 1
            ));
        };
        let expected = expected.trim();
        cases.push(Case {
            line: i + 1,
            expected: (expected != "-").then(|| expected.to_string()),
            message: message.replace("\\n", "\n"),
        });
    }
    Ok(cases)
}

pub fn load(path: &Path) -> Result<Vec<Case>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub case: Case,
    pub answered: Option<String>,
    /// "Did you mean" entries offered instead of an answer.
    pub suggested: Vec<String>,
}

/// What a reply did with one message: the entry answered, and the entries suggested.
pub type Verdict = (Option<String>, Vec<String>);

impl Outcome {
    pub fn is_wrong_answer(&self) -> bool {
        self.answered.is_some() && self.answered != self.case.expected
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
}

impl Report {
    pub fn run(cases: &[Case], reply: impl Fn(&str) -> Verdict) -> Report {
        Report {
            outcomes: cases
                .iter()
                .map(|c| {
                    let (answered, suggested) = reply(&c.message);
                    Outcome {
                        case: c.clone(),
                        answered,
                        suggested,
                    }
                })
                .collect(),
        }
    }

    pub fn in_scope(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.case.expected.is_some())
            .count()
    }

    pub fn out_of_scope(&self) -> usize {
        self.outcomes.len() - self.in_scope()
    }

    pub fn answered(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.answered.is_some())
            .count()
    }

    pub fn correct(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.answered.is_some() && o.answered == o.case.expected)
            .count()
    }

    /// Share of answers that were the expected entry (an answer to an out-of-scope message is
    /// wrong). 1 when nothing was answered.
    pub fn precision(&self) -> f64 {
        ratio(self.correct(), self.answered())
    }

    /// Share of in-scope messages that got an answer (right or wrong).
    pub fn answered_in_scope(&self) -> f64 {
        let answered = self
            .outcomes
            .iter()
            .filter(|o| o.case.expected.is_some() && o.answered.is_some())
            .count();
        ratio(answered, self.in_scope())
    }

    /// Share of out-of-scope messages left unanswered.
    pub fn out_of_scope_abstained(&self) -> f64 {
        let abstained = self
            .outcomes
            .iter()
            .filter(|o| o.case.expected.is_none() && o.answered.is_none())
            .count();
        ratio(abstained, self.out_of_scope())
    }

    pub fn summary(&self) -> String {
        let unanswered: Vec<&Outcome> = self
            .outcomes
            .iter()
            .filter(|o| o.case.expected.is_some() && o.answered.is_none())
            .collect();
        let suggested_right = unanswered
            .iter()
            .filter(|o| {
                o.case
                    .expected
                    .as_ref()
                    .is_some_and(|e| o.suggested.contains(e))
            })
            .count();
        let out_of_scope = self.outcomes.iter().filter(|o| o.case.expected.is_none());
        let out_of_scope_abstained = out_of_scope
            .clone()
            .filter(|o| o.answered.is_none())
            .count();
        let out_of_scope_suggested = out_of_scope.filter(|o| !o.suggested.is_empty()).count();
        format!(
            "{} messages ({} in scope, {} out of scope)\n\
             precision of answers:      {:.1}% ({} of {} answers right)\n\
             in-scope answered:         {:.1}% ({} of {})\n\
             out-of-scope abstained:    {:.1}% ({} of {})\n\
             unanswered in-scope messages with the right entry suggested: {} of {}\n\
             out-of-scope messages given suggestions: {} of {}",
            self.outcomes.len(),
            self.in_scope(),
            self.out_of_scope(),
            self.precision() * 100.0,
            self.correct(),
            self.answered(),
            self.answered_in_scope() * 100.0,
            self.in_scope() - unanswered.len(),
            self.in_scope(),
            self.out_of_scope_abstained() * 100.0,
            out_of_scope_abstained,
            self.out_of_scope(),
            suggested_right,
            unanswered.len(),
            out_of_scope_suggested,
            self.out_of_scope(),
        )
    }

    /// Wrong answers, then unanswered in-scope messages, one per line with the file line.
    pub fn misses(&self) -> String {
        let mut t = String::new();
        for o in self.outcomes.iter().filter(|o| o.is_wrong_answer()) {
            let _ = writeln!(
                t,
                "line {}: WRONG {} (expected {}): {}",
                o.case.line,
                o.answered.as_deref().unwrap_or("-"),
                o.case.expected.as_deref().unwrap_or("-"),
                o.case.message
            );
        }
        for o in self
            .outcomes
            .iter()
            .filter(|o| o.case.expected.is_some() && o.answered.is_none())
        {
            let suggested = if o.suggested.is_empty() {
                "nothing".to_string()
            } else {
                o.suggested.join(", ")
            };
            let _ = writeln!(
                t,
                "line {}: abstained (expected {}; suggested {suggested}): {}",
                o.case.line,
                o.case.expected.as_deref().unwrap_or("-"),
                o.case.message
            );
        }
        t
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_scores() {
        let cases = parse("# c\nzinc\tzinc ok?\n-\thello\n\nzinc\tzinc?\n").unwrap();
        assert_eq!(cases.len(), 3);
        assert_eq!(parse("-\t> a\\nb").unwrap()[0].message, "> a\nb");
        assert_eq!(cases[1].expected, None);
        let r = Report::run(&cases, |m| match m {
            "zinc ok?" | "hello" => (Some("zinc".into()), Vec::new()),
            _ => (None, vec!["zinc".into()]),
        });
        assert!(r.summary().contains("right entry suggested: 1 of 1"));
        assert_eq!((r.answered(), r.correct()), (2, 1));
        assert!((r.precision() - 0.5).abs() < 1e-9);
        assert!((r.answered_in_scope() - 0.5).abs() < 1e-9);
        assert!(parse("no tab here").is_err());
    }
}
