//! Ages stated in chat: "I'm 56", "56 yo", "62 years old", "my mum (62)", "in my 60s",
//! "58f". Some alarm features depend on age (NICE NG12 and CG122 set thresholds at 50 and
//! 60 for new bowel symptoms and bloating), and a pattern list cannot enumerate every number.
//!
//! Read conservatively: a number counts as an age only in one of the shapes above, so "lost
//! 10 kg at 56 kg" or "temperature 39" is not an age. An age in the message is taken for the
//! person it describes; the rules that use it are about new symptoms, where a wrong guess
//! costs one "book an appointment".

use super::words::Word;

/// Youngest and oldest number read as an age.
const YOUNGEST: u32 = 1;
const OLDEST: u32 = 110;

fn as_age(word: &Word) -> Option<u32> {
    word.norm
        .parse::<u32>()
        .ok()
        .filter(|n| (YOUNGEST..=OLDEST).contains(n))
}

fn decade(word: &str) -> Option<u32> {
    Some(match word {
        "twenties" => 20,
        "thirties" => 30,
        "forties" => 40,
        "fifties" => 50,
        "sixties" => 60,
        "seventies" => 70,
        "eighties" => 80,
        "nineties" => 90,
        _ => return None,
    })
}

/// People whose age a writer states before their symptoms ("my dad is 71").
fn is_relative(word: &str) -> bool {
    matches!(
        word,
        "mum"
            | "mom"
            | "mam"
            | "mother"
            | "dad"
            | "father"
            | "grandma"
            | "grandpa"
            | "gran"
            | "granny"
            | "nan"
            | "nana"
            | "nanna"
            | "grandad"
            | "granddad"
            | "grandmother"
            | "grandfather"
            | "husband"
            | "wife"
            | "partner"
            // "my mother in law is 66"
            | "law"
            | "aunt"
            | "auntie"
            | "uncle"
            | "she"
            | "he"
    )
}

/// "at 59 for the first time", "problems start at 60": the number at `i` (after "at") is
/// the age something began.
fn is_onset(ws: &[Word], i: usize) -> bool {
    let word = |j: usize| ws.get(j).map(|w| w.norm.as_str());
    let first_time = word(i + 1) == Some("for") && word(i + 3) == Some("first");
    let began = i >= 2
        && matches!(
            word(i - 2),
            Some("start" | "started" | "starting" | "began" | "begin" | "beginning")
        );
    first_time || began
}

