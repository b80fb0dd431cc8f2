//! Red-flag triage: does this message describe an alarm symptom, now, of the writer or of
//! someone the writer is asking for? (DESIGN.md section 4, amended as described below.)
//!
//! Matching a phrase is the easy half (`pattern`, rules in `faq/redflags.toml`). The other
//! half is the context around it, after NegEx/ConText (Chapman et al. 2001; Harkema et al.
//! 2009), with the cue lists kept as data in `faq/context.toml`. A trigger is set aside when
//! it is:
//!
//! - negated ("no blood in my stool"): a negation cue before the trigger, within
//!   `NEGATION_WINDOW` words and no terminator ("but", "except") in between; a post cue just
//!   after it ("... went away"); or a checklist question answered "no" in the next sentence.
//!   Pseudo-negations ("not only", "can't stop", "for no reason") do not negate.
//! - hypothetical ("what if I had ...", "should I worry if ..."), or general talk with no
//!   first-person word ("can leaky gut cause weight loss?", "red flags include ..."): that
//!   asks for information, which retrieval answers; it is not an alarm. Chat drops question
//!   marks, so a `question_opening` ("is black poop a symptom of ...") makes a question too.
//! - historical ("years ago", "as a kid") with nothing in the same clause marking it current
//!   ("still", "since", "again", "started"): a clearly past event raises no alarm. DESIGN.md
//!   calls history "lower priority"; for a chat bot the useful reading is that a resolved
//!   event is the writer's history, not news, while any current word brings the alarm back.
//!   A resolution after the trigger in its clause ("all fine since", "fully recovered now";
//!   `resolved` cues) marks it past on its own, and the "now" or "since" inside a resolution
//!   is not a current word.
//! - explained by the message itself ("trying to lose weight", "iron tablets"), or missing
//!   what the rule requires (a duration of weeks, "every day", a stomach word, an age).
//!   An explanation covers the plain symptom only, after the clinical review: it never
//!   silences an escalation (iron tablets explain black stool, not black stool with fainting)
//!   or a part it leaves open (`unexplained`: "lost 10 kg without trying" and a gym mention).
//! - fiction ("in the latest episode ...", "a whole storyline about ..."; `fiction` cues in
//!   the sentence) unless the writer names themselves before the symptom.
//! - a pet's, or people's in general ("my dog has bloody diarrhoea", "has anyone had blood in
//!   their stool"; `other_no_alarm` cues): nobody the advice is for. A pronoun right after a
//!   pet is the pet's ("my dog has blood in his stool").
//!
//! Whose symptom it is: the nearest person named before the trigger decides ("my friend has
//! blood in her stool" is the friend's; "my mum has Crohn's and my stool is black" ends with
//! the writer's); no one named is the writer, since chat drops the "I". Chat drops "my" too:
//! a bare relative with a verb ("sister has UC") is the writer's relative, unless someone
//! else's possessive comes first ("his sister has ..."); an apostrophe drops, so "my son's"
//! reads "my sons".
//!
//! Someone else's symptom is not set aside. DESIGN.md had "my friend has blood in her stool"
//! stay silent; a clinician's review disagreed: the writer is often the one who can get the
//! friend, partner or child seen, and a silent bot reads as "nothing to worry about". So a
//! writer-subject rule also fires on another person's (`other_person` or `family` cues, which
//! include young children), with every other check unchanged: negated, hypothetical, general
//! and historical mentions stay silent ("a friend of mine vomited blood last year"). The hit
//! is marked `about_someone_else`, and the renderers add one line passing the advice on
//! (`reply::SOMEONE_ELSE_NOTE`) rather than every rule carrying a third-person message. When
//! the same rule fires for the writer and for someone else, the hit is the writer's.
//!
//! Family-history rules are the writer's risk, never someone else's alarm: they fire only on
//! blood relatives ("my mum has Crohn's"), and "my friend has coeliac disease" stays silent.
//!
//! A rule can escalate to a higher tier when its sentence, the one before or the next says
//! it is worse ("a lot of blood", "dizzy"; "I think I fainted. There was so much blood"). Each rule fires once per message, at the highest tier found.
//!
//! Everything set aside is reported in `Scan::set_aside`, so tests and `why`-style tools can
//! show what was seen and why it did not alarm; `Reply::red_flags` holds real alarms only.
//!
//! Pure: no I/O, no clock. Built once per FAQ load; `scan` takes `&self`.

pub mod age;
pub mod cooldown;
pub mod duration;
pub mod meaning;
pub mod pattern;
pub use crate::text::words;

use std::cmp::Reverse;

use serde::Serialize;

use crate::faq::{ContextFile, Faq, RedFlagRule, Subject, Tier};
use crate::reply::RedFlagHit;
use crate::text::clean::Cleaned;

use pattern::{Match, Pattern};
use words::Sentence;

/// Words between a negation cue and the trigger beyond which the cue no longer applies.
/// NegEx uses five; chat lists ("no fever, vomiting or blood in my stool") run longer.
pub const NEGATION_WINDOW: usize = 8;
/// Words after a trigger in which a post-negation cue applies ("blood in stool: none").
pub const NEGATION_AFTER_WINDOW: usize = 3;

/// Why a trigger that matched did not raise an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    Negated,
    Hypothetical,
    GeneralQuestion,
    Historical,
    /// A pet's, or people's in general: nobody the advice could be passed on to.
    OtherPerson,
    /// A family-history rule matched, but not about a close (first-degree) blood relative.
    NotFamily,
    /// Explained by something else in the message ("trying to lose weight").
    Explained,
    /// The rule has `min_days` and the message gives neither a long enough duration nor
    /// any of the rule's `require_any` qualifiers ("every day", "keep").
    NotPersistent,
    /// The rule has no duration, only `require_any` companions (a fever needs a gut
    /// symptom alongside), and the message gives none. How long it has lasted
    /// ("since yesterday") neither helps nor hurts such a rule.
    Unqualified,
    /// The rule is about an age group and the message states no age in it.
    AgeNotStated,
    /// A plot, a show or a character, not the writer's life.
    Fiction,
    /// Someone else's symptom, and they are already in care ("she's in hospital").
    InCare,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Negated => "negated",
            Reason::Hypothetical => "hypothetical",
            Reason::GeneralQuestion => "general question",
            Reason::Historical => "historical",
            Reason::OtherPerson => "someone else",
            Reason::NotFamily => "not a close relative",
            Reason::Explained => "explained",
            Reason::NotPersistent => "not persistent",
            Reason::Unqualified => "qualifier missing",
            Reason::AgeNotStated => "age not stated",
            Reason::Fiction => "fiction",
            Reason::InCare => "already in care",
        }
    }
}

