//! The small phrase language of `faq/redflags.toml` and `faq/context.toml`.
//!
//! Moderators are not regex writers, and a regex over raw text cannot tell "blood test" from
//! "blood in my stool" without look-arounds nobody can review. So a pattern is a sequence of
//! words, matched on the normalised words of one sentence:
//!
//! - `stool|stools|poop` one of several words;
//! - `vomit*` any word starting with `vomit` (at least 4 letters before the star, so `poo*`
//!   cannot silently match "pool" and "poor");
//! - `[my|the]` an optional word;
//! - `..` up to 3 words of anything, `..1` to `..6` up to that many, never skipping over a
//!   comma (a gap may start right after one): "passed my exam, bloody brilliant" is two
//!   clauses, not "passed ... bloody"; at most `MAX_GAPS` gaps
//!   and `MAX_ELEMS` positions in one pattern (a readability limit, checked with the rest).
//!
//! Cost: matching is linear in the message length whatever the pattern. The matcher walks the
//! pattern by backtracking, but remembers every (pattern position, word position) pair that
//! has already failed; whether the rest of a pattern matches from a word depends only on that
//! pair, so each pair is tried at most once per sentence: at most `elements x (words + 1)`
//! steps, never the product of the gap widths (14 gaps once took over 30 s on 60 words).
//!
//! In `faq/redflags.toml`, `@name` stands for a `[words]` list; the loader expands it before
//! a pattern reaches this parser (`faq::redflags::expand_words`).
//!
//! Words of 7 letters or more also match one typo away ("diarhoea", "stomache"), because
//! people type symptoms in a hurry; shorter words must match exactly, where one letter
//! changes the meaning (weight/height).

use super::words::{Word, normalize_word, word_hash};
use std::collections::HashMap;

const DEFAULT_GAP: u8 = 3;
const MAX_GAP: u8 = 6;
/// Most `..` gaps in one pattern.
pub const MAX_GAPS: usize = 4;
/// Most positions (words, optional words and gaps) in one pattern.
pub const MAX_ELEMS: usize = 12;
const MIN_PREFIX: usize = 4;
const MIN_FUZZY: usize = 7;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    elems: Vec<Elem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Elem {
    Word { choice: Choice, optional: bool },
    Gap(u8),
}

/// The words one position accepts, split by how they match: a word list expanded from
/// `[words]` can hold dozens of choices, and every position of every message is tested
/// against them, so exact words are found by hash and only the long ones are compared for
/// typos.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Choice {
    /// (hash, word), sorted by hash: a message word is looked up by the number it carries.
    exact: Vec<(u64, String)>,
    prefixes: Vec<String>,
    /// The exact words long enough to also match one typo away.
    fuzzy: Vec<String>,
    /// Shortest word the prefixes or the typo check can match: most chat words are shorter,
    /// and skip both lists at once.
    min_prefix_len: usize,
    min_fuzzy_len: usize,
    /// A 256-bit filter over the exact words' hashes: a word whose bit is clear is not among
    /// them, without the binary search.
    filter: [u64; 4],
}

impl Choice {
    fn new(alts: Vec<(String, bool)>) -> Choice {
        let mut words = Vec::new();
        let mut prefixes = Vec::new();
        for (text, prefix) in alts {
            if prefix {
                prefixes.push(text);
            } else {
                words.push(text);
            }
        }
        words.sort();
        words.dedup();
        let fuzzy: Vec<String> = words
            .iter()
            .filter(|t| t.len() >= MIN_FUZZY)
            .cloned()
            .collect();
        let min_prefix_len = prefixes.iter().map(String::len).min().unwrap_or(usize::MAX);
        let min_fuzzy_len = fuzzy
            .iter()
            .map(|f| f.len() - 1)
            .min()
            .unwrap_or(usize::MAX);
        let mut exact: Vec<(u64, String)> = words.into_iter().map(|w| (word_hash(&w), w)).collect();
        exact.sort();
        let mut filter = [0u64; 4];
        for (h, _) in &exact {
            let (slot, bit) = filter_bit(*h);
            filter[slot] |= bit;
        }
        Choice {
            exact,
            prefixes,
            fuzzy,
            min_prefix_len,
            min_fuzzy_len,
            filter,
        }
    }

