//! Red flags by meaning (`triage::meaning`): with the model loaded, a sentence close to one
//! of a rule's `examples` is judged like a pattern's match. The sentences here are this
//! file's own; the figures on chat sets are in the README ("How well it works").

use std::path::Path;

use gutcheck::respond::{Gutcheck, ModelChoice};

#[path = "support/cli.rs"]
mod cli;

fn core(model: ModelChoice) -> Gutcheck {
    if !matches!(model, ModelChoice::Off) {
        cli::shared_vectors();
    }
    Gutcheck::load_in_ram(Path::new("faq"), &model).expect("the shipped FAQ loads")
}

fn alarms(core: &Gutcheck, message: &str) -> Vec<String> {
    core.respond(message)
        .red_flags
        .into_iter()
        .map(|h| h.id)
        .collect()
}

// The words sit too far apart for the vomiting-blood patterns ("sick" and "blood" are ten
// words apart, across a comma), so only the meaning of the clauses can find it.
const FAR_APART: &str =
    "big night out and was sick three times, the last time it was basically all blood";

#[test]
fn a_paraphrase_the_patterns_miss_is_caught_by_meaning() {
    let words_only = core(ModelChoice::Off);
    assert!(
        alarms(&words_only, FAR_APART).is_empty(),
        "this test needs a message the patterns miss"
    );
    let with_model = core(ModelChoice::default());
    assert_eq!(alarms(&with_model, FAR_APART), ["vomiting-blood"]);
    let explained = with_model.explain(FAR_APART);
    assert!(
        explained
            .triage
            .by_meaning
            .iter()
            .any(|(rule, cosine)| rule == "vomiting-blood" && *cosine >= 0.6),
        "why shows the sentence was found by meaning: {:?}",
        explained.triage.by_meaning
    );
}

#[test]
fn context_still_decides_on_what_meaning_finds() {
    let core = core(ModelChoice::default());
    for quiet in [
        "big night out and was sick three times, the last time there was no blood at all",
        "what does it mean if someone is sick and the last time it is basically all blood?",
        "in the show last night a character was sick and it was basically all blood",
        "my dog was sick three times and the last time it was basically all blood",
    ] {
        assert!(
            alarms(&core, quiet).is_empty(),
            "{quiet:?} should stay quiet"
        );
    }
}

#[test]
fn ordinary_gut_talk_stays_quiet_with_the_model() {
    let core = core(ModelChoice::default());
    for quiet in [
        "my stomach gurgles loudly after lunch, is that leaky gut",
        "bloating after beans and lentils every time, normal?",
        "which probiotic strain helps with constipation",
        "poop is a normal colour, just a bit loose this week",
        // Once 0.87 from a severe-pain example whose only severe word was "horrendous".
        "stomach ache since this morning, probably something i ate",
        "went to my gp, she did bloods and felt my belly, all normal",
        // The model read "normal colour" close to "red colour" (0.72) before `reassurance`.
        "before anyone asks, yes i've looked, poo is a normal colour and my weight is stable",
    ] {
        assert!(
            alarms(&core, quiet).is_empty(),
            "{quiet:?} should stay quiet"
        );
    }
}

#[test]
fn a_place_word_alone_does_not_anchor_a_match() {
    // "toilet" is where blood is noticed, not blood: the clause about checking the toilet is
    // close in meaning to "blood in the toilet" but says nothing alarming (it failed before
    // place words were kept out of the anchors).
    let core = core(ModelChoice::default());
    let message =
        "looked in the toilet bowl like a hypochondriac: no red at all, all normal colour, phew";
    assert!(alarms(&core, message).is_empty(), "{message:?}");
}

#[test]
fn an_example_that_needs_a_negation_only_matches_a_sentence_with_one() {
    // "can't keep water down" and "kept water down fine" are near twins to the model; only
    // the first is an alarm (the second raised one before examples carried their polarity).
    let core = core(ModelChoice::default());
    let fine = "she was sick once after the fair, kept water down fine after and is playing now";
    assert!(alarms(&core, fine).is_empty(), "{fine:?}");
    let alarm = "can't keep even sips of water down since this morning";
    assert!(
        alarms(&core, alarm).contains(&"cannot-keep-fluids-down".to_string()),
        "{alarm:?}"
    );
}

#[test]
fn a_rules_other_senses_also_rule_out_what_meaning_finds() {
    // "yellow pee" is one of the jaundice rule's other senses (`exclude`); the model alone
    // put this sentence near "my skin has gone yellow" and warned before exclusions applied
    // to candidates by meaning.
    let core = core(ModelChoice::default());
    let message = "light yellow pee means i'm drinking enough water, right? aiming for 2 litres";
    assert!(alarms(&core, message).is_empty(), "{message:?}");
}

#[test]
fn a_rules_companion_alone_is_no_trigger_by_meaning() {
    // A bug: "i vomit everything" read close enough to a fever example, anchored on "vomit",
    // which the fever rule needs beside a fever, so vomiting alone raised a fever warning.
    let core = core(ModelChoice::default());
    let message = "since yesterday i cannot keep down even the water, i vomit everything";
    let found = alarms(&core, message);
    assert!(
        found.contains(&"cannot-keep-fluids-down".to_string()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"fever-with-gut-symptoms".to_string()),
        "{found:?}"
    );
    // A fever said in other words still counts: its own words anchor it.
    let fever = "my forehead is burning up and the thermometer says 39, and i keep throwing up";
    assert!(
        alarms(&core, fever).contains(&"fever-with-gut-symptoms".to_string()),
        "{:?}",
        alarms(&core, fever)
    );
}
