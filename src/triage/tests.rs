//! Unit tests of the context logic on small, inline rule and cue sets, so each test states
//! exactly the cues it relies on. The labelled corpus over the real `faq/` files is
//! tests/triage_corpus.rs.

use super::*;
use crate::faq::redflags::Escalation;
use crate::text::clean::clean;

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn context() -> ContextFile {
    ContextFile {
        attribution: "test".into(),
        ordinary_examples: vec![],
        negation: strings(&[
            "no",
            "not",
            "never",
            "havent|hasnt",
            "dont|doesnt",
            "without",
        ]),
        negation_after: strings(&["went away", "none"]),
        pseudo_negation: strings(&["not only", "no doubt", "cant stop", "no reason"]),
        negation_terminators: strings(&["and i|ive|im", "and lost"]),
        hypothetical: strings(&["what if", "should i worry if", "if"]),
        pseudo_hypothetical: strings(&["wondering if"]),
        general_question: strings(&["can", "does", "is"]),
        general: strings(&["red flags"]),
        owned: strings(&["i have it", "mine"]),
        general_tags: strings(&["general question", "just curious"]),
        in_care: strings(&["in hospital"]),
        under_investigation: strings(&["investigating", "waiting for ..2 scan"]),
        being_seen: strings(&["im ..2 in hospital", "waiting ..2 to be seen"]),
        treated: strings(&["got scoped", "sent home"]),
        reassurance: strings(&["is normal", "feeling ok"]),
        historical: strings(&["years ago", "as a kid"]),
        current: strings(&["since", "still", "again", "now"]),
        resolved: strings(&["all fine since", "fully recovered", "im fine now"]),
        question_opening: strings(&["is|does"]),
        first_person: strings(&["i", "ive", "im", "my", "me"]),
        other_person: strings(&["my ..1 friend", "she|he|her|his"]),
        other_no_alarm: strings(&[
            "my ..1 dog",
            "anyone|people",
            "influencer",
            "my coworkers friend",
        ]),
        family: strings(&[
            "my ..1 mum|mom|dad|sister|son",
            "my ..3 year old",
            "runs in",
        ]),
        distant_family: strings(&["my grandad|cousin"]),
        not_subject: vec![],
        fiction: strings(&["episode", "storyline"]),
        fiction_characters: strings(&["character"]),
        terminators: strings(&["but", "although", "except", "until"]),
    }
}

fn rule(id: &str, tier: Tier, patterns: &[&str]) -> RedFlagRule {
    RedFlagRule {
        id: id.into(),
        tier,
        label: id.into(),
        patterns: strings(patterns),
        examples: vec![],
        message: format!("{id} message"),
        sources: vec!["s".into()],
        note: None,
        subject: Subject::Writer,
        exclude: vec![],
        explained_by: vec![],
        unexplained: vec![],
        min_age: None,
        age_cues: vec![],
        require_any: vec![],
        min_days: None,
        falling: vec![],
        falling_verbs: vec![],
        escalate: None,
    }
}

fn triage() -> Triage {
    let mut blood = rule("blood", Tier::Urgent, &["blood .. stool|poop"]);
    blood.exclude = strings(&["blood test|sugar"]);
    blood.escalate = Some(Escalation {
        tier: Tier::Emergency,
        when: strings(&["a lot of blood", "dizzy"]),
        message: "blood emergency".into(),
    });
    let mut weight = rule("weight", Tier::Soon, &["lost|losing ..3 weight|kg"]);
    weight.explained_by = strings(&["trying to lose", "on a diet", "gym"]);
    weight.unexplained = strings(&["without trying"]);
    let mut bowel = rule("bowel", Tier::Soon, &["diarrh*"]);
    bowel.min_days = Some(21);
    let mut vomit = rule("vomit", Tier::Urgent, &["vomiting", "throwing up"]);
    vomit.require_any = strings(&["every day", "keep|keeps"]);
    vomit.min_days = Some(2);
    let mut family = rule("family-coeliac", Tier::Soon, &["coeliac|celiac"]);
    family.subject = Subject::Family;
    let swallow = rule("swallow", Tier::Soon, &["cant swallow"]);
    let mut fever = rule("fever", Tier::Urgent, &["fever"]);
    fever.require_any = strings(&["diarrh*", "the runs"]);
    let mut black = rule("black", Tier::Urgent, &["stool .. black"]);
    black.explained_by = strings(&["iron tablets"]);
    black.escalate = Some(Escalation {
        tier: Tier::Emergency,
        when: strings(&["dizzy|faint"]),
        message: "black emergency".into(),
    });
    let mut bloating = rule("bloating", Tier::Soon, &["bloated"]);
    bloating.min_age = Some(50);
    bloating.age_cues = strings(&["menopause"]);
    bloating.require_any = strings(&["every day"]);
    Triage::from_parts(
        &[
            blood, weight, bowel, vomit, family, swallow, black, fever, bloating,
        ],
        &context(),
    )
    .unwrap()
}

