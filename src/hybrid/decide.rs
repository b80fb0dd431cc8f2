//! Answer, suggest or abstain from both signals. Each path is a named rule, so `gutcheck why`
//! can say which one decided.
//!
//! The lexical signals are normalised (coverage and margin, see `search::decide`); the
//! semantic ones are cosines, which all-MiniLM-L6-v2 keeps on one scale across messages.

use crate::search::{Decision, Retrieval, Thresholds};

use super::SemanticRanking;

/// Which rule made the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The lexical engine alone was sure, and the model did not contradict it.
    LexicalConfident,
    /// The model alone was sure: close to one entry's phrasing and clearly ahead of the rest.
    SemanticConfident,
    /// The model alone, less close to one entry's phrasing but far ahead of the rest.
    SemanticLead,
    /// Both put the same entry first, each with moderate confidence.
    BothAgree,
    /// The message names one entry's subject and no other's, and the model puts it near.
    Anchored,
    /// The words were sure of one entry, the model vetoed it and is itself sure of another.
    MeaningOverWords,
    /// The lexical engine was sure but the model found the message far from that entry, or
    /// clearly closer to another.
    SemanticVeto,
    /// The message is closer in meaning to a question the FAQ does not answer
    /// (`faq/out_of_scope.toml`) than to the entry it would have had.
    OutOfScope,
    /// Neither was sure enough: near entries are offered.
    Suggest,
    /// Nothing was close.
    Nothing,
}

impl Rule {
    pub fn describe(self) -> &'static str {
        match self {
            Rule::LexicalConfident => "the words match one entry well and the model agrees",
            Rule::SemanticConfident => "the meaning is close to one entry and clearly ahead",
            Rule::SemanticLead => "the meaning is near one entry and far ahead of every other",
            Rule::BothAgree => "words and meaning both point to the same entry",
            Rule::Anchored => {
                "the message names this entry's subject alone, and the meaning is near"
            }
            Rule::MeaningOverWords => {
                "the words point to another entry, but the meaning is close to this one and clearly ahead"
            }
            Rule::SemanticVeto => {
                "the words match one entry but the meaning is far from it, or closer to another"
            }
            Rule::OutOfScope => {
                "the meaning is closer to a question this FAQ does not answer than to any entry"
            }
            Rule::Suggest => "no entry is sure enough: suggestions",
            Rule::Nothing => "nothing is close",
        }
    }
}

/// How many of the model's closest entries an anchored entry must be among.
const ANCHOR_RANK: usize = 1;

/// Decides from the lexical retrieval, the entry its words alone name (`anchor`), and, when
/// the model ran, the semantic ranking. Whatever the rule, a message whose meaning is closer
/// to an out-of-scope example than to the entry it would get (or, for suggestions, to the
/// model's first entry) gets nothing.
pub fn decide(
    lexical: &Retrieval,
    anchored: Option<usize>,
    semantic: Option<&SemanticRanking>,
    th: &Thresholds,
) -> (Decision, Rule) {
    let (decision, rule) = decide_in_scope(lexical, anchored, semantic, th);
    let Some(semantic) = semantic else {
        return (decision, rule);
    };
    let outside = match &decision {
        Decision::Answer(entry) => semantic.out_of_scope_over(*entry),
        Decision::Suggest(_) => semantic
            .top()
            .is_some_and(|top| semantic.out_of_scope_over(top.entry)),
        Decision::Nothing => false,
    };
    if outside {
        (Decision::Nothing, Rule::OutOfScope)
    } else {
        (decision, rule)
    }
}

