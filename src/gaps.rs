//! Unanswered questions grouped for moderators (`/faq-gaps`, `gutcheck gaps`): questions
//! that mean the same thing count as one gap, most frequent first, each with the FAQ entry
//! it came closest to. Pure: the caller brings the questions and, when the model is
//! loaded, their embeddings.

use serde::Serialize;

use crate::semantic::Embedding;
use crate::store::{Candidate, Gap};

/// Two questions whose embeddings are at least this similar count as the same gap.
/// MiniLM paraphrases of one question sit above 0.8; different questions on one topic
/// ("zonulin test" vs "zonulin diet") mostly fall below 0.7.
pub const SAME_QUESTION: f32 = 0.75;

/// How many different wordings a group shows.
const EXAMPLES: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapGroup {
    /// How many times this was asked (or marked not helpful).
    pub count: usize,
    /// Different wordings, most recent first.
    pub examples: Vec<String>,
    /// The entry these questions came closest to, if any came close at all.
    pub closest: Option<Candidate>,
    pub last_asked: i64,
    pub not_helpful: usize,
}

/// Groups `gaps` by meaning (`vectors[i]` embeds `gaps[i].text`) or, without a model, by
/// their words (case, punctuation and spacing ignored). Most frequent first.
pub fn group(gaps: &[Gap], vectors: Option<&[Embedding]>) -> Vec<GapGroup> {
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (i, gap) in gaps.iter().enumerate() {
        let same = |seed: usize| match vectors {
            Some(v) => v[seed].cosine(&v[i]) >= SAME_QUESTION,
            None => words(&gaps[seed].text) == words(&gap.text),
        };
        match members.iter_mut().find(|m| same(m[0])) {
            Some(group) => group.push(i),
            None => members.push(vec![i]),
        }
    }
    let mut groups: Vec<GapGroup> = members.iter().map(|m| summarise(gaps, m)).collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then(b.last_asked.cmp(&a.last_asked)));
    groups
}

fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn summarise(gaps: &[Gap], members: &[usize]) -> GapGroup {
    let mut recent: Vec<&Gap> = members.iter().map(|&i| &gaps[i]).collect();
    recent.sort_by_key(|g| std::cmp::Reverse(g.asked_at));
    let mut examples: Vec<String> = Vec::new();
    for gap in &recent {
        if examples.len() < EXAMPLES && !examples.iter().any(|e| words(e) == words(&gap.text)) {
            examples.push(gap.text.clone());
        }
    }
    GapGroup {
        count: members.len(),
        examples,
        closest: closest(&recent),
        last_asked: recent.first().map_or(0, |g| g.asked_at),
        not_helpful: recent
            .iter()
            .filter(|g| g.reason == crate::store::GapReason::NotHelpful)
            .count(),
    }
}

/// The entry that was most often the top candidate; ties go to the higher score.
fn closest(gaps: &[&Gap]) -> Option<Candidate> {
    let mut tally: Vec<(Candidate, usize)> = Vec::new();
    for top in gaps.iter().filter_map(|g| g.candidates.first()) {
        match tally.iter_mut().find(|(c, _)| c.entry_id == top.entry_id) {
            Some((best, n)) => {
                *n += 1;
                if top.score > best.score {
                    best.score = top.score;
                }
            }
            None => tally.push((top.clone(), 1)),
        }
    }
    tally
        .into_iter()
        .max_by(|(a, n), (b, m)| n.cmp(m).then(a.score.total_cmp(&b.score)))
        .map(|(c, _)| c)
}

/// What `gutcheck gaps` and `/faq-gaps` say when nothing is recorded.
pub const NOTHING_RECORDED: &str = "No unanswered questions are recorded. Recording is off \
    unless a server turns it on: a moderator runs `/gutcheck-config record_gaps:True` in \
    Discord (or sets `record_gaps = true` under [gaps] in the settings file for every server); \
    questions the bot could not answer are then kept for the retention period.";

/// One line per group, for the terminal and for Discord.
pub fn line(group: &GapGroup) -> String {
    let closest = match &group.closest {
        Some(c) => format!("closest: {} ({:.2})", c.entry_id, c.score),
        None => "closest: none".to_string(),
    };
    let not_helpful = if group.not_helpful > 0 {
        format!(", {} not helpful", group.not_helpful)
    } else {
        String::new()
    };
    format!(
        "{}× \"{}\" ({closest}{not_helpful})",
        group.count,
        group.examples.join("\" / \"")
    )
}

/// CSV with a header; fields quoted when they need it (RFC 4180).
pub fn csv(groups: &[GapGroup]) -> String {
    fn field(text: &str) -> String {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    }
    let mut out =
        String::from("count,not_helpful,closest_entry,closest_score,last_asked,examples\n");
    for g in groups {
        let (entry, score) = g
            .closest
            .as_ref()
            .map_or((String::new(), String::new()), |c| {
                (c.entry_id.clone(), format!("{:.3}", c.score))
            });
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            g.count,
            g.not_helpful,
            field(&entry),
            score,
            g.last_asked,
            field(&g.examples.join(" | "))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::GapReason;

    fn gap(text: &str, at: i64, top: Option<(&str, f32)>) -> Gap {
        Gap {
            id: 0,
            guild_id: 1,
            channel_id: 2,
            text: text.to_string(),
            reason: GapReason::Abstained,
            candidates: top
                .map(|(id, score)| Candidate {
                    entry_id: id.to_string(),
                    score,
                })
                .into_iter()
                .collect(),
            asked_at: at,
            expires_at: at + 100,
        }
    }

    #[test]
    fn without_a_model_the_same_words_group_and_the_most_asked_comes_first() {
        let gaps = vec![
            gap("Is kombucha OK?", 1, Some(("diet", 0.4))),
            gap("does fasting help", 2, None),
            gap("is kombucha ok", 3, Some(("diet", 0.5))),
            gap("IS  KOMBUCHA OK!!", 4, Some(("probiotics", 0.3))),
        ];
        let groups = group(&gaps, None);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].count, 3);
        assert_eq!(groups[0].examples, vec!["IS  KOMBUCHA OK!!".to_string()]);
        assert_eq!(groups[0].closest.as_ref().unwrap().entry_id, "diet");
        assert_eq!(groups[0].last_asked, 4);
        assert_eq!(groups[1].closest, None);
        assert!(line(&groups[0]).starts_with("3× \"IS  KOMBUCHA OK!!\" (closest: diet (0.50))"));
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let groups = group(&[gap("a, \"b\"", 1, Some(("x", 0.25)))], None);
        let text = csv(&groups);
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "1,0,x,0.250,1,\"a, \"\"b\"\"\""
        );
    }
}