fn fired(text: &str) -> Vec<(String, Tier)> {
    triage()
        .scan(&clean(text))
        .into_iter()
        .map(|h| (h.id, h.tier))
        .collect()
}

fn ids(text: &str) -> Vec<String> {
    fired(text).into_iter().map(|(id, _)| id).collect()
}

fn reason(text: &str) -> Option<Reason> {
    triage()
        .analyze(&clean(text))
        .set_aside
        .first()
        .map(|s| s.reason)
}

#[test]
fn a_plain_report_fires_with_the_matched_words() {
    let hits = triage().scan(&clean("There's Blood in my stool since Monday"));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, "blood");
    assert_eq!(hits[0].tier, Tier::Urgent);
    assert_eq!(hits[0].matched, "Blood in my stool");
    assert_eq!(hits[0].message, "blood message");
}

#[test]
fn negation_scope_ends_at_terminators_and_sentence_ends() {
    assert!(ids("no blood in my stool, just bloating").is_empty());
    assert_eq!(reason("no blood in my stool"), Some(Reason::Negated));
    assert_eq!(ids("no pain but blood in my stool"), ["blood"]);
    assert_eq!(ids("no pain. blood in my stool"), ["blood"]);
    assert_eq!(ids("no pain\nblood in my stool"), ["blood"]);
    assert_eq!(ids("no fever and I've lost 6 kg"), ["weight"]);
    assert!(ids("I haven't lost any weight").is_empty());
}

#[test]
fn negation_reaches_only_a_few_words() {
    assert!(ids("not feeling great these days honestly blood in my stool").is_empty());
    assert_eq!(
        ids("not feeling great at all these days to be honest with you, blood in my stool"),
        ["blood"]
    );
}

#[test]
fn a_comma_ends_the_negation_before_an_item_that_names_its_owner() {
    // "no fever, blood in my stool" reports blood: the new item says whose it is. A bare list
    // of negated symptoms stays negated.
    assert_eq!(ids("no fever, blood in my stool though"), ["blood"]);
    assert_eq!(
        ids("not feeling great these days honestly, blood in my stool"),
        ["blood"]
    );
    assert_eq!(ids("no pain, no fever, blood in my poop"), ["blood"]);
    assert!(ids("no fever, no blood in my stool").is_empty());
    assert!(ids("no fever, diarrhoea or vomiting").is_empty());
    assert!(ids("I haven't had fever, pain or blood in my stool").is_empty());
    assert_eq!(ids("no fever, my stool is black"), ["black"]);
    assert_eq!(ids("no fever, I have blood in my stool"), ["blood"]);
    assert!(ids("no fever, pain or blood in my stool").is_empty());
}

#[test]
fn a_negation_inside_the_match_counts_one_in_the_trigger_does_not() {
    assert!(ids("my stool is not black").is_empty());
    assert_eq!(ids("my stool is black"), ["black"]);
    assert_eq!(ids("I can't swallow"), ["swallow"]);
}

#[test]
fn post_negation_and_pseudo_negation() {
    assert!(ids("blood in my stool went away").is_empty());
    assert_eq!(
        ids("not only bloating, there is blood in my stool"),
        ["blood"]
    );
    assert_eq!(ids("I've lost weight for no reason"), ["weight"]);
    assert_eq!(ids("no doubt I've lost weight"), ["weight"]);
}