/// A trigger that matched but was set aside, with the first reason found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetAside {
    pub rule: String,
    pub matched: String,
    pub reason: Reason,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scan {
    /// One hit per rule that fired, highest tier first, then in file order.
    pub alarms: Vec<RedFlagHit>,
    /// Rules that matched somewhere but never fired, once each.
    pub set_aside: Vec<SetAside>,
    /// Sentences found by meaning rather than by a pattern: (rule, cosine), before judging.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_meaning: Vec<(String, f32)>,
}

pub struct Triage {
    rules: Vec<Rule>,
    cues: Cues,
    /// Triggers by meaning (the rules' `examples`), when a model is loaded.
    meaning: Option<meaning::Meaning>,
}

struct Rule {
    id: String,
    tier: Tier,
    label: String,
    message: String,
    subject: Subject,
    patterns: Vec<Pattern>,
    exclude: Vec<Pattern>,
    explained_by: Vec<Pattern>,
    unexplained: Vec<Pattern>,
    min_age: Option<u32>,
    age_cues: Vec<Pattern>,
    require_any: Vec<Pattern>,
    min_days: Option<u32>,
    falling: Vec<Pattern>,
    falling_verbs: Vec<Pattern>,
    escalate: Option<Escalate>,
}

struct Escalate {
    tier: Tier,
    when: Vec<Pattern>,
    message: String,
}

struct Cues {
    negation: Vec<Pattern>,
    negation_after: Vec<Pattern>,
    pseudo_negation: Vec<Pattern>,
    negation_terminators: Vec<Pattern>,
    hypothetical: Vec<Pattern>,
    pseudo_hypothetical: Vec<Pattern>,
    general_question: Vec<Pattern>,
    general: Vec<Pattern>,
    owned: Vec<Pattern>,
    general_tags: Vec<Pattern>,
    in_care: Vec<Pattern>,
    under_investigation: Vec<Pattern>,
    being_seen: Vec<Pattern>,
    treated: Vec<Pattern>,
    reassurance: Vec<Pattern>,
    historical: Vec<Pattern>,
    current: Vec<Pattern>,
    resolved: Vec<Pattern>,
    question_opening: Vec<Pattern>,
    first_person: Vec<Pattern>,
    other_person: Vec<Pattern>,
    other_no_alarm: Vec<Pattern>,
    family: Vec<Pattern>,
    distant_family: Vec<Pattern>,
    not_subject: Vec<Pattern>,
    fiction: Vec<Pattern>,
    fiction_characters: Vec<Pattern>,
    terminators: Vec<Pattern>,
}

fn compile(list: &[String], what: &str) -> Result<Vec<Pattern>, String> {
    list.iter()
        .map(|p| pattern::parse(p).map_err(|e| format!("{what} `{p}`: {e}")))
        .collect()
}

impl Triage {
    /// Compiles the rules and cues of a loaded FAQ. A `Faq` exists only when loading found no
    /// error, and loading parsed every pattern and cue with this same parser, so a failure
    /// here is a loader bug, not bad content: it panics rather than run with rules missing.
    pub fn new(faq: &Faq) -> Triage {
        Triage::from_parts(&faq.red_flags, &faq.context)
            .unwrap_or_else(|e| panic!("Faq::load accepted a pattern triage cannot compile: {e}"))
    }

