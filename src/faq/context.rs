//! `faq/context.toml`: the cue lists that decide whether a red-flag trigger counts
//! (negated, hypothetical, historical, about someone else). Every cue is a pattern in the
//! language of `triage::pattern`, so `haven't|havent had` and `..` gaps work here too.

use serde::{Deserialize, Serialize};

use super::diagnostic::{Diagnostics, TomlFile};
use super::validate::{Limits, check_text};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextFile {
    /// Where the cue lists come from; shown by `/redflags`.
    pub attribution: String,
    /// Cues that negate what follows them ("no", "haven't had"), up to a terminator, the end
    /// of the sentence, or a few words.
    pub negation: Vec<String>,
    /// Cues that negate what comes just before them ("blood in stool: none", "... went away").
    #[serde(default)]
    pub negation_after: Vec<String>,
    /// Look like negations but are not ("not only", "no doubt", "can't stop").
    #[serde(default)]
    pub pseudo_negation: Vec<String>,
    /// Phrases that end the scope of a negation only ("and I've", "and my"): a new clause
    /// about the writer starts there, while a hypothetical or history still runs on.
    #[serde(default)]
    pub negation_terminators: Vec<String>,
    /// "what if", "should I worry if": the symptom is asked about, not reported.
    #[serde(default)]
    pub hypothetical: Vec<String>,
    /// Contain a hypothetical cue but report something ("wondering if", "not sure if").
    #[serde(default)]
    pub pseudo_hypothetical: Vec<String>,
    /// First words of a question about a symptom in general ("can", "does", "is"): such a
    /// question without any first-person word asks for information, not help.
    #[serde(default)]
    pub general_question: Vec<String>,
    /// Cues that make talk general wherever they come before the trigger ("red flags
    /// include ...", "can leaky gut cause ..."), again only without a first-person word.
    #[serde(default)]
    pub general: Vec<String>,
    /// Openings of a sentence that make the question before it the writer's own ("I have
    /// it", "mine has", "me too").
    #[serde(default)]
    pub owned: Vec<String>,
    /// A short sentence that is only one of these ("general question", "just curious") makes
    /// the question just before it general, when that question has no first-person word; one
    /// that opens a sentence ("hypothetically if my mum ...") makes the rest of it asked.
    #[serde(default)]
    pub general_tags: Vec<String>,
    /// Someone else is already being cared for ("she's in hospital", "the doctors are on
    /// it"): their symptom needs no advice passed on. The writer's own still warns.
    #[serde(default)]
    pub in_care: Vec<String>,
    /// A clinician is already looking into it ("my GP is investigating", "waiting for the
    /// scan"): a "book an appointment" alarm is in hand, the writer's own when said in the
    /// trigger's sentence or the next, someone else's anywhere. Same-day and emergency advice
    /// always stands.
    #[serde(default)]
    pub under_investigation: Vec<String>,
    /// The writer is being seen for it now or was seen today ("I'm in A&E with it", "the
    /// doctor saw me this morning about it"): their own "today" or "book an appointment"
    /// alarm is in hand when said in the trigger's sentence or one beside it. Emergency
    /// advice always stands.
    #[serde(default)]
    pub being_seen: Vec<String>,
    /// Care that is over ("got scoped", "sent home", "appendix removed", "antibiotics done"):
    /// with a resolution after the trigger anywhere in the message ("feeling ok now"), the
    /// alarm is a past episode a clinician dealt with.
    #[serde(default)]
    pub treated: Vec<String>,
    /// A sentence that says a sign or a result is normal ("poo is normal colour", "hb normal
    /// too") is no trigger by meaning: the model reads "normal colour" close to "red colour".
    /// Patterns are not affected.
    #[serde(default)]
    pub reassurance: Vec<String>,
    /// "years ago", "as a kid": a past, resolved event.
    #[serde(default)]
    pub historical: Vec<String>,
    /// "still", "since", "again": the symptom is current even if a past time is mentioned.
    #[serde(default)]
    pub current: Vec<String>,
    /// "fully recovered", "all fine since", "I'm fine now": after a trigger in its clause,
    /// the episode is past and over; a current cue inside one ("now", "since") does not count.
    #[serde(default)]
    pub resolved: Vec<String>,
    /// Openings that make a sentence a question without its question mark ("is black stool
    /// a symptom of ..."), for the general-question check.
    #[serde(default)]
    pub question_opening: Vec<String>,
    /// "I", "my", "anyone else": the writer speaks about themselves.
    #[serde(default)]
    pub first_person: Vec<String>,
    /// "my friend", "she": someone else's symptom, passed on to the writer as advice for
    /// them. Family cues count as other people too.
    #[serde(default)]
    pub other_person: Vec<String>,
    /// Others whose symptom raises no alarm: pets (the advice is written for people) and
    /// people in general ("has anyone had ...", "people with IBD"), which is talk, not a
    /// report about someone.
    #[serde(default)]
    pub other_no_alarm: Vec<String>,
    /// Close blood relatives ("my mum", "runs in the family"): what family-history rules need.
    #[serde(default)]
    pub family: Vec<String>,
    /// Relatives further out ("my grandad", "my cousin"): someone else's symptom, as for
    /// `other_person`, but no family history of the writer's. The guidelines behind the
    /// family-history rules count first-degree relatives.
    #[serde(default)]
    pub distant_family: Vec<String>,
    /// Phrases with a person word that name nobody: German "im Stuhl" ("in the stool") is not
    /// the English "I'm". A subject cue overlapping one of these is dropped.
    #[serde(default)]
    pub not_subject: Vec<String>,
    /// Fiction and screens ("episode", "storyline", "on tv"): a symptom in the same sentence
    /// is a plot, not a report, unless the writer names themselves before it.
    #[serde(default)]
    pub fiction: Vec<String>,
    /// People in a story ("the main character", "the protagonist"): named between the writer
    /// and a symptom, in a sentence with a fiction cue, the symptom is theirs ("I'm watching
    /// the series and the protagonist vomits blood").
    #[serde(default)]
    pub fiction_characters: Vec<String>,
    /// End every scope ("but", "although", "except", "until").
    pub terminators: Vec<String>,
    /// Plain sentences about symptoms that are no alarm ("my poop is a normal colour"). With
    /// the model loaded, a sentence closer to one of these (or to an FAQ question) than to
    /// every alarm example is not a red-flag candidate (`triage::meaning`). Whole sentences,
    /// not patterns.
    #[serde(default)]
    pub ordinary_examples: Vec<String>,
}