#[test]
fn an_answering_no_does_not_negate() {
    assert_eq!(ids("No, there is blood in my stool"), ["blood"]);
    assert!(ids("No blood in my stool").is_empty());
}

#[test]
fn hypotheticals_and_general_questions_inform_instead() {
    assert_eq!(
        reason("what if I had blood in my stool"),
        Some(Reason::Hypothetical)
    );
    assert_eq!(
        reason("should I worry if I lost weight"),
        Some(Reason::Hypothetical)
    );
    assert_eq!(
        reason("can leaky gut cause blood in stool?"),
        Some(Reason::GeneralQuestion)
    );
    // A question about the writer's own stool is a report.
    assert_eq!(ids("is blood in my stool normal?"), ["blood"]);
    // "wondering if" reports and wonders.
    assert_eq!(
        ids("wondering if blood in my stool is leaky gut"),
        ["blood"]
    );
    // The report comes before the "if": it stands.
    assert_eq!(ids("blood in my stool, what if it is serious"), ["blood"]);
    // A comma ends the conditional: what follows it is reported.
    assert_eq!(ids("if I eat gluten, I get blood in my stool"), ["blood"]);
    assert!(ids("if you see blood in your stool, see a doctor").is_empty());
    // A tag after the question makes it general; not when the question was the writer's.
    assert_eq!(
        reason("blood in stool from piles? general question"),
        Some(Reason::GeneralQuestion)
    );
    assert_eq!(
        ids("is blood in my stool from piles? just curious"),
        ["blood"]
    );
    // A general tag opening the sentence frames it, pause or not.
    assert_eq!(
        reason("general question is blood in stool from piles"),
        Some(Reason::Hypothetical)
    );
    // A preface set off by a comma frames the whole sentence.
    assert_eq!(
        reason("what if, after a curry, there is blood in stool"),
        Some(Reason::Hypothetical)
    );
    // Someone else already in care needs no advice passed on; the writer still does.
    assert_eq!(
        reason("my dad is in hospital with blood in his stool"),
        Some(Reason::InCare)
    );
    assert_eq!(
        ids("my dad is in hospital and now I have blood in my stool"),
        ["blood"]
    );
    // A general question the next sentence owns is a report.
    assert_eq!(
        ids("can leaky gut cause blood in stool? I have it"),
        ["blood"]
    );
}

#[test]
fn an_appointment_alarm_already_being_investigated_is_in_hand() {
    // The writer's own "book an appointment" alarm, with a clinician on it in the same
    // sentence or the next.
    assert_eq!(
        reason("my gp is investigating why i lost 6kg"),
        Some(Reason::InCare)
    );
    assert_eq!(
        reason("i lost 6kg without trying. waiting for the scan now"),
        Some(Reason::InCare)
    );
    // Further away, it may be about something else.
    assert_eq!(
        ids("i lost 6kg without trying. no idea why. also waiting for a scan on my knee"),
        ["weight"]
    );
    // Same-day advice stands whoever is investigating.
    assert_eq!(
        ids("my gp is investigating and now there is blood in my stool"),
        ["blood"]
    );
    // Someone else's, anywhere in the message.
    assert_eq!(
        reason("my dad lost 6kg without trying. the gp is investigating"),
        Some(Reason::InCare)
    );
    // A relative's investigation says nothing of the writer's family-history risk.
    assert_eq!(
        ids("my mum has coeliac and is investigating her bloating, i get diarrhea too"),
        ["family-coeliac"]
    );
}

#[test]
fn the_writer_already_being_seen_has_a_today_alarm_in_hand() {
    // A bug: the writer waiting in hospital for the bleeding was told to go today.
    assert_eq!(
        reason("im sat in hospital waiting to be seen for blood in my stool"),
        Some(Reason::InCare)
    );
    // In the sentence before or after the trigger too.
    assert_eq!(
        reason("blood in my stool since monday. im in hospital now"),
        Some(Reason::InCare)
    );
    // Emergency advice always stands.
    assert_eq!(
        fired("im in hospital and there is a lot of blood in my stool"),
        [("blood".to_string(), Tier::Emergency)]
    );
    // Someone else in hospital leaves the writer's own alarm standing.
    assert_eq!(
        ids("my dad is in hospital. i have blood in my stool"),
        ["blood"]
    );
}