    fn matches(&self, word: &Word) -> bool {
        let (slot, bit) = filter_bit(word.hash);
        self.filter[slot] & bit != 0 && self.exact_match(word)
            || (word.norm.len() >= self.min_prefix_len
                && self
                    .prefixes
                    .iter()
                    .any(|p| word.norm.starts_with(p.as_str())))
            || (word.norm.len() >= self.min_fuzzy_len
                && self.fuzzy.iter().any(|f| within_one_edit(f, &word.norm)))
    }

    fn exact_match(&self, word: &Word) -> bool {
        let from = self.exact.partition_point(|(h, _)| *h < word.hash);
        self.exact[from..]
            .iter()
            .take_while(|(h, _)| *h == word.hash)
            .any(|(_, w)| *w == word.norm)
    }
}

/// The filter word and bit of a hash: its top bits, which FNV-1a mixes well.
fn filter_bit(hash: u64) -> (usize, u64) {
    let n = (hash >> 56) as usize;
    (n >> 6, 1 << (n & 63))
}

/// Where a pattern matched in a sentence: words `start..end`, and which of them were the
/// pattern's own words (the rest were skipped by `..`). Context cues found on the pattern's
/// own words do not count ("can't swallow" is not a negated "swallow"); cues found in a gap do
/// ("stool is not black").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub literals: Vec<usize>,
}

impl Match {
    pub fn is_literal(&self, i: usize) -> bool {
        self.literals.contains(&i)
    }

    pub fn last_literal(&self) -> usize {
        self.literals.last().copied().unwrap_or(self.start)
    }
}

/// A word offered in two different word choices of one pattern: alternatives are single
/// words, so "playing up|acting up" reads as `playing`, then `up|acting`, then `up`, and
/// never matches "acting up". Returns that word. Numbers are exempt ("9|10 10", "eight out
/// of ten" are scores).
pub fn repeated_choice(src: &str) -> Option<String> {
    let mut first_group: HashMap<&str, (usize, usize)> = HashMap::new();
    let choices = src
        .split_whitespace()
        .filter(|part| !part.starts_with("..") && !part.starts_with('@'));
    for (group, part) in choices.enumerate() {
        let alternatives: Vec<&str> = part
            .trim_matches(['[', ']'])
            .split('|')
            .map(|w| w.trim_end_matches('*'))
            .filter(|w| !w.is_empty() && !is_number(w))
            .collect();
        for word in &alternatives {
            match first_group.get(word) {
                Some(&(g, len)) if g != group && (len > 1 || alternatives.len() > 1) => {
                    return Some(word.to_string());
                }
                Some(_) => {}
                None => {
                    first_group.insert(word, (group, alternatives.len()));
                }
            }
        }
    }
    None
}

fn is_number(word: &str) -> bool {
    const NUMBER_WORDS: [&str; 10] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    word.bytes().all(|b| b.is_ascii_digit()) || NUMBER_WORDS.contains(&word)
}