    pub fn from_parts(rules: &[RedFlagRule], context: &ContextFile) -> Result<Triage, String> {
        let c = context;
        let cues = Cues {
            negation: compile(&c.negation, "negation cue")?,
            negation_after: compile(&c.negation_after, "negation_after cue")?,
            pseudo_negation: compile(&c.pseudo_negation, "pseudo_negation cue")?,
            negation_terminators: compile(&c.negation_terminators, "negation_terminators cue")?,
            hypothetical: compile(&c.hypothetical, "hypothetical cue")?,
            pseudo_hypothetical: compile(&c.pseudo_hypothetical, "pseudo_hypothetical cue")?,
            general_question: compile(&c.general_question, "general_question cue")?,
            general: compile(&c.general, "general cue")?,
            owned: compile(&c.owned, "owned cue")?,
            general_tags: compile(&c.general_tags, "general tag")?,
            in_care: compile(&c.in_care, "in-care cue")?,
            under_investigation: compile(&c.under_investigation, "under-investigation cue")?,
            being_seen: compile(&c.being_seen, "being-seen cue")?,
            treated: compile(&c.treated, "treated cue")?,
            reassurance: compile(&c.reassurance, "reassurance cue")?,
            historical: compile(&c.historical, "historical cue")?,
            current: compile(&c.current, "current cue")?,
            resolved: compile(&c.resolved, "resolved cue")?,
            question_opening: compile(&c.question_opening, "question_opening cue")?,
            first_person: compile(&c.first_person, "first_person cue")?,
            other_person: compile(&c.other_person, "other_person cue")?,
            other_no_alarm: compile(&c.other_no_alarm, "other_no_alarm cue")?,
            family: compile(&c.family, "family cue")?,
            distant_family: compile(&c.distant_family, "distant family cue")?,
            not_subject: compile(&c.not_subject, "not_subject cue")?,
            fiction: compile(&c.fiction, "fiction cue")?,
            fiction_characters: compile(&c.fiction_characters, "fiction character cue")?,
            terminators: compile(&c.terminators, "terminator")?,
        };
        let rules = rules
            .iter()
            .map(|r| {
                let at = |what: &str| format!("rule `{}` {what}", r.id);
                Ok(Rule {
                    id: r.id.clone(),
                    tier: r.tier,
                    label: r.label.clone(),
                    message: r.message.clone(),
                    subject: r.subject,
                    patterns: compile(&r.patterns, &at("pattern"))?,
                    exclude: compile(&r.exclude, &at("exclusion"))?,
                    explained_by: compile(&r.explained_by, &at("explanation"))?,
                    unexplained: compile(&r.unexplained, &at("unexplained phrase"))?,
                    min_age: r.min_age,
                    age_cues: compile(&r.age_cues, &at("age cue"))?,
                    require_any: compile(&r.require_any, &at("requirement"))?,
                    min_days: r.min_days,
                    falling: compile(&r.falling, &at("falling unit"))?,
                    falling_verbs: compile(&r.falling_verbs, &at("falling verb"))?,
                    escalate: match &r.escalate {
                        Some(e) => Some(Escalate {
                            tier: e.tier,
                            when: compile(&e.when, &at("escalation"))?,
                            message: e.message.clone(),
                        }),
                        None => None,
                    },
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Triage {
            rules,
            cues,
            meaning: None,
        })
    }

    /// Adds triggers by meaning: built from the same rules' examples, in rule order.
    pub fn with_meaning(mut self, meaning: meaning::Meaning) -> Triage {
        self.meaning = Some(meaning);
        self
    }

    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// The alarms in a message, highest tier first. One warning is shown per message; the
    /// renderer takes its tier from the first hit and lists them all.
    pub fn scan(&self, cleaned: &Cleaned) -> Vec<RedFlagHit> {
        self.analyze(cleaned).alarms
    }

    /// As `scan`, with every trigger that was set aside and why.
    pub fn analyze(&self, cleaned: &Cleaned) -> Scan {
        let text = cleaned.text.as_str();
        let sentences = words::sentences(text);
        // Triggers first: most messages match none, and then no cue list needs to run.
        let mut triggers = self.pattern_triggers(&sentences);
        let mut scan = Scan::default();
        self.add_meaning_triggers(text, &sentences, &mut triggers, &mut scan);
        if triggers.iter().all(Vec::is_empty) {
            return scan;
        }
        let contexts = self.contexts(&sentences);
        let ages: Vec<u32> = sentences.iter().flat_map(|s| age::ages(&s.words)).collect();
        let investigating = asserted_per_sentence(&self.cues.under_investigation, &contexts);
        let message = Message {
            text,
            contexts: &contexts,
            ages: &ages,
            others_in_care: asserted_anywhere(&self.cues.in_care, &contexts),
            investigating,
            seen: asserted_per_sentence(&self.cues.being_seen, &contexts),
            treated: asserted_anywhere(&self.cues.treated, &contexts),
        };
        let mut fired: Vec<(usize, RedFlagHit)> = Vec::new();
        for ((rule_index, rule), found) in self.rules.iter().enumerate().zip(triggers) {
            if found.is_empty() {
                continue;
            }
            match self.fire(rule, found, &message) {
                Ok(hit) => fired.push((rule_index, hit)),
                Err(aside) => scan.set_aside.extend(aside),
            }
        }
        fired.sort_by(|a, b| b.1.tier.cmp(&a.1.tier).then(a.0.cmp(&b.0)));
        scan.alarms = fired.into_iter().map(|(_, h)| h).collect();
        scan
    }

    /// Every rule's pattern matches (and stated falls), per rule, as (sentence, match),
    /// leaving out those that overlap one of the rule's other senses.
    fn pattern_triggers(&self, sentences: &[Sentence]) -> Vec<Vec<(usize, Match)>> {
        self.rules
            .iter()
            .map(|rule| {
                let mut found = Vec::new();
                for (si, sentence) in sentences.iter().enumerate() {
                    let ws = &sentence.words;
                    let fallen = falls(&rule.falling, &rule.falling_verbs, ws);
                    let mut here = rule
                        .patterns
                        .iter()
                        .flat_map(|p| p.find_all(ws))
                        .chain(fallen)
                        .peekable();
                    if here.peek().is_none() {
                        continue;
                    }
                    // Once per sentence, not per trigger: the scan stays linear.
                    let other_senses: Vec<Match> =
                        rule.exclude.iter().flat_map(|x| x.find_all(ws)).collect();
                    for m in here {
                        if !other_senses.iter().any(|e| overlaps(e, &m)) {
                            found.push((si, m));
                        }
                    }
                }
                found
            })
            .collect()
    }

    /// Sentences close in meaning to a rule's examples join its triggers (model loaded only).
    fn add_meaning_triggers(
        &self,
        text: &str,
        sentences: &[Sentence],
        triggers: &mut [Vec<(usize, Match)>],
        scan: &mut Scan,
    ) {
        let Some(meaning) = &self.meaning else {
            return;
        };
        let found = meaning.candidates(text, sentences, |rule, si| {
            triggers[rule].iter().any(|(s, _)| *s == si)
        });
        for c in found {
            // The model cannot tell "pale yellow pee" from "yellow skin": a sentence where
            // one of the rule's other senses occurs is no candidate of that rule.
            let ws = &sentences[c.sentence].words;
            // "poo is normal colour" reads close to "red colour" to the model.
            if occurs(&self.rules[c.rule].exclude, ws) || occurs(&self.cues.reassurance, ws) {
                continue;
            }
            // A companion alone is no trigger: "i vomit everything" reads close to a fever
            // example, but vomiting is what a fever needs beside it, not the fever.
            if only_companions(&self.rules[c.rule].require_any, ws, &c.span) {
                continue;
            }
            scan.by_meaning
                .push((self.rules[c.rule].id.clone(), c.cosine));
            triggers[c.rule].push((c.sentence, c.span));
        }
    }

    /// Each sentence's cues, with what a sentence says about the one before it.
    fn contexts<'a>(&self, sentences: &'a [Sentence]) -> Vec<Context<'a>> {
        let mut contexts: Vec<Context<'_>> = sentences
            .iter()
            .map(|s| Context::new(s, &self.cues))
            .collect();
        for i in 1..contexts.len() {
            // A checklist answered in chat: "blood in stool? no. weight loss? nope".
            if contexts[i - 1].sentence.question && contexts[i].is_bare_negation() {
                contexts[i - 1].answered_no = true;
            }
            // A tag after a question: "can piles cause blood on the paper? general question".
            if contexts[i - 1].sentence.question && !contexts[i - 1].writer && contexts[i].is_tag {
                contexts[i - 1].general_question = true;
            }
            // A general question the writer then owns: "is blood in stool normal? I have it".
            // The answer may come a few sentences on ("Is it normal to have black poo after
            // starting naproxen? Physio put me on it. Mine's been like tar twice today").
            let owns = self.cues.owned.iter().any(|p| {
                p.find_all(&contexts[i].sentence.words)
                    .iter()
                    .any(|m| m.start == 0)
            });
            if owns {
                contexts[i - 1].owned_after = true;
                if let Some(q) = (0..i).rev().find(|&j| contexts[j].sentence.question) {
                    contexts[q].owned_after = true;
                }
            }
        }
        contexts
    }

    /// One rule over its triggers: the hit at the highest tier any trigger reached, or the
    /// first reason a trigger was set aside.
    fn fire(
        &self,
        rule: &Rule,
        found: Vec<(usize, Match)>,
        message: &Message<'_, '_>,
    ) -> Result<RedFlagHit, Option<SetAside>> {
        let contexts = message.contexts;
        let explained = asserted_anywhere(&rule.explained_by, contexts)
            && !asserted_anywhere(&rule.unexplained, contexts);
        // Per sentence, once per rule rather than once per trigger: a long sentence can
        // hold hundreds of triggers, and this keeps the scan linear in its length.
        let facts = RuleFacts::new(rule, contexts, message.ages);
        let mut best: Option<RedFlagHit> = None;
        let mut first_aside: Option<SetAside> = None;
        let mut writers_own = false;
        for (si, m) in found {
            let ws = &contexts[si].sentence.words;
            let matched = message.text[ws[m.start].start..ws[m.end - 1].end].to_string();
            // An explanation covers the plain symptom, never an escalation beyond it: iron
            // explains black stool, not black stool with fainting; beetroot explains a bowl
            // "like a crime scene", the trigger's own words.
            let explains = explained && !facts.escalated_near(si, Some(&m));
            let verdict = self
                .judge(rule, message, si, &m, &facts)
                .and_then(|someone_else| match explains {
                    true => Err(Reason::Explained),
                    false => Ok(someone_else),
                })
                .and_then(
                    |someone_else| match someone_else && message.others_in_care {
                        true => Err(Reason::InCare),
                        false => Ok(someone_else),
                    },
                );
            let about_someone_else = match verdict {
                Ok(someone_else) => someone_else,
                Err(reason) => {
                    first_aside.get_or_insert(SetAside {
                        rule: rule.id.clone(),
                        matched,
                        reason,
                    });
                    continue;
                }
            };
            let escalated = rule
                .escalate
                .as_ref()
                .filter(|_| facts.escalated_near(si, None));
            let (tier, advice) = match escalated {
                Some(e) => (e.tier, e.message.clone()),
                None => (rule.tier, rule.message.clone()),
            };
            if message.in_hand(rule, si, tier, about_someone_else) {
                first_aside.get_or_insert(SetAside {
                    rule: rule.id.clone(),
                    matched,
                    reason: Reason::InCare,
                });
                continue;
            }
            writers_own |= !about_someone_else;
            if best.as_ref().is_none_or(|b| tier > b.tier) {
                best = Some(RedFlagHit {
                    id: rule.id.clone(),
                    tier,
                    label: rule.label.clone(),
                    matched,
                    message: advice,
                    about_someone_else,
                });
            }
        }
        match best {
            // The writer's own alarm and a friend's for the same rule: the advice is the
            // writer's first, at the highest tier either reached.
            Some(mut hit) => {
                hit.about_someone_else = !writers_own;
                Ok(hit)
            }
            None => Err(first_aside),
        }
    }

    /// Whether one trigger raises an alarm: `Ok(about_someone_else)`, or why it is set aside.
    fn judge(
        &self,
        rule: &Rule,
        message: &Message<'_, '_>,
        si: usize,
        m: &Match,
        facts: &RuleFacts,
    ) -> Result<bool, Reason> {
        let ctx = &message.contexts[si];
        if ctx.negated(m) {
            return Err(Reason::Negated);
        }
        if ctx.fiction_about(m, rule.subject == Subject::Family) {
            return Err(Reason::Fiction);
        }
        if !ctx.owned_after && ctx.hypothetical(m) {
            return Err(Reason::Hypothetical);
        }
        if !ctx.owned_after && (ctx.general_question || ctx.general_before(m)) {
            return Err(Reason::GeneralQuestion);
        }
        let mut someone_else = false;
        match rule.subject {
            Subject::Writer => {
                let who = ctx.subject_before(m);
                if who == Who::NoAlarm {
                    return Err(Reason::OtherPerson);
                }
                if ctx.historical(m) || message.handled(si, m) {
                    return Err(Reason::Historical);
                }
                someone_else = who != Who::Writer;
            }
            // A relative's illness years ago is still family history: no historical check.
            Subject::Family => {
                let family = match ctx.subject_before_opt(m) {
                    Some(who) => who == Who::Family,
                    None => ctx.family_after(m),
                };
                if !family {
                    return Err(Reason::NotFamily);
                }
            }
        }
        if !facts.old_enough {
            return Err(Reason::AgeNotStated);
        }
        if let Some(qualifies) = &facts.qualifies {
            // The trigger's sentence or the next ("Been throwing up. It's been 3 days."), or
            // the two after for a rule that must persist. A companion with no duration (a
            // fever's gut symptom) may also come up to two sentences before: "Pain low on the
            // right since last night. I have a temp of 38.2".
            let (from, to) = match rule.min_days {
                Some(_) => (si, si + PERSISTENCE_AFTER),
                None => (si.saturating_sub(COMPANION_BEFORE), si + 1),
            };
            if !qualifies[from..=to.min(qualifies.len() - 1)]
                .iter()
                .any(|&q| q)
                && !ctx.qualified_by_trigger(&rule.require_any, m)
            {
                return Err(match rule.min_days {
                    Some(_) => Reason::NotPersistent,
                    None => Reason::Unqualified,
                });
            }
        }
        Ok(someone_else)
    }
}

/// Where a sentence's own words begin, past a greeting or the bot addressed by name ("bot,
/// what does melena mean?", "hey guys is black poo normal"): a question word there still
/// opens the question.
fn opening_word(ws: &[words::Word]) -> usize {
    const ADDRESS: &[&str] = &[
        "bot", "gutcheck", "hey", "hi", "hello", "yo", "ok", "okay", "so", "guys", "um", "umm",
    ];
    ws.iter()
        .take(3)
        .take_while(|w| ADDRESS.contains(&w.norm.as_str()))
        .count()
}

/// How many sentences before a trigger a `require_any` companion may stand, for rules that
/// need no duration.
const COMPANION_BEFORE: usize = 2;
/// How many sentences after a trigger a rule that must persist may find its duration or
/// companion ("still puking. day 2 now. it just wont stop"); other companions, one.
const PERSISTENCE_AFTER: usize = 2;
/// How many sentences after a trigger an escalation may come: chat adds a short aside or two
/// ("not on iron. 2 days now.") before the fainting.
const ESCALATION_AFTER: usize = 3;

/// What every rule reads of one message.
struct Message<'t, 'c> {
    text: &'t str,
    contexts: &'c [Context<'t>],
    ages: &'c [u32],
    /// Someone else in the message is already in care: advice to pass on to them would tell
    /// the writer nothing new.
    others_in_care: bool,
    /// Per sentence, an `under_investigation` cue is asserted there.
    investigating: Vec<bool>,
    /// Per sentence, a `being_seen` cue is asserted there.
    seen: Vec<bool>,
    /// A `treated` cue is asserted somewhere: care for something is over.
    treated: bool,
}