fn decide_in_scope(
    lexical: &Retrieval,
    anchored: Option<usize>,
    semantic: Option<&SemanticRanking>,
    th: &Thresholds,
) -> (Decision, Rule) {
    let lexical_sure = lexical
        .top()
        .filter(|top| top.coverage >= th.min_coverage && lexical.margin() >= th.min_margin);
    let Some(semantic) = semantic else {
        return lexical_only(lexical, th, lexical_sure.is_some());
    };
    let best_cosine = semantic.top().map_or(0.0, |s| s.cosine);
    if let Some(top) = lexical_sure
        && semantic.cosine_of(top.entry) >= th.semantic_veto
        && semantic.cosine_of(top.entry) >= best_cosine - th.semantic_disagreement
    {
        return (Decision::Answer(top.entry), Rule::LexicalConfident);
    }
    if let Some(s) = semantic.top()
        && s.cosine >= th.semantic_answer
        && semantic.margin() >= th.semantic_margin
    {
        return (Decision::Answer(s.entry), Rule::SemanticConfident);
    }
    // When the words were sure of an entry the model vetoed, `MeaningOverWords` decides.
    if lexical_sure.is_none()
        && let Some(s) = semantic.top()
        && s.cosine >= th.lead_cosine
        && semantic.margin() >= th.lead_margin
    {
        return (Decision::Answer(s.entry), Rule::SemanticLead);
    }
    if let (Some(l), Some(s)) = (lexical.top(), semantic.top())
        && l.entry == s.entry
        && ((s.cosine >= th.agree_cosine && l.coverage >= th.agree_coverage)
            || (s.cosine >= th.agree_lead_cosine
                && semantic.margin() >= th.lead_margin
                && l.coverage >= th.agree_lead_coverage))
    {
        return (Decision::Answer(s.entry), Rule::BothAgree);
    }
    if let Some(entry) = anchored
        && semantic.cosine_of(entry) >= th.anchor_cosine
        && semantic
            .candidates
            .iter()
            .take(ANCHOR_RANK)
            .any(|c| c.entry == entry)
    {
        return (Decision::Answer(entry), Rule::Anchored);
    }
    let vetoed = lexical_sure.is_some();
    if vetoed
        && let Some(s) = semantic.top()
        && s.cosine >= th.override_cosine
        && semantic.margin() >= th.semantic_margin
    {
        return (Decision::Answer(s.entry), Rule::MeaningOverWords);
    }
    match suggestions(lexical, semantic, th) {
        Some(d) => (
            d,
            if vetoed {
                Rule::SemanticVeto
            } else {
                Rule::Suggest
            },
        ),
        None => (
            Decision::Nothing,
            if vetoed {
                Rule::SemanticVeto
            } else {
                Rule::Nothing
            },
        ),
    }
}

fn lexical_only(lexical: &Retrieval, th: &Thresholds, sure: bool) -> (Decision, Rule) {
    let decision = crate::search::decide::decide(lexical, th);
    let rule = match &decision {
        Decision::Answer(_) if sure => Rule::LexicalConfident,
        Decision::Answer(_) | Decision::Suggest(_) => Rule::Suggest,
        Decision::Nothing => Rule::Nothing,
    };
    (decision, rule)
}