pub fn parse(src: &str) -> Result<Pattern, String> {
    let mut elems = Vec::new();
    for part in src.split_whitespace() {
        if let Some(n) = part.strip_prefix("..") {
            let n = if n.is_empty() {
                DEFAULT_GAP
            } else {
                n.parse::<u8>()
                    .ok()
                    .filter(|n| (1..=MAX_GAP).contains(n))
                    .ok_or_else(|| {
                        format!("`{part}`: a gap is `..` or `..1` to `..{MAX_GAP}` (words skipped)")
                    })?
            };
            if matches!(elems.last(), Some(Elem::Gap(_)) | None) {
                return Err(format!(
                    "`{part}`: a gap must come between two words, not at the start or after another gap"
                ));
            }
            elems.push(Elem::Gap(n));
            continue;
        }
        let (body, optional) = match part.strip_prefix('[') {
            Some(rest) => (
                rest.strip_suffix(']')
                    .ok_or_else(|| format!("`{part}`: an optional word is written `[a|b]`"))?,
                true,
            ),
            None => (part, false),
        };
        if body.contains(['[', ']']) {
            return Err(format!(
                "`{part}`: brackets go around a whole word choice, as in `[my|the]`"
            ));
        }
        let mut alts = Vec::new();
        for alt in body.split('|') {
            let (word, prefix) = match alt.strip_suffix('*') {
                Some(w) => (w, true),
                None => (alt, false),
            };
            let text = normalize_word(word).ok_or_else(|| {
                if word.is_empty() {
                    format!("`{part}`: empty choice (two `|` in a row, or a `|` at an end)")
                } else {
                    format!(
                        "`{word}` is not one word as messages are read (digits and letters are split, `-` separates): write it as separate words"
                    )
                }
            })?;
            if prefix && text.chars().count() < MIN_PREFIX {
                return Err(format!(
                    "`{alt}`: a prefix needs at least {MIN_PREFIX} letters before `*`, or it matches unrelated words"
                ));
            }
            alts.push((text, prefix));
        }
        elems.push(Elem::Word {
            choice: Choice::new(alts),
            optional,
        });
    }
    let gaps = elems.iter().filter(|e| matches!(e, Elem::Gap(_))).count();
    if gaps > MAX_GAPS {
        return Err(format!(
            "{gaps} gaps: a pattern has at most {MAX_GAPS} `..` gaps; split it into shorter patterns"
        ));
    }
    if elems.len() > MAX_ELEMS {
        return Err(format!(
            "{} words and gaps: a pattern has at most {MAX_ELEMS}; split it into shorter patterns",
            elems.len()
        ));
    }
    match elems.last() {
        None => return Err("empty pattern".to_string()),
        Some(Elem::Gap(_)) => return Err("a pattern cannot end with a gap".to_string()),
        _ => {}
    }
    if !elems.iter().any(|e| {
        matches!(
            e,
            Elem::Word {
                optional: false,
                ..
            }
        )
    }) {
        return Err("a pattern needs at least one word that is not optional".to_string());
    }
    if matches!(elems.first(), Some(Elem::Word { optional: true, .. })) {
        return Err(
            "a pattern cannot start with an optional word: it would match the same words without it"
                .to_string(),
        );
    }
    Ok(Pattern { elems })
}

impl Pattern {
    /// Every place the pattern matches in `words`, the shortest match at each start.
    pub fn find_all(&self, words: &[Word]) -> Vec<Match> {
        let mut out = Vec::new();
        let mut run = Run::new(self, words);
        for start in 0..words.len() {
            run.literals.clear();
            if let Some(end) = run.match_at(0, start) {
                out.push(Match {
                    start,
                    end,
                    literals: run.literals.clone(),
                });
            }
        }
        out
    }

    pub fn is_match(&self, words: &[Word]) -> bool {
        let mut run = Run::new(self, words);
        (0..words.len()).any(|start| {
            run.literals.clear();
            run.match_at(0, start).is_some()
        })
    }
}

/// One pattern over one sentence: the backtracking walk and its memory of failures.
struct Run<'p, 'w> {
    elems: &'p [Elem],
    words: &'w [Word],
    /// Bit `k * (words + 1) + i`: the pattern from element `k` cannot match from word `i`.
    failed: Vec<u64>,
    literals: Vec<usize>,
    /// (element, word) pairs tried, for the linear-cost test.
    #[cfg(test)]
    steps: usize,
}

impl<'p, 'w> Run<'p, 'w> {
    fn new(pattern: &'p Pattern, words: &'w [Word]) -> Run<'p, 'w> {
        let bits = pattern.elems.len() * (words.len() + 1);
        Run {
            elems: &pattern.elems,
            words,
            failed: vec![0; bits.div_ceil(64)],
            literals: Vec::new(),
            #[cfg(test)]
            steps: 0,
        }
    }