impl Message<'_, '_> {
    /// Care is over and the message then says all is well: "had the coffee-ground vomit on
    /// friday, got scoped, sent home. feeling ok" or "appendix removed last night, recovering".
    /// The resolution must come after the trigger: a `resolved` cue later in its sentence, or
    /// a `resolved` or `reassurance` cue in a later one. So "had a colonoscopy last year, all
    /// clear, but now there's blood again" still warns.
    fn handled(&self, si: usize, m: &Match) -> bool {
        let later = &self.contexts[si + 1..];
        self.treated
            && (self.contexts[si].resolved.iter().any(|r| r.start >= m.end)
                || later
                    .iter()
                    .any(|ctx| !ctx.resolved.is_empty() || ctx.reassured))
    }

    /// An alarm is already in hand when a clinician has it. A "book an appointment" alarm:
    /// someone else's when the message says it is being looked into anywhere, the writer's
    /// own when the trigger's sentence or the next does ("my GP is already investigating my
    /// low ferritin"). A "today" alarm of the writer's own: when they say, in the trigger's
    /// sentence or one beside it, that they are being seen for it now or were seen today.
    /// Emergency advice always stands, and a relative's care says nothing of the writer's
    /// own family-history risk.
    fn in_hand(&self, rule: &Rule, si: usize, tier: Tier, other: bool) -> bool {
        let at = |list: &[bool], i: usize| list.get(i).copied().unwrap_or(false);
        let beside = |list: &[bool]| at(list, si) || at(list, si + 1) || si > 0 && at(list, si - 1);
        let investigated = match other {
            true => self.investigating.contains(&true),
            false => at(&self.investigating, si) || at(&self.investigating, si + 1),
        };
        rule.subject == Subject::Writer
            && match tier {
                Tier::Soon => investigated || !other && beside(&self.seen),
                Tier::Urgent => !other && beside(&self.seen),
                Tier::Emergency => false,
            }
    }
}

