//! How long something has lasted, read from chat: "6 weeks", "over a month", "3 wks",
//! "since Tuesday", "for weeks". Rules such as "a change in bowel habit lasting weeks" need
//! this; a pattern list cannot enumerate every number.
//!
//! Vague amounts are read conservatively low ("a few weeks" is 3 weeks, bare "weeks" is 3
//! weeks), so a duration threshold fires on what the writer clearly said, not on a guess.

use super::words::Word;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    /// Words `start..end` of the sentence.
    pub start: usize,
    pub end: usize,
    pub hours: u32,
}

impl Duration {
    pub fn days(&self) -> u32 {
        self.hours / 24
    }
}

const DAY: u32 = 24;

fn unit_hours(word: &str) -> Option<u32> {
    Some(match word {
        "hour" | "hours" | "hr" | "hrs" | "h" => 1,
        "day" | "days" | "d" => DAY,
        "night" | "nights" => DAY,
        "week" | "weeks" | "wk" | "wks" | "w" => 7 * DAY,
        "fortnight" | "fortnights" => 14 * DAY,
        "month" | "months" | "mo" | "mos" | "mth" | "mths" | "mnth" | "mnths" => 30 * DAY,
        "year" | "years" | "yr" | "yrs" | "y" => 365 * DAY,
        _ => return None,
    })
}

/// Bare plurals without a number: "for weeks", "months now".
fn vague_plural_hours(word: &str) -> Option<u32> {
    Some(match word {
        "days" => 3 * DAY,
        "weeks" | "wks" => 21 * DAY,
        "months" => 60 * DAY,
        "years" | "yrs" => 730 * DAY,
        _ => return None,
    })
}

fn number(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return Some(n);
    }
    Some(match word {
        "a" | "an" | "one" => 1,
        "two" | "couple" => 2,
        "three" | "few" => 3,
        "four" | "several" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "fifteen" => 15,
        "twenty" => 20,
        _ => return None,
    })
}

fn since_hours(word: &str) -> Option<u32> {
    Some(match word {
        "yesterday" | "tonight" | "today" | "morning" => DAY,
        // "since Tuesday" is one to seven days; two is the least it can sensibly mean.
        "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
        | "mon" | "tue" | "tues" | "wed" | "thu" | "thur" | "thurs" | "fri" | "sat" | "sun"
        | "weekend" => 2 * DAY,
        "january" | "february" | "march" | "april" | "may" | "june" | "july" | "august"
        | "september" | "october" | "november" | "december" | "jan" | "feb" | "mar" | "apr"
        | "jun" | "jul" | "aug" | "sep" | "sept" | "oct" | "nov" | "dec" => 30 * DAY,
        "christmas" | "xmas" | "summer" | "spring" | "autumn" | "fall" | "winter" | "easter" => {
            60 * DAY
        }
        _ => return None,
    })
}

/// Vague words between "since" and its time ("since about mid-January").
const SINCE_FILLERS: &[&str] = &[
    "about",
    "around",
    "roughly",
    "approximately",
    "mid",
    "early",
    "late",
    "like",
];