#[test]
fn an_explanation_answered_no_in_a_checklist_explains_nothing() {
    // A bug: "on a diet? no." still explained the weight loss.
    assert_eq!(ids("lost 6kg. on a diet? no. gym? no."), ["weight"]);
    assert_eq!(reason("lost 6kg. on a diet."), Some(Reason::Explained));
}

#[test]
fn a_cue_with_more_words_read_names_the_subject() {
    // A bug: "my .. friend" skipping "coworkers" outranked the gossip cue of three words.
    assert_eq!(
        reason("my coworkers friend is losing weight"),
        Some(Reason::OtherPerson)
    );
    // A bug: "she" after "told me" was read as someone the writer asks for.
    assert_eq!(
        reason("my coworkers friend told me she is losing weight"),
        Some(Reason::OtherPerson)
    );
}

#[test]
fn history_without_a_current_word_is_set_aside() {
    assert_eq!(
        reason("I had blood in my stool years ago"),
        Some(Reason::Historical)
    );
    assert_eq!(ids("blood in my stool years ago and still now"), ["blood"]);
    assert_eq!(
        ids("I had blood in my stool as a kid and again now"),
        ["blood"]
    );
    // A terminator closes the clause: what follows it does not make the past current.
    assert_eq!(
        reason("I had blood in my stool as a kid but I'm fine again"),
        Some(Reason::Historical)
    );
}

fn about_someone_else(text: &str) -> Vec<(String, bool)> {
    triage()
        .scan(&clean(text))
        .into_iter()
        .map(|h| (h.id, h.about_someone_else))
        .collect()
}

#[test]
fn someone_elses_current_alarm_fires_marked_as_theirs() {
    let theirs = |id: &str| vec![(id.to_string(), true)];
    assert_eq!(
        about_someone_else("my friend has blood in her stool"),
        theirs("blood")
    );
    assert_eq!(
        about_someone_else("my mum has blood in her stool"),
        theirs("blood")
    );
    assert_eq!(
        about_someone_else("my grandad has blood in his stool"),
        theirs("blood")
    );
    assert_eq!(
        about_someone_else("she says her stool is black"),
        theirs("black")
    );
    assert_eq!(
        about_someone_else("my son keeps throwing up"),
        theirs("vomit")
    );
    // A child named by age is a child, not the writer's "my".
    assert_eq!(
        about_someone_else("my 3 year old has blood in his poop"),
        theirs("blood")
    );
    assert_eq!(
        about_someone_else("I have blood in my stool"),
        [("blood".to_string(), false)]
    );
}

#[test]
fn someone_elses_alarm_keeps_every_other_check() {
    assert_eq!(
        reason("my friend has no blood in her stool"),
        Some(Reason::Negated)
    );
    assert_eq!(
        reason("what if my friend had blood in her stool"),
        Some(Reason::Hypothetical)
    );
    assert_eq!(
        reason("my friend had blood in her stool years ago"),
        Some(Reason::Historical)
    );
    assert_eq!(
        reason("my friend vomiting once"),
        Some(Reason::NotPersistent)
    );
    assert!(ids("my friend had a blood test after pooping").is_empty());
    assert_eq!(
        reason("my friend is on a diet and lost 5 kg"),
        Some(Reason::Explained)
    );
    // Escalation applies to them as it would to the writer.
    assert_eq!(
        fired("my friend has a lot of blood in her stool"),
        [("blood".to_string(), Tier::Emergency)]
    );
}

#[test]
fn pets_and_people_in_general_raise_nothing() {
    assert_eq!(
        reason("my dog has blood in his stool"),
        Some(Reason::OtherPerson)
    );
    assert_eq!(
        reason("has anyone had blood in their stool"),
        Some(Reason::OtherPerson)
    );
    assert!(ids("people with IBD get blood in their stool").is_empty());
}

