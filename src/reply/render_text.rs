//! The terminal rendering of a `Reply` (`gutcheck ask`, `gutcheck chat`). Layout only: what to
//! say was decided when the reply was composed.

use std::fmt::Write;

use crate::faq::Tier;

use super::Reply;

/// What gutcheck says when no entry fits and none comes close.
pub const NO_ANSWER: &str = "I don't have a good answer to that. I answer questions about \"leaky gut\" (intestinal permeability) from a cited FAQ, for example \"is leaky gut real?\" or \"do probiotics help leaky gut?\".";

pub fn render(reply: &Reply) -> String {
    let mut t = String::new();
    if let Some(tier) = reply.warning_tier() {
        // One warning: the highest tier's heading and advice, then every rule it noticed.
        let heading = match tier {
            Tier::Emergency => "Please seek emergency care now.",
            Tier::Urgent => "Please get seen by a clinician today.",
            Tier::Soon => "It would be worth booking an appointment with a clinician.",
        };
        let _ = writeln!(t, "\u{26a0} {heading}");
        let mut said: Vec<&str> = Vec::new();
        for hit in reply.red_flags.iter().filter(|h| h.tier == tier) {
            if !said.contains(&hit.message.as_str()) {
                let _ = writeln!(t, "  {}", hit.message);
                said.push(&hit.message);
            }
        }
        if let Some(note) = reply.someone_else_note() {
            let _ = writeln!(t, "  {note}");
        }
        let _ = writeln!(t, "  What I noticed:");
        for hit in &reply.red_flags {
            let _ = writeln!(t, "  - {} (\"{}\")", hit.label, hit.matched);
        }
        let _ = writeln!(t);
    }
    if reply.shows_answer() {
        if let Some(answer) = &reply.answer {
            let _ = writeln!(t, "{}", answer.text);
        } else if !reply.suggestions.is_empty() {
            let _ = writeln!(t, "I'm not sure which question you mean. Did you mean:");
            for (i, s) in reply.suggestions.iter().enumerate() {
                let _ = writeln!(t, "  {}. {} ({})", i + 1, s.title, s.id);
            }
        } else if reply.red_flags.is_empty() {
            let _ = writeln!(t, "{NO_ANSWER}");
        }
        let _ = writeln!(t);
    }
    let _ = writeln!(t, "{}", reply.disclaimer);
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faq::{Grade, SourceKind};
    use crate::reply::{
        Answer, AnswerClaim, Citation, RedFlagHit, SOMEONE_ELSE_NOTE, Suggestion, compose,
    };

    fn answer() -> Answer {
        Answer {
            id: "x".into(),
            title: "Is it real?".into(),
            grade: Grade::Moderate,
            summary: "Partly.".into(),
            text: "Is it real?\n\nPartly.\n\nSources:\n[1] A paper (review, 2020) https://e.org"
                .into(),
            claims: vec![AnswerClaim {
                text: "c".into(),
                grade: Grade::Moderate,
                sources: vec![1],
            }],
            citations: vec![Citation {
                n: 1,
                id: "a".into(),
                title: "A paper".into(),
                kind: SourceKind::NarrativeReview,
                year: 2020,
                url: "https://e.org".into(),
            }],
            score: 1.0,
        }
    }

    fn flag(tier: Tier) -> RedFlagHit {
        RedFlagHit {
            id: "r".into(),
            tier,
            label: "Blood in stool".into(),
            matched: "blood in my stool".into(),
            message: "See a doctor.".into(),
            about_someone_else: false,
        }
    }

    #[test]
    fn answer_then_disclaimer() {
        let r = compose::reply("q", Some(answer()), Vec::new(), Vec::new());
        let text = render(&r);
        assert!(text.starts_with("Is it real?"));
        assert!(text.contains("[1] A paper (review, 2020)"));
        assert!(text.trim_end().ends_with(compose::DISCLAIMER));
    }

    #[test]
    fn suggestions_and_nothing() {
        let s = vec![Suggestion {
            id: "zinc".into(),
            title: "Does zinc help?".into(),
        }];
        let text = render(&compose::reply("q", None, s, Vec::new()));
        assert!(text.contains("Did you mean:\n  1. Does zinc help? (zinc)"));
        let text = render(&compose::reply("q", None, Vec::new(), Vec::new()));
        assert!(text.starts_with(NO_ANSWER));
    }

    #[test]
    fn warning_comes_first_and_emergency_stands_alone() {
        let r = compose::reply("q", Some(answer()), Vec::new(), vec![flag(Tier::Soon)]);
        let text = render(&r);
        assert!(text.starts_with("\u{26a0} It would be worth booking"));
        assert!(text.contains("Is it real?"));
        let r = compose::reply("q", Some(answer()), Vec::new(), vec![flag(Tier::Emergency)]);
        let text = render(&r);
        assert!(text.starts_with("\u{26a0} Please seek emergency care now."));
        assert!(!text.contains("Is it real?"));
    }

    #[test]
    fn a_warning_about_someone_else_passes_the_advice_on_once() {
        let mut theirs = flag(Tier::Urgent);
        theirs.about_someone_else = true;
        let mut other_rule = theirs.clone();
        other_rule.id = "s".into();
        let r = compose::reply("q", None, Vec::new(), vec![theirs.clone(), other_rule]);
        let text = render(&r);
        assert_eq!(text.matches(SOMEONE_ELSE_NOTE).count(), 1, "{text}");
        assert!(text.find("See a doctor.") < text.find(SOMEONE_ELSE_NOTE));
        // The writer's own alarm alongside: the advice is theirs, no note.
        let r = compose::reply("q", None, Vec::new(), vec![theirs, flag(Tier::Soon)]);
        assert!(!render(&r).contains(SOMEONE_ELSE_NOTE));
    }
}