/// Every duration stated in a sentence's words.
pub fn durations(words: &[Word]) -> Vec<Duration> {
    let w = |i: usize| words.get(i).map(|w| w.norm.as_str());
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let found = amount(words, i).or_else(|| {
            let here = w(i)?;
            if here == "since" {
                // "since about mid-January": vague words before the time say nothing of
                // its length, so they are read past.
                let fillers = words[i + 1..]
                    .iter()
                    .take_while(|w| SINCE_FILLERS.contains(&w.norm.as_str()))
                    .count();
                let at = i + fillers;
                // "since last week", "since Tuesday", "since I was a kid"; and as writers
                // whose language says "since" for "for" put it, "since a month", "since 3
                // weeks".
                if let Some((len, h)) = amount(words, at + 1) {
                    return Some((1 + fillers + len, h));
                }
                if let Some((len, h)) = since_start_of(words, at + 1) {
                    return Some((fillers + len, h));
                }
                let (next, skip) = match w(at + 1)? {
                    "last" | "the" | "a" | "one" => (w(at + 2)?, 3),
                    other => (other, 2),
                };
                if let Some(unit) = unit_hours(next).filter(|_| skip == 3) {
                    return Some((fillers + skip, unit));
                }
                if let Some(h) = since_hours(next) {
                    return Some((fillers + skip, h));
                }
                if next == "i" && matches!(w(at + 2), Some("was")) {
                    return Some((fillers + 3, 5 * 365 * DAY));
                }
                // "since new year", "since the new year": a month at the least.
                if next == "new" && matches!(w(at + skip), Some("year" | "years" | "yr")) {
                    return Some((fillers + skip + 1, 30 * DAY));
                }
                return None;
            }
            if here == "the" || here == "this" {
                // "over the last month", "in the past few weeks", "this past week": the
                // span runs up to now, so it is a duration (bare: one unit).
                let past = matches!(w(i + 1)?, "last" | "past");
                if !past {
                    return None;
                }
                let next = w(i + 2)?;
                if let Some(unit) = unit_hours(next).filter(|_| next.len() > 1) {
                    return Some((3, unit));
                }
                return amount(words, i + 2).map(|(len, h)| (2 + len, h));
            }
            if matches!(here, "day" | "week") {
                // "day 3 of throwing up": the count is how long it has gone on.
                let n = number(w(i + 1)?).filter(|_| w(i + 2) == Some("of"))?;
                return Some((3, n * unit_hours(here)?));
            }
            if here == "all" {
                return Some((
                    2,
                    match w(i + 1)? {
                        "week" => 5 * DAY,
                        "month" => 30 * DAY,
                        "year" => 365 * DAY,
                        _ => return None,
                    },
                ));
            }
            if here == "for" {
                return match (w(i + 1)?, w(i + 2)) {
                    ("ages", _) => Some((2, 60 * DAY)),
                    ("a", Some("while")) => Some((3, 14 * DAY)),
                    ("a", Some("long")) if w(i + 3) == Some("time") => Some((4, 60 * DAY)),
                    _ => None,
                };
            }
            vague_plural_hours(here)
                .filter(|_| !is_age_word(w(i + 1)))
                .map(|h| (1, h))
        });
        match found {
            Some((len, hours)) => {
                out.push(Duration {
                    start: i,
                    end: i + len,
                    hours,
                });
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

/// "since the start of the year", "since the beginning of this month": the least the span
/// can sensibly be (early in January, the year is young). Counted from the word after "since".
fn since_start_of(words: &[Word], i: usize) -> Option<(usize, u32)> {
    let w = |j: usize| words.get(j).map(|w| w.norm.as_str());
    let mut j = i + usize::from(w(i) == Some("the"));
    if !matches!(w(j), Some("start" | "beginning")) || w(j + 1) != Some("of") {
        return None;
    }
    j += 2;
    if matches!(w(j), Some("the" | "this")) {
        j += 1;
    }
    let hours = match w(j)? {
        "year" => 30 * DAY,
        "month" => 7 * DAY,
        "week" => 2 * DAY,
        _ => return None,
    };
    Some((j + 1 - i + 1, hours))
}

/// "old" after a unit makes it an age: "my 3 year old", "a 6 month old", "2 weeks old".
fn is_age_word(word: Option<&str>) -> bool {
    matches!(word, Some("old" | "olds"))
}

/// "6 weeks", "a couple of months", "a few days", "2 and a half weeks" (read as 2).
fn amount(words: &[Word], i: usize) -> Option<(usize, u32)> {
    let w = |j: usize| words.get(j).map(|w| w.norm.as_str());
    let mut j = i;
    // "a couple of", "a few": the article carries no number of its own here.
    if matches!(w(j), Some("a")) && matches!(w(j + 1), Some("couple" | "few")) {
        j += 1;
    }
    let n = number(w(j)?)?;
    j += 1;
    if matches!(w(j), Some("of")) {
        j += 1;
    }
    let unit = unit_hours(w(j)?)?;
    // "my 3 year old", "a 6 month old baby": an age, not how long something has lasted.
    if is_age_word(w(j + 1)) {
        return None;
    }
    // "a d" or "a h" is not a duration: single-letter units only after digits.
    if w(j)?.len() == 1 && !w(i)?.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((j + 1 - i, n.saturating_mul(unit)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::words::sentences;

    fn days(text: &str) -> Vec<u32> {
        let s = &sentences(text)[0];
        durations(&s.words).iter().map(Duration::days).collect()
    }

    #[test]
    fn numbers_words_and_abbreviations() {
        assert_eq!(days("diarrhoea for six weeks"), [42]);
        assert_eq!(days("loose stools 3 wks now"), [21]);
        assert_eq!(days("it's been 6wks"), [42]);
        assert_eq!(days("over a month"), [30]);
        assert_eq!(days("a couple of months"), [60]);
        assert_eq!(days("a few days"), [3]);
        assert_eq!(days("for 2 yrs"), [730]);
        assert_eq!(days("vomiting for 48 hours"), [2]);
        assert_eq!(days("a fortnight"), [14]);
    }

    #[test]
    fn vague_and_since_forms() {
        assert_eq!(days("pooping more since a month"), [30]);
        assert_eq!(days("loose since 3 weeks"), [21]);
        assert_eq!(days("for weeks"), [21]);
        assert_eq!(days("months now"), [60]);
        assert_eq!(days("since Tuesday"), [2]);
        assert_eq!(days("since about mid-January"), [30]);
        assert_eq!(days("since around last week"), [7]);
        assert_eq!(days("since last week"), [7]);
        assert_eq!(days("since last month"), [30]);
        assert_eq!(days("since March"), [30]);
        assert_eq!(days("loose since new year"), [30]);
        assert_eq!(days("since the new year"), [30]);
        assert_eq!(days("all week"), [5]);
        assert_eq!(days("for ages"), [60]);
        assert_eq!(days("since I was a kid"), [1825]);
        assert_eq!(days("over the last month"), [30]);
        assert_eq!(days("in the past few weeks"), [21]);
        assert_eq!(days("this past week"), [7]);
        assert_eq!(days("the last 2 months"), [60]);
        assert!(days("the last time").is_empty());
        assert_eq!(days("day 3 of throwing up"), [3]);
        assert_eq!(days("week two of this"), [14]);
        assert!(days("day 3 was fine").is_empty());
    }

    #[test]
    fn the_start_of_a_period() {
        assert_eq!(days("cramps since the start of the year"), [30]);
        assert_eq!(days("loose since the beginning of this month"), [7]);
        assert!(days("since the start of the match").is_empty());
    }

    #[test]
    fn ages_are_not_durations() {
        assert!(days("my 3 year old has a tummy ache").is_empty());
        assert!(days("a 6 month old baby with the runs").is_empty());
        assert!(days("she is 2 weeks old").is_empty());
        assert_eq!(days("my 3 year old has had the runs for 3 weeks"), [21]);
    }

    #[test]
    fn words_that_are_not_durations() {
        assert!(days("a d grade").is_empty());
        assert!(days("I have a dog").is_empty());
        assert!(days("since it hurts").is_empty());
        assert!(days("five a day").len() == 1);
    }
}