#[test]
fn the_writers_own_alarm_outranks_someone_elses_for_the_same_rule() {
    let hits = triage().scan(&clean(
        "my friend has a lot of blood in her stool. I have blood in my stool too",
    ));
    assert_eq!(hits.len(), 1);
    assert!(!hits[0].about_someone_else);
    // The tier is still the highest found, whoever it belongs to.
    assert_eq!(hits[0].tier, Tier::Emergency);
    let mut both = about_someone_else("my friend keeps throwing up and my stool is black");
    both.sort();
    assert_eq!(
        both,
        [("black".to_string(), false), ("vomit".to_string(), true)]
    );
}

#[test]
fn family_history_counts_only_blood_relatives() {
    assert_eq!(ids("my mum has coeliac"), ["family-coeliac"]);
    assert_eq!(ids("my 3 year old has coeliac"), ["family-coeliac"]);
    assert_eq!(ids("coeliac runs in my family"), ["family-coeliac"]);
    assert_eq!(reason("I have coeliac"), Some(Reason::NotFamily));
    assert_eq!(reason("my friend has coeliac"), Some(Reason::NotFamily));
    // Second-degree relatives are no family history (the guidelines count first-degree
    // ones); a grandad's own alarm is still someone else's to pass on.
    assert_eq!(reason("my grandad had coeliac"), Some(Reason::NotFamily));
    assert_eq!(reason("my cousin has coeliac"), Some(Reason::NotFamily));
    assert!(ids("my mum doesn't have coeliac").is_empty());
    // The writer's own symptom after a relative's condition is the writer's.
    let mut both = ids("my mum has coeliac and my stool is black");
    both.sort();
    assert_eq!(both, ["black", "family-coeliac"]);
}

#[test]
fn exclusions_and_explanations() {
    assert!(ids("blood sugar after pooping").is_empty());
    assert_eq!(
        ids("had a blood test. there is blood in my stool"),
        ["blood"]
    );
    assert_eq!(reason("on a diet and lost 5 kg"), Some(Reason::Explained));
    // A negated explanation explains nothing.
    assert_eq!(ids("I'm not on a diet and lost 5 kg"), ["weight"]);
}

/// The clinical review's cases: an explanation used to switch the whole rule off.
#[test]
fn an_explanation_never_silences_an_escalation_or_what_it_leaves_open() {
    assert_eq!(
        reason("on iron tablets, stool is black"),
        Some(Reason::Explained)
    );
    assert_eq!(
        fired("on iron tablets and my stool is black. I feel faint"),
        [("black".to_string(), Tier::Emergency)]
    );
    assert_eq!(
        reason("lost 10 kg since I joined the gym"),
        Some(Reason::Explained)
    );
    assert_eq!(
        ids("I go to the gym but lost 10 kg without trying"),
        ["weight"]
    );
}

#[test]
fn an_age_rule_needs_a_stated_age_or_its_cue() {
    assert_eq!(reason("bloated every day"), Some(Reason::AgeNotStated));
    assert_eq!(
        reason("I'm 34 and bloated every day"),
        Some(Reason::AgeNotStated)
    );
    assert_eq!(ids("I'm 56 and bloated every day"), ["bloating"]);
    assert_eq!(
        ids("since the menopause I'm bloated every day"),
        ["bloating"]
    );
}

#[test]
fn a_plot_is_not_a_report_unless_the_writer_names_themselves() {
    assert_eq!(
        reason("the storyline had blood in his stool"),
        Some(Reason::Fiction)
    );
    assert_eq!(
        reason("in that episode the stool was black"),
        Some(Reason::Fiction)
    );
    assert_eq!(
        ids("I was watching an episode and saw blood in my stool"),
        ["blood"]
    );
}

#[test]
fn durations_and_persistence_qualify() {
    assert_eq!(reason("diarrhoea for 2 weeks"), Some(Reason::NotPersistent));
    assert_eq!(ids("diarrhoea for six weeks"), ["bowel"]);
    assert_eq!(ids("diarrhea 3 wks now"), ["bowel"]);
    assert_eq!(ids("diarrhoea. It has been over a month"), ["bowel"]);
    assert_eq!(
        reason("threw up once, vomiting"),
        Some(Reason::NotPersistent)
    );
    assert_eq!(ids("I keep throwing up"), ["vomit"]);
    assert_eq!(ids("vomiting since Tuesday"), ["vomit"]);
    assert_eq!(ids("vomiting for 2 days"), ["vomit"]);
}