/// Entries either signal finds near: the lexical suggestions, then the model's entries above
/// the suggestion cosine, without repeats, at most `MAX_SUGGESTIONS`.
fn suggestions(
    lexical: &Retrieval,
    semantic: &SemanticRanking,
    th: &Thresholds,
) -> Option<Decision> {
    if !th.suggest {
        return None;
    }
    let mut entries = match crate::search::decide::decide(lexical, th) {
        Decision::Suggest(es) => es,
        // Lexically sure but vetoed: still worth offering.
        Decision::Answer(e) => vec![e],
        Decision::Nothing => Vec::new(),
    };
    for c in &semantic.candidates {
        if c.cosine < th.semantic_suggest {
            break;
        }
        if !entries.contains(&c.entry) {
            entries.push(c.entry);
        }
    }
    entries.truncate(crate::search::decide::MAX_SUGGESTIONS);
    (!entries.is_empty()).then_some(Decision::Suggest(entries))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hybrid::SemanticCandidate;
    use crate::search::Candidate;

    fn words_sure_of(entry: usize) -> Retrieval {
        let candidate = |entry, score, coverage| Candidate {
            entry,
            score,
            best_phrasing: None,
            coverage,
            matched: Vec::new(),
            missing: Vec::new(),
            focus: 1.0,
        };
        Retrieval {
            candidates: vec![candidate(entry, 10.0, 0.9), candidate(9, 2.0, 0.3)],
            ..Retrieval::default()
        }
    }

    fn meaning(ranked: &[(usize, f32)]) -> SemanticRanking {
        SemanticRanking {
            out_of_scope: None,
            candidates: ranked
                .iter()
                .map(|&(entry, cosine)| SemanticCandidate {
                    entry,
                    id: format!("e{entry}"),
                    cosine,
                    phrasing: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_vetoed_word_match_gives_way_to_a_clear_meaning() {
        let th = Thresholds::ASKED;
        let clear = meaning(&[(2, 0.66), (0, 0.40)]);
        assert_eq!(
            decide(&words_sure_of(0), None, Some(&clear), &th),
            (Decision::Answer(2), Rule::MeaningOverWords)
        );
        // Not close enough: vetoed, nothing answered.
        let unsure = meaning(&[(2, 0.58), (0, 0.40)]);
        assert_eq!(
            decide(&words_sure_of(0), None, Some(&unsure), &th).1,
            Rule::SemanticVeto
        );
        // Close but not clearly ahead of the next entry.
        let tied = meaning(&[(2, 0.66), (3, 0.65), (0, 0.40)]);
        assert_eq!(
            decide(&words_sure_of(0), None, Some(&tied), &th).1,
            Rule::SemanticVeto
        );
        // Passive answers never take this path.
        assert_eq!(
            decide(&words_sure_of(0), None, Some(&clear), &Thresholds::PASSIVE).1,
            Rule::SemanticVeto
        );
    }

    #[test]
    fn a_far_lead_answers_at_a_lower_cosine() {
        let th = Thresholds::ASKED;
        let nothing = Retrieval::default();
        let lead = meaning(&[(2, 0.62), (3, 0.50)]);
        assert_eq!(
            decide(&nothing, None, Some(&lead), &th),
            (Decision::Answer(2), Rule::SemanticLead)
        );
        // The same cosine without the lead stays a suggestion.
        let close = meaning(&[(2, 0.62), (3, 0.58)]);
        assert_eq!(decide(&nothing, None, Some(&close), &th).1, Rule::Suggest);
        assert_eq!(
            decide(&nothing, None, Some(&lead), &Thresholds::PASSIVE).1,
            Rule::Nothing
        );
    }

    #[test]
    fn agreement_with_a_far_lead_answers_at_a_lower_cosine() {
        let th = Thresholds::ASKED;
        let words = |coverage| Retrieval {
            candidates: vec![Candidate {
                entry: 4,
                score: 6.0,
                best_phrasing: None,
                coverage,
                matched: Vec::new(),
                missing: Vec::new(),
                focus: 1.0,
            }],
            ..Retrieval::default()
        };
        let far_ahead = meaning(&[(4, 0.56), (5, 0.45)]);
        assert_eq!(
            decide(&words(0.66), None, Some(&far_ahead), &th),
            (Decision::Answer(4), Rule::BothAgree)
        );
        // Too little of a phrasing covered, or the lead too short: no answer.
        assert_ne!(
            decide(&words(0.40), None, Some(&far_ahead), &th).1,
            Rule::BothAgree
        );
        let near = meaning(&[(4, 0.56), (5, 0.52)]);
        assert_ne!(
            decide(&words(0.66), None, Some(&near), &th).1,
            Rule::BothAgree
        );
    }

    #[test]
    fn suggestions_stand_when_the_model_ranked_no_entry() {
        // Words alone suggest entry 0; the model, with no entry ranked, has nothing to weigh
        // an out-of-scope example against.
        let words = Retrieval {
            candidates: vec![Candidate {
                entry: 0,
                score: 3.0,
                best_phrasing: None,
                coverage: 0.55,
                matched: Vec::new(),
                missing: Vec::new(),
                focus: 1.0,
            }],
            ..Retrieval::default()
        };
        let none_ranked = SemanticRanking::default();
        assert_eq!(
            decide(&words, None, Some(&none_ranked), &Thresholds::ASKED),
            (Decision::Suggest(vec![0]), Rule::Suggest)
        );
    }

    #[test]
    fn a_message_nearer_a_question_the_faq_does_not_answer_gets_nothing() {
        let th = Thresholds::ASKED;
        let nothing = Retrieval::default();
        let outside = |cosine| {
            let mut m = meaning(&[(2, 0.72), (3, 0.60)]);
            m.out_of_scope = Some(crate::hybrid::OutOfScope {
                cosine,
                example: "which antihistamine for hay fever".into(),
            });
            m
        };
        assert_eq!(
            decide(&nothing, None, Some(&outside(0.80)), &th),
            (Decision::Nothing, Rule::OutOfScope)
        );
        // Farther than the entry: the entry's rule stands.
        assert_eq!(
            decide(&nothing, None, Some(&outside(0.65)), &th),
            (Decision::Answer(2), Rule::SemanticConfident)
        );
        // Words sure of an entry the model puts below the example: nothing either.
        let mut vetoed = meaning(&[(0, 0.65), (9, 0.40)]);
        vetoed.out_of_scope = Some(crate::hybrid::OutOfScope {
            cosine: 0.70,
            example: "how long does a piercing take to heal".into(),
        });
        assert_eq!(
            decide(&words_sure_of(0), None, Some(&vetoed), &th),
            (Decision::Nothing, Rule::OutOfScope)
        );
    }
}