impl ContextFile {
    pub fn lists(&self) -> [(&'static str, &Vec<String>); 28] {
        [
            ("negation", &self.negation),
            ("negation_after", &self.negation_after),
            ("pseudo_negation", &self.pseudo_negation),
            ("negation_terminators", &self.negation_terminators),
            ("hypothetical", &self.hypothetical),
            ("pseudo_hypothetical", &self.pseudo_hypothetical),
            ("general_question", &self.general_question),
            ("general", &self.general),
            ("owned", &self.owned),
            ("general_tags", &self.general_tags),
            ("in_care", &self.in_care),
            ("under_investigation", &self.under_investigation),
            ("being_seen", &self.being_seen),
            ("treated", &self.treated),
            ("reassurance", &self.reassurance),
            ("historical", &self.historical),
            ("current", &self.current),
            ("resolved", &self.resolved),
            ("question_opening", &self.question_opening),
            ("first_person", &self.first_person),
            ("other_person", &self.other_person),
            ("other_no_alarm", &self.other_no_alarm),
            ("family", &self.family),
            ("distant_family", &self.distant_family),
            ("not_subject", &self.not_subject),
            ("fiction", &self.fiction),
            ("fiction_characters", &self.fiction_characters),
            ("terminators", &self.terminators),
        ]
    }
}

pub fn validate(file: &ContextFile, toml: &TomlFile, out: &mut Diagnostics) {
    check_text(
        toml,
        "attribution",
        "attribution",
        &file.attribution,
        Limits::SUMMARY,
        out,
    );
    for (name, list) in file.lists() {
        let mut seen = std::collections::HashSet::new();
        for (i, cue) in list.iter().enumerate() {
            let at = format!("{name}[{i}]");
            check_text(toml, &at, "cue", cue, Limits::PHRASE, out);
            if cue.trim().is_empty() {
                continue;
            }
            if let Err(e) = crate::triage::pattern::parse(cue) {
                out.push(toml.error(&at, format!("cue `{cue}` in `{name}`: {e}")));
            }
            if let Some(word) = crate::triage::pattern::repeated_choice(cue) {
                out.push(toml.error(&at, super::redflags::split_phrase_advice("cue", cue, &word)));
            }
            if !seen.insert(
                cue.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
            ) {
                out.push(toml.error(&at, format!("cue `{cue}` is listed twice in `{name}`")));
            }
        }
    }
    for (name, list) in [
        ("negation", &file.negation),
        ("terminators", &file.terminators),
    ] {
        if list.is_empty() {
            out.push(toml.error(
                name,
                format!("`{name}` is empty: triage needs at least one cue here"),
            ));
        }
    }
}
