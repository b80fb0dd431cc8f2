//! Chat text as sentences of normalised words, the unit every pattern and cue is matched on.
//!
//! Normalising once here (lower case, apostrophes dropped, digits split from letters) is what
//! lets a moderator write `havent` or `haven't`, `5 kg` for "5kg", and have both the message
//! and the pattern agree on the words.
//!
//! Spanish, French, German and Portuguese alarms are matched too, so accents fold away
//! ("vómito" and "vomito", "fièvre" and "fievre" are one word; "ß" reads "ss") because chat
//! drops them as often as it keeps them, and a French elision splits ("l'estomac" is "l"
//! "estomac", "j'ai" is "j" "ai") so that the noun can be matched on its own.

/// One word of the message, with where it was in the cleaned text (for `RedFlagHit::matched`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub norm: String,
    /// `word_hash(&norm)`, computed once so every pattern can look the word up by number.
    pub hash: u64,
    pub start: usize,
    pub end: usize,
    /// A comma (or colon, dash) followed the word: "No, there's blood" reads differently from
    /// "no blood".
    pub pause_after: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentence {
    pub words: Vec<Word>,
    /// Ended with a question mark.
    pub question: bool,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// Splits text into sentences of words. A sentence ends at `.` (not between digits, as in
/// "38.5"), `!`, `?`, `;` or a line break: DESIGN.md section 4 ends every context scope there.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut current = Sentence::default();
    let mut word = String::new();
    let mut word_start = 0;
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;

    fn flush(word: &mut String, start: usize, end: usize, sentence: &mut Sentence) {
        if !word.is_empty() {
            let norm = std::mem::take(word);
            sentence.words.push(Word {
                hash: word_hash(&norm),
                norm,
                start,
                end,
                pause_after: false,
            });
        }
    }
    fn end_sentence(sentence: &mut Sentence, out: &mut Vec<Sentence>, question: bool) {
        if !sentence.words.is_empty() {
            sentence.question = question;
            out.push(std::mem::take(sentence));
        }
    }

    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if c.is_alphanumeric() {
            // "5kg", "6wks": a number glued to its unit is two words.
            let boundary = word
                .chars()
                .last()
                .is_some_and(|last| last.is_ascii_digit() != c.is_ascii_digit());
            if boundary {
                flush(&mut word, word_start, i, &mut current);
            }
            if word.is_empty() {
                word_start = i;
            }
            for lower in c.to_lowercase() {
                match fold_accent(lower) {
                    Some(plain) => word.push_str(plain),
                    None => word.push(lower),
                }
            }
        } else if is_apostrophe(c) && is_elision(&word) && next.is_some_and(char::is_alphabetic) {
            flush(&mut word, word_start, i, &mut current);
        } else if is_apostrophe(c) && !word.is_empty() && next.is_some_and(|n| n.is_alphanumeric())
        {
            // "haven't" -> "havent": one word, as people also type it.
        } else {
            flush(&mut word, word_start, i, &mut current);
            match c {
                '.' if prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit()) => {}
                // Chat's trailing dots run on: "the bowl is just... red" is one sentence with
                // a pause, not two. Dots before a capital, or at the end, still end it.
                '.' if next == Some('.') => {}
                // No pause either: the dots hold a phrase open ("just... red" is "just red").
                '.' | '\u{2026}'
                    if (prev == Some('.') || c == '\u{2026}')
                        && runs_on(&text[i + c.len_utf8()..]) => {}
                '.' | '\u{2026}' | '!' | ';' | '\n' => end_sentence(&mut current, &mut out, false),
                '?' => end_sentence(&mut current, &mut out, true),
                // A hyphen inside a compound joins its words: "lump-in-the-throat", "non-stop".
                '-' if prev.is_some_and(char::is_alphabetic)
                    && next.is_some_and(char::is_alphabetic) => {}
                ',' | ':' | '-' | '\u{2013}' | '\u{2014}' | '(' | ')' => {
                    if let Some(last) = current.words.last_mut() {
                        last.pause_after = true;
                    }
                }
                _ => {}
            }
        }
        prev = Some(c);
    }
    flush(&mut word, word_start, text.len(), &mut current);
    end_sentence(&mut current, &mut out, false);
    out
}

/// After a run of dots (or an ellipsis), the text goes on in the same sentence: a
/// lower-case word follows on the same line.
fn runs_on(rest: &str) -> bool {
    rest.chars()
        .find(|c| !matches!(c, ' ' | '\t'))
        .is_some_and(char::is_lowercase)
}