#[test]
fn escalation_raises_the_tier_and_swaps_the_message() {
    let hits = triage().scan(&clean("a lot of blood in my stool"));
    assert_eq!(hits[0].tier, Tier::Emergency);
    assert_eq!(hits[0].message, "blood emergency");
    let hits = triage().scan(&clean("blood in my stool. I feel dizzy"));
    assert_eq!(hits[0].tier, Tier::Emergency);
    assert_eq!(fired("blood in my stool, not dizzy")[0].1, Tier::Urgent);
}

#[test]
fn hits_come_highest_tier_first_one_per_rule() {
    let got = fired("lost 5 kg. blood in my stool. blood in my poop again");
    assert_eq!(
        got,
        [
            ("blood".to_string(), Tier::Urgent),
            ("weight".to_string(), Tier::Soon)
        ]
    );
}

#[test]
fn quoted_lines_are_not_scanned() {
    assert!(ids("> blood in my stool\nthanks for the info").is_empty());
}

#[test]
fn bad_patterns_are_reported_when_compiling() {
    let r = rule("x", Tier::Soon, &["blood ..9 stool"]);
    let err = Triage::from_parts(&[r], &context()).err().unwrap();
    assert!(err.contains("rule `x` pattern"), "{err}");
}

#[test]
fn a_resolution_after_the_trigger_makes_it_past_and_masks_its_time_words() {
    // "now" and "since" inside a resolution ("fine now", "all fine since") are not current.
    assert_eq!(
        reason("I had blood in my stool years ago, all fine since"),
        Some(Reason::Historical)
    );
    assert_eq!(
        reason("blood in my stool years ago, fully recovered now"),
        Some(Reason::Historical)
    );
    assert_eq!(
        reason("I kept vomiting for days, I'm fine now"),
        Some(Reason::Historical)
    );
    // A current word outside the resolution still counts, and a resolution before the
    // trigger says nothing about it.
    assert_eq!(ids("blood in my stool since last year"), ["blood"]);
    assert_eq!(ids("I was fine now blood in my stool again"), ["blood"]);
}

#[test]
fn a_question_without_its_mark_is_still_a_question() {
    assert_eq!(
        reason("is the stool black with leaky gut"),
        Some(Reason::GeneralQuestion)
    );
    assert_eq!(ids("is my stool black because of iron"), ["black"]);
    assert_eq!(ids("stool black for days"), ["black"]);
}

#[test]
fn a_rule_without_a_duration_needs_its_companion_not_persistence() {
    // The fever rule asks for a gut symptom alongside, never for a duration.
    assert_eq!(ids("fever and the runs since yesterday"), ["fever"]);
    assert_eq!(ids("fever and the runs"), ["fever"]);
    assert_eq!(reason("fever since yesterday"), Some(Reason::Unqualified));
    // A rule with `min_days` that is not met is not persistent.
    assert_eq!(
        reason("threw up once, vomiting"),
        Some(Reason::NotPersistent)
    );
}

#[test]
fn the_last_or_past_month_is_a_duration() {
    assert_eq!(ids("diarrhoea every day over the last month"), ["bowel"]);
    assert_eq!(ids("diarrhoea in the past few weeks"), ["bowel"]);
    assert_eq!(
        reason("diarrhoea over the last week"),
        Some(Reason::NotPersistent)
    );
}

/// The real rules and cues in faq/, for fixes made in the data.
fn real_triage() -> &'static Triage {
    static T: std::sync::OnceLock<Triage> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
        let faq = Faq::load(&dir).unwrap_or_else(|d| panic!("faq/ does not load: {d:?}"));
        Triage::new(&faq)
    })
}

fn real(text: &str) -> Vec<(String, bool)> {
    real_triage()
        .scan(&clean(text))
        .into_iter()
        .map(|h| (h.id, h.about_someone_else))
        .collect()
}