    fn bit(&self, k: usize, i: usize) -> (usize, u64) {
        let n = k * (self.words.len() + 1) + i;
        (n / 64, 1 << (n % 64))
    }

    /// Where the pattern from element `k` ends when it starts at word `i`, pushing the
    /// positions of its own words onto `literals`. A pair that failed once fails again, so
    /// it is not walked twice.
    fn match_at(&mut self, k: usize, i: usize) -> Option<usize> {
        let Some(elem) = self.elems.get(k) else {
            return Some(i);
        };
        let (slot, mask) = self.bit(k, i);
        if self.failed[slot] & mask != 0 {
            return None;
        }
        #[cfg(test)]
        {
            self.steps += 1;
        }
        let found = match elem {
            // The skipped words may not be followed by a comma: a gap stays in its clause.
            Elem::Gap(n) => (0..=usize::from(*n))
                .take_while(|skip| i + skip <= self.words.len())
                .take_while(|&skip| skip == 0 || !self.words[i + skip - 1].pause_after)
                .find_map(|skip| self.match_at(k + 1, i + skip)),
            Elem::Word { choice, optional } => {
                let mut end = None;
                if self.words.get(i).is_some_and(|w| choice.matches(w)) {
                    self.literals.push(i);
                    end = self.match_at(k + 1, i + 1);
                    if end.is_none() {
                        self.literals.pop();
                    }
                }
                if end.is_none() && *optional {
                    end = self.match_at(k + 1, i);
                }
                end
            }
        };
        if found.is_none() {
            self.failed[slot] |= mask;
        }
        found
    }
}