/// What a rule needs to know of each sentence, computed once per message.
struct RuleFacts {
    /// Per sentence, the escalation phrases found there, not negated.
    escalations: Vec<Vec<Match>>,
    /// For rules with `require_any` or `min_days`: the sentence has a companion or a long
    /// enough duration.
    qualifies: Option<Vec<bool>>,
    /// The rule has no `min_age`, or the message states an age or cue that meets it.
    old_enough: bool,
}

impl RuleFacts {
    fn new(rule: &Rule, contexts: &[Context<'_>], ages: &[u32]) -> RuleFacts {
        let escalations = contexts
            .iter()
            .map(|c| match &rule.escalate {
                Some(e) => e
                    .when
                    .iter()
                    .flat_map(|p| p.find_all(&c.sentence.words))
                    .filter(|w| !c.negated(w))
                    .collect(),
                None => Vec::new(),
            })
            .collect();
        let needs = !rule.require_any.is_empty() || rule.min_days.is_some();
        let qualifies = needs.then(|| {
            contexts
                .iter()
                .map(|c| {
                    rule.require_any.iter().any(|p| {
                        p.find_all(&c.sentence.words)
                            .iter()
                            .any(|q| !c.negated(q) && !c.hypothetical(q))
                    }) || rule
                        .min_days
                        .is_some_and(|min| c.durations.iter().any(|d| d.days() >= min))
                })
                .collect()
        });
        let old_enough = rule.min_age.is_none_or(|min| {
            ages.iter().any(|&a| a >= min) || asserted_anywhere(&rule.age_cues, contexts)
        });
        RuleFacts {
            escalations,
            qualifies,
            old_enough,
        }
    }

    /// An escalation from the sentence before the trigger's to `ESCALATION_AFTER` after it
    /// ("Black tarry stool since last night. Not on iron. For 2 days. Nearly fainted
    /// today."), leaving out any inside `trigger` itself when one is given.
    fn escalated_near(&self, si: usize, trigger: Option<&Match>) -> bool {
        let from = si.saturating_sub(1);
        let to = (si + ESCALATION_AFTER).min(self.escalations.len() - 1);
        (from..=to).any(|i| {
            self.escalations[i].iter().any(|e| match trigger {
                Some(t) if i == si => e.end <= t.start || e.start >= t.end,
                _ => true,
            })
        })
    }
}

/// Whether any pattern of the list matches somewhere in the words.
fn occurs(list: &[Pattern], ws: &[words::Word]) -> bool {
    list.iter().any(|p| !p.find_all(ws).is_empty())
}

/// Whether every word that anchors `span` lies inside one of the rule's `require_any`
/// companions (none when the rule has no companions).
fn only_companions(require_any: &[Pattern], ws: &[words::Word], span: &Match) -> bool {
    if require_any.is_empty() {
        return false;
    }
    let companions: Vec<Match> = require_any.iter().flat_map(|p| p.find_all(ws)).collect();
    span.literals
        .iter()
        .all(|&i| companions.iter().any(|c| (c.start..c.end).contains(&i)))
}

/// Whether a cue of the list is asserted in one sentence (not negated, not hypothetical).
fn asserted_in(list: &[Pattern], ctx: &Context<'_>) -> bool {
    // A checklist answered in chat asserts nothing: "Heavy periods? No."
    !ctx.answered_no
        && list.iter().any(|p| {
            p.find_all(&ctx.sentence.words)
                .iter()
                .any(|m| !ctx.negated_raw(m) && !ctx.hypothetical(m))
        })
}

/// Per sentence, whether a cue of the list is asserted there.
fn asserted_per_sentence(list: &[Pattern], contexts: &[Context<'_>]) -> Vec<bool> {
    contexts.iter().map(|ctx| asserted_in(list, ctx)).collect()
}

/// Whether a cue of the list is asserted anywhere in the message (stops at the first).
fn asserted_anywhere(list: &[Pattern], contexts: &[Context<'_>]) -> bool {
    contexts.iter().any(|ctx| asserted_in(list, ctx))
}

/// "from 70kg to 62kg", "70 to 62 kg", "80 kg down to 72": a number, then "to" (or "down
/// to") and a smaller number, with the unit after either. Decimals are read by their whole
/// part ("70.5" is two words, 70 and 5), so only falls of at least one whole unit count.
fn falls(units: &[Pattern], verbs: &[Pattern], ws: &[words::Word]) -> Vec<Match> {
    if units.is_empty() && verbs.is_empty() {
        return Vec::new();
    }
    let num = |i: usize| ws.get(i).and_then(|w| w.norm.parse::<u32>().ok());
    let word = |i: usize| ws.get(i).map(|w| w.norm.as_str());
    let mut out = Vec::new();
    for i in 0..ws.len() {
        let Some(from) = num(i) else { continue };
        let mut j = i + 1;
        let unit_before = is_one_of(units, ws, j);
        if unit_before {
            j += 1;
        }
        if word(j) == Some("down") {
            j += 1;
        }
        if word(j) != Some("to") {
            continue;
        }
        let Some(to) = num(j + 1) else { continue };
        let mut end = j + 2;
        let unit_after = is_one_of(units, ws, end);
        if unit_after {
            end += 1;
        }
        let start = if unit_before || unit_after {
            Some(i)
        } else {
            unitless_fall_start(verbs, ws, i, from, to)
        };
        if let Some(start) = start
            && to < from
        {
            out.push(Match {
                start,
                end,
                literals: (start..end).collect(),
            });
        }
    }
    out
}

/// Whether the word at `i` alone matches one of the one-word patterns.
fn is_one_of(list: &[Pattern], ws: &[words::Word], i: usize) -> bool {
    i < ws.len()
        && list.iter().any(|p| {
            p.find_all(&ws[i..i + 1])
                .iter()
                .any(|m| m.start == 0 && m.end == 1)
        })
}

/// English subject pronouns: with a fall verb after them, a fall with no unit is someone's
/// weight ("she dropped from 70 to 64"), where a noun would say what fell ("my iron dropped
/// from 50 to 12"). Linguistic plumbing, not medical content, so it lives here.
const FALL_SUBJECTS: &[&str] = &[
    "i", "ive", "im", "id", "he", "hes", "she", "shes", "we", "weve", "they", "theyve", "have",
    "has", "had", "just", "already",
];

/// Body weights in kilograms or pounds that a unitless fall may name.
const PLAUSIBLE_WEIGHT: std::ops::RangeInclusive<u32> = 30..=450;

/// Where a fall with no unit begins, if "from" at `i - 1` follows one of the rule's fall
/// verbs that opens the sentence or follows a subject ("dropped from 68 to 61").
fn unitless_fall_start(
    verbs: &[Pattern],
    ws: &[words::Word],
    i: usize,
    from: u32,
    to: u32,
) -> Option<usize> {
    let plausible = PLAUSIBLE_WEIGHT.contains(&from) && PLAUSIBLE_WEIGHT.contains(&to);
    if i < 2 || ws[i - 1].norm != "from" || !plausible {
        return None;
    }
    let verb = i - 2;
    let is_verb = is_one_of(verbs, ws, verb);
    let opens = verb == 0 || FALL_SUBJECTS.contains(&ws[verb - 1].norm.as_str());
    (is_verb && opens).then_some(verb)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Writer,
    Other,
    Family,
    /// A grandparent, aunt, uncle or cousin: someone else, and no family history.
    Relative,
    /// A pet, or people in general: no alarm either way.
    NoAlarm,
}

/// The cues found in one sentence, computed once and shared by every rule.
struct Context<'a> {
    sentence: &'a Sentence,
    /// A first-person word names the writer somewhere in the sentence.
    writer: bool,
    /// Where a general tag that opens the sentence ends ("general q for the nurses: is a bit
    /// of red on the paper piles?", "hypothetically if my mum ..."): what follows is asked.
    opening_tag: Option<usize>,
    /// The whole sentence, give or take a word at either end, is a general tag ("general
    /// question", "just curious"): it makes the question before it general.
    is_tag: bool,
    negation: Vec<Match>,
    /// Including pseudo-negations: "not dieting" does not negate the weight loss after it,
    /// but it does negate "dieting" as an explanation.
    negation_raw: Vec<Match>,
    negation_after: Vec<Match>,
    /// Every scope ends here.
    terminators: Vec<usize>,
    /// Only negation scopes end here.
    negation_terminators: Vec<usize>,
    hypothetical: Vec<Match>,
    general_question: bool,
    /// General-talk cues; empty when the sentence has a first-person word.
    general: Vec<Match>,
    /// The sentence is a question and the next one only says "no".
    answered_no: bool,
    /// The next sentence says the writer has what this one asked about in general.
    owned_after: bool,
    historical: Vec<Match>,
    /// Current cues outside every resolution ("now" in "I'm fine now" is not one).
    current: Vec<Match>,
    resolved: Vec<Match>,
    /// A `reassurance` cue occurs here ("feeling ok", "all clear").
    reassured: bool,
    /// (start, end, who), sorted by start. Where cues overlap the longest wins ("my mum" is
    /// not the writer's "my", "anyone else" is not "anyone").
    subjects: Vec<(usize, usize, Who)>,
    durations: Vec<duration::Duration>,
    /// Fiction cues anywhere in the sentence.
    fiction: Vec<Match>,
    /// People in a story named in the sentence (meaningful only with a fiction cue).
    characters: Vec<Match>,
}

/// "in 2019", "back in 2016": a year before this one, after "in", dates what the clause tells
/// as past (a historical cue written in code, since a pattern cannot compare numbers).
fn past_years(ws: &[words::Word]) -> Vec<Match> {
    let this_year = i64::from(crate::faq::Date::today().year);
    ws.windows(2)
        .enumerate()
        .filter(|(_, pair)| matches!(pair[0].norm.as_str(), "in" | "en" | "em" | "im"))
        .filter(|(_, pair)| {
            pair[1].norm.len() == 4
                && pair[1]
                    .norm
                    .parse::<i64>()
                    .is_ok_and(|y| (1950..this_year).contains(&y))
        })
        .map(|(i, _)| Match {
            start: i,
            end: i + 2,
            literals: vec![i, i + 1],
        })
        .collect()
}

fn find(list: &[Pattern], ws: &[words::Word]) -> Vec<Match> {
    let mut out: Vec<Match> = list.iter().flat_map(|p| p.find_all(ws)).collect();
    out.sort_by_key(|m| (m.start, m.end));
    out.dedup();
    out
}

fn overlaps(a: &Match, b: &Match) -> bool {
    a.start < b.end && b.start < a.end
}

impl<'a> Context<'a> {
    fn new(sentence: &'a Sentence, cues: &Cues) -> Context<'a> {
        let ws = &sentence.words;
        let pseudo = find(&cues.pseudo_negation, ws);
        let negation_raw: Vec<Match> = find(&cues.negation, ws)
            .into_iter()
            // "No, I've had blood in my stool": a one-word "no" opening the sentence and
            // followed by a comma answers someone; it negates nothing after it.
            .filter(|m| !(m.start == 0 && m.end == 1 && ws[0].pause_after))
            .collect();
        let negation = negation_raw
            .iter()
            .filter(|m| !pseudo.iter().any(|p| overlaps(p, m)))
            .cloned()
            .collect();
        let negation_after = find(&cues.negation_after, ws)
            .into_iter()
            .filter(|m| !pseudo.iter().any(|p| overlaps(p, m)))
            .collect();
        let pseudo_hyp = find(&cues.pseudo_hypothetical, ws);
        let hypothetical = find(&cues.hypothetical, ws)
            .into_iter()
            .filter(|m| !pseudo_hyp.iter().any(|p| overlaps(p, m)))
            .collect();
        let starts = |list: &[Pattern]| -> Vec<usize> {
            let mut v: Vec<usize> = find(list, ws).iter().map(|m| m.start).collect();
            v.dedup();
            v
        };
        // The cue that reads the most words first ("anyone else" over "anyone", "my mum" over
        // "my"; "my coworker's mate" over "my .. mate" with the coworker skipped), then the
        // longest span, then close family over other relatives over other person over no-alarm
        // over first person, then the later one ("a relative of mine" is read as "relative of
        // mine", not "a relative" followed by the writer's "mine").
        let mut candidates: Vec<(usize, usize, Who, u8, usize)> = Vec::new();
        for (list, who, rank) in [
            (&cues.family, Who::Family, 0),
            (&cues.distant_family, Who::Relative, 1),
            (&cues.other_person, Who::Other, 2),
            (&cues.other_no_alarm, Who::NoAlarm, 3),
            (&cues.first_person, Who::Writer, 4),
        ] {
            candidates.extend(
                find(list, ws)
                    .iter()
                    .map(|m| (m.start, m.end, who, rank, m.literals.len())),
            );
        }
        let nobody = find(&cues.not_subject, ws);
        candidates.retain(|&(s, e, ..)| !nobody.iter().any(|n| n.start < e && s < n.end));
        candidates.sort_by_key(|&(s, e, _, rank, read)| {
            (Reverse(read), Reverse(e - s), rank, Reverse(e))
        });
        let mut subjects: Vec<(usize, usize, Who)> = Vec::new();
        for (start, end, who, ..) in candidates {
            if !subjects.iter().any(|&(s, e, _)| s < end && start < e) {
                subjects.push((start, end, who));
            }
        }
        subjects.sort_by_key(|&(s, _, _)| s);
        let writer = subjects.iter().any(|&(_, _, who)| who == Who::Writer);
        // Chat drops question marks: "is black poop a symptom of leaky gut".
        let opening = opening_word(ws);
        let question = sentence.question
            || find(&cues.question_opening, ws)
                .iter()
                .any(|m| m.start == opening);
        let general_question = question
            && !writer
            && find(&cues.general_question, ws)
                .iter()
                .any(|m| m.start == opening);
        let resolved = find(&cues.resolved, ws);
        let general = if writer {
            Vec::new()
        } else {
            find(&cues.general, ws)
        };
        // A tag may trail an address or a word: "ok general question", "just curious lol".
        const TAG_SLACK: usize = 1;
        let tags = find(&cues.general_tags, ws);
        let opening_tag = tags
            .iter()
            .filter(|m| m.start == opening)
            .map(|m| m.end)
            .max();
        let is_tag = tags
            .iter()
            .any(|m| m.start <= opening + TAG_SLACK && m.end + TAG_SLACK >= ws.len());
        Context {
            sentence,
            writer,
            opening_tag,
            is_tag,
            negation,
            negation_raw,
            negation_after,
            terminators: starts(&cues.terminators),
            negation_terminators: starts(&cues.negation_terminators),
            hypothetical,
            general_question,
            general,
            answered_no: false,
            owned_after: false,
            historical: find(&cues.historical, ws)
                .into_iter()
                .chain(past_years(ws))
                .collect(),
            current: find(&cues.current, ws)
                .into_iter()
                .filter(|c| !resolved.iter().any(|r| overlaps(r, c)))
                .collect(),
            resolved,
            subjects,
            durations: duration::durations(ws),
            fiction: find(&cues.fiction, ws),
            characters: find(&cues.fiction_characters, ws),
            reassured: occurs(&cues.reassurance, ws),
        }
    }

    fn terminated(&self, from: usize, to: usize, negation_too: bool) -> bool {
        let hit = |t: &usize| (from..to).contains(t);
        self.terminators.iter().any(hit)
            || (negation_too && self.negation_terminators.iter().any(hit))
    }

    /// A cue made of the trigger's own words ("can't swallow") says nothing about it.
    fn cue_outside(cue: &Match, m: &Match) -> bool {
        !(cue.start..cue.end).any(|i| m.is_literal(i))
    }

    fn negated(&self, m: &Match) -> bool {
        self.answered_no || self.negated_by(&self.negation, m)
    }

    /// A requirement met in the trigger's sentence, where a negation cue that is the accepted
    /// trigger's own word does not count: in "no painkiller touches this stomach pain" the
    /// "no" belongs to the trigger, so "stomach" is still a gut place.
    fn qualified_by_trigger(&self, require_any: &[Pattern], m: &Match) -> bool {
        let outside: Vec<Match> = self
            .negation
            .iter()
            .filter(|c| !(m.start <= c.start && c.end <= m.end))
            .cloned()
            .collect();
        require_any.iter().any(|p| {
            p.find_all(&self.sentence.words).iter().any(|q| {
                !self.answered_no && !self.negated_by(&outside, q) && !self.hypothetical(q)
            })
        })
    }

    /// The whole sentence is one negation cue ("no", "nope", "none").
    fn is_bare_negation(&self) -> bool {
        let n = self.sentence.words.len();
        self.negation_raw
            .iter()
            .chain(&self.negation_after)
            .any(|c| c.start == 0 && c.end == n)
    }

    fn general_before(&self, m: &Match) -> bool {
        self.general.iter().any(|c| {
            c.end <= m.last_literal()
                && Self::cue_outside(c, m)
                && !self.terminated(c.end, m.start.max(c.end), false)
        })
    }

    fn negated_raw(&self, m: &Match) -> bool {
        self.negated_by(&self.negation_raw, m)
    }

    fn negated_by(&self, cues: &[Match], m: &Match) -> bool {
        let before = cues.iter().any(|c| {
            if c.end > m.last_literal() || !Self::cue_outside(c, m) {
                return false;
            }
            // The first of the trigger's own words after the cue: "stool is not black" puts
            // the cue inside the match, before "black".
            let Some(&target) = m.literals.iter().find(|&&i| i >= c.end) else {
                return false;
            };
            target - c.end <= NEGATION_WINDOW
                && !self.terminated(c.end, target, true)
                && !self.new_owned_item(c, m)
        });
        before
            || self.negation_after.iter().any(|c| {
                c.start >= m.end
                    && c.start - m.end <= NEGATION_AFTER_WINDOW
                    && !self.terminated(m.end, c.start, true)
            })
    }

    /// A comma after the cue starts a new item when that item names whose it is before or in
    /// its first words: "no fever, blood in my stool" and "no fever, my stool is black" report
    /// a symptom, while a bare list of negated symptoms ("no fever, pain or blood in my stool",
    /// "no fever, diarrhoea or vomiting") stays negated. Erring this way costs a warning on an
    /// odd list; erring the other way hides blood in the stool.
    fn new_owned_item(&self, cue: &Match, m: &Match) -> bool {
        let ws = &self.sentence.words;
        let owned = |from: usize, to: usize| {
            self.subjects
                .iter()
                .any(|&(s, _, who)| (from..to).contains(&s) && who != Who::NoAlarm)
        };
        (cue.end.saturating_sub(1)..m.start).any(|p| {
            ws[p].pause_after
                && if p + 1 == m.start {
                    owned(m.start, m.end)
                } else {
                    owned(p + 1, m.start)
                }
        })
    }

    /// A hypothetical's scope also ends at a comma: "if I eat gluten, I get blood in my stool"
    /// reports what happens, while "if you see blood in your stool, see a doctor" does not.
    fn hypothetical(&self, m: &Match) -> bool {
        let ws = &self.sentence.words;
        if self.opening_tag.is_some_and(|end| end <= m.start) {
            return true;
        }
        self.hypothetical.iter().any(|c| {
            let to = m.start.max(c.end);
            c.end <= m.last_literal()
                && Self::cue_outside(c, m)
                && (self.is_preface(c)
                    || (!self.terminated(c.end, to, false)
                        && !ws[c.end - 1..to].iter().any(|w| w.pause_after)))
        })
    }

    /// A cue that opens the sentence and is set off by a pause ("out of curiosity, can a
    /// fever ...", "hypothetically: ...") frames the whole sentence, past its commas.
    fn is_preface(&self, c: &Match) -> bool {
        let ws = &self.sentence.words;
        c.start <= opening_word(ws) && ws[c.end - 1].pause_after
    }

    /// The clause around the match: from the last terminator before it to the next after.
    fn clause(&self, m: &Match) -> (usize, usize) {
        let start = self
            .terminators
            .iter()
            .filter(|&&t| t <= m.start)
            .max()
            .copied()
            .unwrap_or(0);
        let end = self
            .terminators
            .iter()
            .filter(|&&t| t >= m.end)
            .min()
            .copied()
            .unwrap_or(self.sentence.words.len());
        (start, end)
    }

    /// Past: a historical cue in the clause and no current one, or a resolution after the
    /// trigger in its clause ("vomiting for days, fully recovered now"), whatever else the
    /// clause says.
    fn historical(&self, m: &Match) -> bool {
        let (start, end) = self.clause(m);
        let inside = |c: &&Match| c.start >= start && c.end <= end;
        let resolved_after = self
            .resolved
            .iter()
            .any(|c| c.start >= m.end && c.end <= end);
        resolved_after
            || (self.historical.iter().any(|c| inside(&c))
                && !self.current.iter().any(|c| inside(&c)))
    }

    /// Who the nearest subject cue before the trigger's last word names.
    fn subject_before_opt(&self, m: &Match) -> Option<Who> {
        let i = self
            .subjects
            .iter()
            .rposition(|&(s, e, _)| s <= m.last_literal() && !(s..e).any(|i| m.is_literal(i)))?;
        let who = self.subjects[i].2;
        // "my dog has blood in his stool": the person named last is a pronoun for the pet
        // just before it, which raises no alarm.
        if who == Who::Other && i > 0 && self.subjects[i - 1].2 == Who::NoAlarm {
            return Some(Who::NoAlarm);
        }
        if who != Who::Other || !self.is_pronoun(i) {
            return Some(who);
        }
        // "my mum and her sister had ovarian cancer": a pronoun right after a relative is
        // that relative's, so her sister is family too.
        if i > 0 && matches!(self.subjects[i - 1].2, Who::Family | Who::Relative) {
            return Some(self.subjects[i - 1].2);
        }
        // "some influencer says her gut made her lose 20kg": pronouns after someone the
        // advice is not for are theirs, however many.
        // The writer ("my coworker told me she ...") is never who "she" stands for.
        match (0..i)
            .rev()
            .find(|&j| !self.is_pronoun(j) && self.subjects[j].2 != Who::Writer)
        {
            Some(j) if self.subjects[j].2 == Who::NoAlarm => Some(Who::NoAlarm),
            _ => Some(who),
        }
    }

    /// Whether subject `i` is a bare third-person pronoun.
    fn is_pronoun(&self, i: usize) -> bool {
        let (s, e, _) = self.subjects[i];
        e == s + 1
            && matches!(
                self.sentence.words[s].norm.as_str(),
                "her" | "his" | "their" | "she" | "he" | "shes" | "hes" | "him"
            )
    }

    /// The sentence tells a story, not a report: a fiction cue with no writer before the
    /// trigger ("in the episode he vomits blood"); or, after the writer's nearest cue, a
    /// fiction cue right after it ("my dnd character is vomiting blood") or a character named
    /// before the trigger ("i'm watching the series and the protagonist vomits blood"). "I
    /// was watching netflix and threw up blood" stays the writer's. Family history in a story
    /// is never the writer's family.
    fn fiction_about(&self, m: &Match, family: bool) -> bool {
        if self.fiction.is_empty() {
            return false;
        }
        // The writer's own child is as real as the writer: "gave him toast and let him watch
        // telly, now my son's pain is worse" is a report.
        let real = |who: Who| matches!(who, Who::Writer | Who::Family | Who::Relative);
        if family || !self.subject_before_opt(m).is_some_and(real) {
            return true;
        }
        let writer_end = self
            .subjects
            .iter()
            .filter(|&&(s, _, who)| s <= m.start && real(who))
            .map(|&(_, e, _)| e)
            .max();
        let character_between = |e: usize| {
            self.characters
                .iter()
                .any(|c| c.start >= e && c.end <= m.start)
        };
        writer_end.is_some_and(|e| {
            character_between(e)
                || self
                    .fiction
                    .iter()
                    .any(|f| f.start >= e && f.start <= e + 1 && f.end <= m.start)
        })
    }

    /// Writer rules read a sentence with no subject cue as the writer's own: chat drops the
    /// "I" ("blood in stool since Tuesday").
    fn subject_before(&self, m: &Match) -> Who {
        self.subject_before_opt(m).unwrap_or(Who::Writer)
    }

    /// "Coeliac runs in my family": the relative is named after the condition.
    fn family_after(&self, m: &Match) -> bool {
        self.subjects
            .iter()
            .any(|&(s, _, who)| s >= m.end && who == Who::Family)
    }
}

#[cfg(test)]
mod tests;