fn real_ids(text: &str) -> Vec<String> {
    real(text).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn real_coffee_ground_vomit_further_along_the_sentence() {
    assert!(
        real_ids("been puking all night and now it looks like coffee grounds")
            .contains(&"vomiting-blood".to_string())
    );
    assert!(
        real_ids("i keep throwing up and it looks like coffee grounds")
            .contains(&"vomiting-blood".to_string())
    );
}

#[test]
fn real_fever_or_temperature_with_the_runs() {
    assert!(
        real_ids("got a fever of 39 and the runs since yesterday")
            .contains(&"fever-with-gut-symptoms".to_string())
    );
    assert!(
        real_ids("running a temp of 38.5 with diarrhoea")
            .contains(&"fever-with-gut-symptoms".to_string())
    );
    assert!(
        real_ids(
            "had food poisoning last year with fever and vomiting for days, fully recovered now"
        )
        .is_empty()
    );
}

#[test]
fn real_waking_with_pain_a_few_words_on() {
    assert_eq!(
        real_ids("woke up at 2am again with my belly hurting"),
        ["night-pain"]
    );
}

#[test]
fn real_bare_relative_and_possessive_forms() {
    assert_eq!(
        real_ids("sister has ulcerative colitis, is that a risk for me"),
        ["family-ibd"]
    );
    assert!(real_ids("his sister has ulcerative colitis").is_empty());
    assert_eq!(
        real("my son's been vomiting for three days and can't keep anything down"),
        [
            ("cannot-keep-fluids-down".to_string(), true),
            ("persistent-vomiting".to_string(), true)
        ]
    );
}

#[test]
fn real_pets_without_my_and_other_animals() {
    assert!(real_ids("cat keeps throwing up hairballs for days").is_empty());
    assert!(real_ids("my rabbit's lost weight, any vet recs").is_empty());
    assert!(real_ids("our hamster has been vomiting every day").is_empty());
}

#[test]
fn real_intentional_cut_and_general_weight_questions() {
    assert!(real_ids("been on a cut and dropped 4 kilos").is_empty());
    assert!(real_ids("at what point does weight loss become something to get checked?").is_empty());
    assert_eq!(
        real_ids("dropped 4 kilos without trying"),
        ["unintended-weight-loss"]
    );
}

#[test]
fn real_weight_going_down_in_numbers() {
    assert_eq!(
        real_ids("I've gone from 70kg to 62kg without trying"),
        ["unintended-weight-loss"]
    );
    assert!(real_ids("I've gone from 62kg to 70kg").is_empty());
}

#[test]
fn pronouns_after_someone_the_advice_is_not_for_stay_theirs() {
    // A bug: only the pronoun right after the influencer was theirs, so the second "her"
    // made this the influencer's weight loss reported by a friend.
    assert_eq!(
        reason("some influencer says her gut meant her lost 20 kg"),
        Some(Reason::OtherPerson)
    );
    assert_eq!(
        ids("my friend says she lost 20 kg without trying"),
        ["weight"]
    );
}

#[test]
fn a_rule_that_must_persist_finds_its_duration_two_sentences_on() {
    // A bug: "still throwing up. day 3 now. it wont stop" was set aside as not persistent
    // because its companion stood two sentences after the trigger.
    assert_eq!(
        ids("still throwing up. day three now. it keep going"),
        ["vomit"]
    );
    assert_eq!(
        reason("was throwing up after dinner. went to bed. slept fine"),
        Some(Reason::NotPersistent)
    );
}

#[test]
fn care_that_is_over_with_all_well_after_is_history() {
    // Care over, then all well, after the trigger: a past episode a clinician dealt with.
    assert_eq!(
        reason("blood in my stool on friday, got scoped, sent home. feeling ok"),
        Some(Reason::Historical)
    );
    assert_eq!(
        reason("got scoped for the blood in my stool, im fine now"),
        Some(Reason::Historical)
    );
    // Care over but no word that all is well: still warns.
    assert_eq!(
        ids("got scoped last year and now blood in my stool"),
        ["blood"]
    );
    // All well but no care: still warns ("feeling ok" says nothing of the bleeding).
    assert_eq!(ids("blood in my stool again. feeling ok"), ["blood"]);
}
