//! How the core reads a message before it answers or warns: a message in Spanish, French,
//! German or Portuguese is glossed into English with `faq/glossary/` (so the English model,
//! patterns and context cues all apply), and a short reply under a quote is read with the
//! quote. The messages are this file's own.

use std::path::Path;

use gutcheck::reply::Reply;
use gutcheck::respond::{Gutcheck, ModelChoice};

#[path = "support/cli.rs"]
mod cli;

fn core() -> Gutcheck {
    cli::shared_vectors();
    Gutcheck::load_in_ram(Path::new("faq"), &ModelChoice::default()).expect("the shipped FAQ loads")
}

fn answer(reply: &Reply) -> Option<&str> {
    reply.answer.as_ref().map(|a| a.id.as_str())
}

fn alarms(reply: &Reply) -> Vec<&str> {
    reply.red_flags.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn a_question_in_another_language_is_answered() {
    let core = core();
    for (message, entry) in [
        (
            "¿la glutamina sirve para reparar el intestino o es puro marketing?",
            "glutamine",
        ),
        (
            "est-ce que les antibiotiques abîment la flore intestinale pour longtemps ?",
            "antibiotics",
        ),
        (
            "Ist Zink gut für die Darmschleimhaut? Wie lange darf man es nehmen?",
            "zinc",
        ),
    ] {
        let reply = core.respond(message);
        assert_eq!(answer(&reply), Some(entry), "{message:?}");
    }
}

#[test]
fn english_context_cues_judge_a_glossed_alarm() {
    // Before the glossary these past, fictional and intentional reports raised warnings: the
    // foreign patterns matched, and no foreign cue said "years ago" or "on purpose".
    let core = core();
    for quiet in [
        "hace tres años vomité sangre por una úlcera, me curaron y desde entonces estoy perfecta",
        "en la serie que estoy viendo el protagonista vomita sangre",
        "perdi 6 quilos de propósito com dieta, queria saber se faz bem pro intestino",
    ] {
        assert!(alarms(&core.respond(quiet)).is_empty(), "{quiet:?}");
    }
    let current = core.respond("desde ayer tengo sangre en las heces y me duele la barriga");
    assert_eq!(alarms(&current), ["blood-in-stool"]);
}

#[test]
fn english_is_never_glossed() {
    let core = core();
    let explained = core.explain("is there any evidence that bone broth seals the gut lining?");
    assert!(explained.cleaned.gloss.is_none());
    let explained = core.explain("tengo diarrea desde hace dos semanas, es normal?");
    assert_eq!(
        explained.cleaned.gloss.map(|g| g.language),
        Some("es".to_string())
    );
}

#[test]
fn a_short_reply_under_a_quote_is_about_the_quote() {
    let core = core();
    let message = "> zinc heals a leaky gut in two weeks flat\nis this true?";
    assert_eq!(answer(&core.respond(message)), Some("zinc"));
    // The quote is someone else's words: never scanned for alarms.
    let quoted_alarm = "> i've had blood in my stool all week\nwhat should they do?";
    assert!(alarms(&core.respond(quoted_alarm)).is_empty());
}

#[test]
fn glossed_phrases_carry_their_sense_into_triage() {
    // Each of these was read wrongly before its phrase was glossed: "schwarz vor Augen" is
    // blacking out (not eyes), "à cause du fer" explains black stool by iron, and Portuguese
    // "no papel" is "on the paper", not a negation.
    let core = core();
    let tiers = |m: &str| -> Vec<(String, String)> {
        core.respond(m)
            .red_flags
            .iter()
            .map(|h| (h.id.clone(), h.tier.to_string()))
            .collect()
    };
    assert_eq!(
        tiers("Teerschwarzer Stuhl seit gestern und mir wird schwarz vor Augen"),
        [("black-stool".to_string(), "emergency".to_string())]
    );
    assert!(tiers("les selles noires, c'est à cause du fer que je prends depuis lundi").is_empty());
    assert_eq!(
        alarms(&core.respond("sangue vivo no papel depois de evacuar, já faz uma semana")),
        ["blood-in-stool"]
    );
}

#[test]
fn dehydration_and_drinking_phrases_are_glossed() {
    // Each missed its alarm before its phrase was glossed: "n'a pas mouillé de couche" (no
    // wet nappy), Portuguese "bebe" (drinks, not baby) and a German report too short for the
    // old marker list ("Da war heute morgen Blut am Klopapier").
    let core = core();
    for (message, rule) in [
        (
            "mon bébé n'a pas mouillé de couche depuis 8 heures, il vomit tout",
            "cannot-keep-fluids-down",
        ),
        (
            "meu filho vomita tudo que bebe desde ontem",
            "cannot-keep-fluids-down",
        ),
        ("Da war heute morgen Blut am Klopapier", "blood-in-stool"),
        (
            "mi hijo lleva vomitando desde ayer y no ha mojado el pañal en todo el día",
            "cannot-keep-fluids-down",
        ),
    ] {
        assert!(
            alarms(&core.respond(message)).contains(&rule),
            "{message:?}: {:?}",
            alarms(&core.respond(message))
        );
    }
    // A planned diet explains weight lost, in Portuguese too.
    assert!(
        alarms(
            &core.respond(
                "fiz dieta e perdi 4 kg em dois meses com acompanhamento de nutricionista"
            )
        )
        .is_empty()
    );
}

/// Whether the reply warns for `rule` at exactly `tier`.
fn warns_at(reply: &Reply, rule: &str, tier: &str) -> bool {
    reply
        .red_flags
        .iter()
        .any(|h| h.id == rule && h.tier.to_string() == tier)
}

#[test]
fn words_that_look_negative_but_are_not_denials() {
    // "nicht mal", "ni siquiera", "même pas", "nem mesmo" are "not even": the alarm is
    // stronger, not denied. The German line raised nothing before (read as "not ... water").
    // "falando coisa sem sentido" is talking nonsense: "sem" ("without") negated the
    // confusion after it, so a confused, drowsy mother with diarrhoea raised nothing.
    let core = core();
    for (message, rule, tier) in [
        (
            "ich behalte seit heute früh nicht mal wasser bei mir und kann kaum stehen",
            "cannot-keep-fluids-down",
            "emergency",
        ),
        (
            "desde ayer no retengo ni siquiera el agua, vomito todo",
            "cannot-keep-fluids-down",
            "urgent",
        ),
        (
            "minha mãe está com diarreia desde ontem e agora está confusa, falando coisa sem sentido e muito sonolenta",
            "confusion-with-gut-illness",
            "emergency",
        ),
    ] {
        let reply = core.respond(message);
        assert!(
            warns_at(&reply, rule, tier),
            "{message:?}: {:?}",
            alarms(&reply)
        );
    }
}