/// Optimal string alignment distance <= 1: one insertion, deletion, substitution or swap of
/// neighbours, after a shared first letter: people in a hurry rarely get the first letter
/// wrong, and a different first letter is often a different word ("fainted", "painted").
/// Byte-wise, which is exact for the ASCII words patterns are written in.
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 1 || (a != b && a.first() != b.first()) {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match (ra.len(), rb.len()) {
        (0, 0) => true,
        (x, y) if x == y => {
            ra[1..] == rb[1..] || (x >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        (x, y) if x > y => ra[1..] == *rb,
        _ => *ra == rb[1..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::words::sentences;

    #[test]
    fn a_phrase_written_as_an_alternative_is_caught() {
        // Each of these once shipped and never matched as meant.
        assert_eq!(
            repeated_choice("mess|off|playing up|acting up|not right").as_deref(),
            Some("up")
        );
        assert_eq!(
            repeated_choice("barely|hardly|cant|can barely ..1 wake").as_deref(),
            Some("barely")
        );
        assert_eq!(
            find("playing|acting up", "my gut is acting up"),
            Some("acting up".into())
        );
        // Scores repeat numbers on purpose; different words in each choice are fine.
        assert_eq!(repeated_choice("9|10 out of ten|10"), None);
        assert_eq!(repeated_choice("@pain ..6 worse every|each day|week"), None);
        assert_eq!(repeated_choice("blood ..2 [my|the] blood"), None);
    }

    fn find(pattern: &str, text: &str) -> Option<String> {
        let p = parse(pattern).unwrap();
        let s = &sentences(text)[0];
        p.find_all(&s.words).first().map(|m| {
            s.words[m.start..m.end]
                .iter()
                .map(|w| w.norm.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    #[test]
    fn alternatives_prefixes_optionals_and_gaps() {
        assert_eq!(
            find("blood .. stool|poop", "there is blood in my poop").as_deref(),
            Some("blood in my poop")
        );
        assert_eq!(find("blood .. stool", "blood test and then a stool"), None);
        assert_eq!(
            find("vomit* ..1 blood", "Vomitted blood").as_deref(),
            Some("vomitted blood")
        );
        assert_eq!(
            find("cant|cannot [even] swallow", "I can't even swallow").as_deref(),
            Some("cant even swallow")
        );
        assert_eq!(
            find("cant|cannot [even] swallow", "cannot swallow").as_deref(),
            Some("cannot swallow")
        );
    }

    /// Before, "passed my exam, bloody brilliant" matched `passed ..2 blood|bloody`.
    #[test]
    fn a_gap_does_not_skip_over_a_comma() {
        assert_eq!(
            find("passed ..2 bloody", "passed my exam, bloody brilliant"),
            None
        );
        assert_eq!(
            find("up ..6 blood", "threw up, blood everywhere").as_deref(),
            Some("up blood")
        );
        assert_eq!(
            find("blood .. stool", "blood in my stool, again").as_deref(),
            Some("blood in my stool")
        );
    }

    #[test]
    fn long_words_tolerate_one_typo_short_words_do_not() {
        assert!(find("diarrhoea", "bad diarhoea").is_some());
        assert!(find("stomach", "stomache hurts").is_some());
        assert!(find("weight", "height").is_none());
        assert!(find("diarrhoea", "dairy").is_none());
        // A different first letter is a different word: "fainted" once matched an
        // exclusion for paint and silenced a toilet full of blood.
        assert!(find("painted", "i fainted").is_none());
    }

    #[test]
    fn gap_literals_are_tracked() {
        let p = parse("stool .. black").unwrap();
        let s = &sentences("my stool is not black")[0];
        let m = &p.find_all(&s.words)[0];
        assert_eq!(m.literals, vec![1, 4]);
        assert!(!m.is_literal(3));
    }

    #[test]
    fn malformed_patterns_are_explained() {
        for (bad, says) in [
            ("", "empty"),
            (".. blood", "between two words"),
            ("blood ..", "end with a gap"),
            ("blood ..9 stool", "`..1` to `..6`"),
            ("poo* ", "at least 4 letters"),
            ("blood||stool", "empty choice"),
            ("5kg", "not one word"),
            ("[my] stool", "cannot start with an optional"),
            ("[blood", "optional word is written"),
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains(says), "{bad:?}: {err}");
        }
    }

    #[test]
    fn too_many_gaps_or_words_are_refused() {
        let gaps = ["a"; 6].join(" .. ");
        assert!(parse(&gaps).unwrap_err().contains("at most 4 `..` gaps"));
        let long = ["a"; 13].join(" ");
        assert!(parse(&long).unwrap_err().contains("at most 12"));
        assert!(parse(&["a"; 5].join(" .. ")).is_ok());
    }

    /// The review's case: 14 gaps of 6 over a 60-word sentence of near-matches took over 30 s
    /// with plain backtracking. Built past `parse`'s limit on purpose, to show the matcher is
    /// linear on its own.
    #[test]
    fn matching_cost_is_linear_whatever_the_gaps() {
        let a = parse("a").unwrap().elems.remove(0);
        let mut elems = vec![a.clone()];
        for _ in 0..14 {
            elems.push(Elem::Gap(MAX_GAP));
            elems.push(a.clone());
        }
        elems.push(parse("z").unwrap().elems.remove(0));
        let p = Pattern { elems };
        let text = vec!["a"; 60].join(" ");
        let s = &sentences(&text)[0];
        let mut run = Run::new(&p, &s.words);
        for start in 0..s.words.len() {
            assert_eq!(run.match_at(0, start), None);
        }
        let bound = p.elems.len() * (s.words.len() + 1);
        assert!(run.steps <= bound, "{} steps > {bound}", run.steps);
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("diarrhea", "diarrea"));
        assert!(within_one_edit("diarrhea", "diarrhae"));
        assert!(within_one_edit("swallow", "swalow"));
        assert!(within_one_edit("swallow", "swallows"));
        assert!(!within_one_edit("diarrhea", "diarreah"));
        assert!(!within_one_edit("bleeding", "bleed"));
        assert!(!within_one_edit("stomach", "smooth"));
    }
}