/// A French (or Italian) elided article or pronoun: "l'", "d'", "j'", "qu'". English has no
/// single-letter word before an apostrophe but "i" ("i'm", "i'd"), which is not in the list.
fn is_elision(word: &str) -> bool {
    matches!(word, "l" | "d" | "j" | "n" | "s" | "c" | "t" | "m" | "qu")
}

/// The unaccented spelling of a lower-case Latin letter, if it has one.
fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'œ' => "oe",
        'æ' => "ae",
        _ => return None,
    })
}

/// FNV-1a: tiny and fast for short words. Patterns compare these numbers first, because a
/// message is tested against hundreds of word choices (see benches/triage.rs).
pub fn word_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in word.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The normal form of one word as a moderator writes it in a pattern: the same folding as
/// `sentences`. `None` when the text would be read as more (or fewer) than one word.
pub fn normalize_word(text: &str) -> Option<String> {
    let sentences = sentences(text);
    match sentences.as_slice() {
        [only] if only.words.len() == 1 && only.words[0].start == 0 => {
            Some(only.words[0].norm.clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<Vec<String>> {
        sentences(text)
            .into_iter()
            .map(|s| s.words.into_iter().map(|w| w.norm).collect())
            .collect()
    }

    #[test]
    fn sentences_end_at_stops_marks_and_line_breaks_but_not_decimals() {
        assert_eq!(
            norms("Temp is 38.5. Haven't pooped\nok? fine; yes!"),
            vec![
                vec!["temp", "is", "38", "5"],
                vec!["havent", "pooped"],
                vec!["ok"],
                vec!["fine"],
                vec!["yes"],
            ]
        );
    }

    #[test]
    fn trailing_dots_before_a_lower_case_word_are_a_pause() {
        assert_eq!(
            norms("the bowl is just... red. Then… Nothing"),
            vec![
                vec!["the", "bowl", "is", "just", "red"],
                vec!["then"],
                vec!["nothing"]
            ]
        );
        let s = sentences("so dizzy\u{2026} cant stand");
        assert_eq!(s.len(), 1);
        assert!(!s[0].words[1].pause_after);
    }

    #[test]
    fn numbers_glued_to_units_split_and_questions_are_marked() {
        let s = sentences("lost 5kg in 6wks?");
        assert_eq!(s.len(), 1);
        assert!(s[0].question);
        let words: Vec<&str> = s[0].words.iter().map(|w| w.norm.as_str()).collect();
        assert_eq!(words, ["lost", "5", "kg", "in", "6", "wks"]);
    }

    #[test]
    fn a_hyphen_inside_a_compound_is_no_pause_but_a_dash_is() {
        // A bug: "lump-in-the-throat" paused after every word, so no phrase could match it.
        let s = sentences("a lump-in-the-throat feeling, pain 7-8 - bad");
        let pauses: Vec<bool> = s[0].words.iter().map(|w| w.pause_after).collect();
        assert_eq!(
            pauses,
            [
                false, false, false, false, false, true, false, true, true, false
            ]
        );
    }

    #[test]
    fn offsets_point_into_the_original_text_and_commas_are_kept() {
        let text = "No, Crohn’s";
        let s = sentences(text);
        let w = &s[0].words;
        assert!(w[0].pause_after);
        assert_eq!(w[1].norm, "crohns");
        assert_eq!(&text[w[1].start..w[1].end], "Crohn’s");
    }

    #[test]
    fn accents_fold_and_french_elisions_split() {
        assert_eq!(
            norms("Vómito con SANGRE, fièvre à 39, Übelkeit, Fuß"),
            vec![vec![
                "vomito", "con", "sangre", "fievre", "a", "39", "ubelkeit", "fuss"
            ]]
        );
        assert_eq!(
            norms("j'ai du sang dans l'estomac, I'm fine, don't"),
            vec![vec![
                "j", "ai", "du", "sang", "dans", "l", "estomac", "im", "fine", "dont"
            ]]
        );
    }

    #[test]
    fn normalize_word_accepts_one_word_only() {
        assert_eq!(normalize_word("Haven't").as_deref(), Some("havent"));
        assert_eq!(normalize_word("5kg"), None);
        assert_eq!(normalize_word("tar-like"), None);
        assert_eq!(normalize_word(""), None);
    }
}