/// Every age stated in one sentence.
pub fn ages(ws: &[Word]) -> Vec<u32> {
    let word = |i: usize| ws.get(i).map(|w| w.norm.as_str());
    let mut out = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        if let Some(n) = decade(&w.norm) {
            // "in my fifties", "she's in her sixties", "late fifties"
            if i >= 1
                && matches!(
                    word(i - 1),
                    Some("my" | "her" | "his" | "their" | "your" | "mid" | "late" | "early")
                )
            {
                out.push(n);
            }
            continue;
        }
        let Some(n) = as_age(w) else { continue };
        let before = i.checked_sub(1).and_then(word);
        let after = word(i + 1);
        let stated = matches!(
            before,
            Some("im" | "am" | "aged" | "age" | "turned" | "turning" | "over" | "shes" | "hes")
        )
            // "my mum is 63", "grandma is 80": a relative's age, said plainly.
            || (matches!(before, Some("is" | "was" | "shes" | "hes"))
                && i >= 2
                && is_relative(&ws[i - 2].norm))
            // "Dad's 74": the apostrophe drops, leaving "dads".
            || before
                .and_then(|b| b.strip_suffix('s'))
                .is_some_and(|b| b != "he" && b != "she" && is_relative(b))
                && (16..=OLDEST).contains(&n)
            // "just hit 60": a milestone, only for ages past 40 and never before a unit
            // ("hit 3 days without a poo").
            || (matches!(before, Some("hit" | "hitting" | "reached"))
                && (40..=OLDEST).contains(&n)
                && !matches!(after, Some("days" | "day" | "weeks" | "times" | "kg" | "lbs" | "pounds")))
            // "59 here, new to all this": an adult age introducing the writer.
            || (after == Some("here") && (16..=OLDEST).contains(&n))
            // "58 and my stomach ...": an adult age opening the sentence.
            || (i == 0 && (45..100).contains(&n) && (after == Some("and") || w.pause_after))
            // "at 67 i've started ...": "at" an age, then the writer.
            || (before == Some("at")
                && matches!(after, Some("i" | "im" | "ive" | "id" | "my")))
            || (before == Some("at") && (40..=OLDEST).contains(&n) && is_onset(ws, i))
            || matches!(after, Some("yo" | "yr" | "yrs" | "years" | "year" | "y"))
            // "in my 50s", "late 50s": the digits and the "s" split.
            || (after == Some("s")
                && matches!(before, Some("my" | "her" | "his" | "their" | "mid" | "late" | "early")))
            // "58f", "61 m": a sex marker after an adult age (a temperature in Fahrenheit is
            // 95 or more).
            || (matches!(after, Some("f" | "m")) && (16..95).contains(&n))
            // "my mum (62) says": a number standing alone between brackets or commas, right
            // after a word.
            || (i >= 1 && ws[i - 1].pause_after && w.pause_after && (16..=OLDEST).contains(&n))
            // ... or closing the sentence after one: "grandpa lives with us, 80." (below 95,
            // so "fever, 102." is no age).
            || (i >= 1 && i + 1 == ws.len() && ws[i - 1].pause_after && (16..95).contains(&n));
        if stated {
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::words::sentences;

    fn read(text: &str) -> Vec<u32> {
        sentences(text)
            .iter()
            .flat_map(|s| ages(&s.words))
            .collect()
    }

    #[test]
    fn stated_ages_are_read() {
        // A bug: "in law" hid the relative, so the age went unread.
        assert_eq!(read("my mother in law is 66 and bloated"), [66]);
        assert_eq!(read("I'm 56 and bloated"), [56]);
        assert_eq!(read("56 yo woman"), [56]);
        assert_eq!(read("she is 62 years old"), [62]);
        assert_eq!(read("my mom (62) says"), [62]);
        assert_eq!(read("in my 60s now"), [60]);
        assert_eq!(read("in my fifties"), [50]);
        assert_eq!(read("58f, new bloating"), [58]);
        assert_eq!(read("58 and my stomach is swollen"), [58]);
        assert_eq!(read("at 67 i've started getting heartburn"), [67]);
        // A bug: "at 62 my digestion has gone haywire" went unread.
        assert_eq!(read("at 62 my digestion has gone haywire"), [62]);
        // A bug: an onset age ("at 59 for the first time") went unread.
        assert_eq!(read("gut issues at 59 for the first time ever"), [59]);
        assert_eq!(read("is it normal for problems to start at 60"), [60]);
        assert_eq!(read("my mum is 63 and bloated"), [63]);
        assert_eq!(read("grandma is 80 and her stomach is upset"), [80]);
        assert_eq!(read("she's 88 and bloated"), [88]);
        assert_eq!(read("grandpa lives with us, 80. loose every day"), [80]);
        assert_eq!(read("Dad's 74, suddenly bloated"), [74]);
        assert_eq!(read("59 here, new to all this"), [59]);
        assert_eq!(read("late 50s and bloated"), [50]);
        assert_eq!(read("in her early sixties"), [60]);
        assert_eq!(read("just hit 60 and my gut changed"), [60]);
    }

    #[test]
    fn other_numbers_are_not_ages() {
        assert!(read("lost 10 kg in 3 months").is_empty());
        assert!(read("burning up, fever of 102.").is_empty());
        assert!(read("temperature 39, fever of 101 f").is_empty());
        assert!(read("pooping 5 times a day").is_empty());
        assert!(read("diagnosed at 52").is_empty());
        assert!(read("my ferritin is 60").is_empty());
        assert!(read("38 and diarrhoea").is_empty());
        assert!(read("dads 2 dogs are here").is_empty());
        assert!(read("been 3 days here").is_empty());
    }
}
