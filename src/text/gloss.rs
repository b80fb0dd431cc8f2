//! Messages in Spanish, French, German or Portuguese, glossed into rough English word by word.
//!
//! Everything that understands a message is English: the embedding model (all-MiniLM-L6-v2
//! was trained on English), the FAQ's phrasings, the red-flag patterns and, above all, the
//! context cues that keep a warning quiet for a past episode, a novel's plot or a negation.
//! A word-for-word gloss ("hace dos años vomité sangre" -> "two years ago i vomited blood") is
//! crude English, but it is English those parts read well, and it is cheap: one hash lookup
//! per word, no model. Words the glossary does not know stay as they were, so the English in
//! a mixed message ("ma naturopathe en parle but never explains it") passes through.
//!
//! A message is glossed only when it shows more marker words of one language than English
//! marker words, and at least `MIN_MARKERS`: English chat must never be rewritten.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::words::{Sentence, sentences};

/// Fewest marker words that make a message that language.
pub const MIN_MARKERS: usize = 2;

/// Longest phrase, in words, a glossary key may have (matching tries every length up to it).
pub const MAX_PHRASE_WORDS: usize = 6;

/// Common English words that are not ordinary words of the four glossed languages: a message
/// with as many of these as foreign markers is left alone.
const ENGLISH_MARKERS: &[&str] = &[
    "the", "and", "is", "my", "it", "its", "of", "to", "what", "with", "have", "this", "that",
    "for", "but", "you", "been", "about", "just", "like", "does", "can", "should", "any", "anyone",
    "how", "why", "when", "are", "if", "or", "from", "at", "be", "has", "had", "get", "got",
    "really", "they", "not", "dont", "your", "after", "because", "ive", "im", "i", "was", "since",
    "feel", "help", "know", "think", "would", "could", "there",
];

/// One glossary file as written (`faq/glossary/<language>.toml`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryFile {
    /// ISO 639-1 code: "es", "fr", "de", "pt".
    pub language: String,
    /// Words that show a message is in this language and are not English words.
    pub markers: Vec<String>,
    /// Foreign word or phrase (lower case, accents folded, words split as `words::sentences`
    /// splits them) -> English.
    pub terms: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
struct Language {
    code: String,
    markers: HashSet<String>,
    terms: HashMap<String, String>,
    longest: usize,
}

/// Every language's glossary, ready to detect and gloss.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    languages: Vec<Language>,
}

/// A message rewritten into English words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Glossed {
    /// The language it was detected as.
    pub language: String,
    /// The text with every known word or phrase replaced by its English.
    pub text: String,
    /// How many words or phrases were replaced.
    pub replaced: usize,
}

impl Glossary {
    pub fn new(files: &[GlossaryFile]) -> Glossary {
        let languages = files
            .iter()
            .map(|f| Language {
                code: f.language.clone(),
                markers: f.markers.iter().cloned().collect(),
                longest: f
                    .terms
                    .keys()
                    .map(|k| k.split(' ').count())
                    .max()
                    .unwrap_or(0)
                    .min(MAX_PHRASE_WORDS),
                terms: f.terms.clone().into_iter().collect(),
            })
            .collect();
        Glossary { languages }
    }

    pub fn is_empty(&self) -> bool {
        self.languages.is_empty()
    }

    /// The English gloss of `text`, or `None` when it reads as English (or as nothing known).
    pub fn gloss(&self, text: &str) -> Option<Glossed> {
        let split = sentences(text);
        let language = self.detect(&split)?;
        let mut out = String::with_capacity(text.len() + text.len() / 4);
        let mut copied = 0;
        let mut replaced = 0;
        for sentence in &split {
            let words = &sentence.words;
            let mut i = 0;
            while i < words.len() {
                match language.longest_match(&words[i..]) {
                    Some((len, english)) => {
                        out.push_str(&text[copied..words[i].start]);
                        out.push_str(english);
                        copied = words[i + len - 1].end;
                        replaced += 1;
                        i += len;
                    }
                    None => i += 1,
                }
            }
        }
        out.push_str(&text[copied..]);
        (replaced > 0).then(|| Glossed {
            language: language.code.clone(),
            text: out,
            replaced,
        })
    }

    /// The language with the most marker words, when it has at least `MIN_MARKERS` and more
    /// than the English markers.
    fn detect(&self, split: &[Sentence]) -> Option<&Language> {
        let words: Vec<&str> = split
            .iter()
            .flat_map(|s| s.words.iter().map(|w| w.norm.as_str()))
            .collect();
        let english = words.iter().filter(|w| ENGLISH_MARKERS.contains(w)).count();
        self.languages
            .iter()
            .map(|l| (l, words.iter().filter(|w| l.markers.contains(**w)).count()))
            .filter(|&(_, n)| n >= MIN_MARKERS && n > english)
            .max_by_key(|&(_, n)| n)
            .map(|(l, _)| l)
    }
}

impl Language {
    /// The longest phrase starting at `words[0]` that the glossary knows: (its length in
    /// words, its English).
    fn longest_match(&self, words: &[super::words::Word]) -> Option<(usize, &str)> {
        let mut key = String::new();
        let mut best = None;
        for (n, word) in words.iter().take(self.longest).enumerate() {
            if n > 0 {
                key.push(' ');
            }
            key.push_str(&word.norm);
            if let Some(english) = self.terms.get(&key) {
                best = Some((n + 1, english.as_str()));
            }
        }
        best
    }
}

/// The words `key` splits into, joined by single spaces: what a key must equal to match.
pub fn normal_key(key: &str) -> String {
    sentences(key)
        .iter()
        .flat_map(|s| s.words.iter().map(|w| w.norm.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spanish() -> Glossary {
        let terms = [
            ("hace dos anos", "two years ago"),
            ("vomite", "i vomited"),
            ("sangre", "blood"),
            ("por", "from"),
            ("una", "a"),
            ("el", "the"),
            ("intestino permeable", "leaky gut"),
            ("que", "what"),
            ("es", "is"),
        ];
        Glossary::new(&[GlossaryFile {
            language: "es".into(),
            markers: vec!["el".into(), "que".into(), "por".into(), "una".into()],
            terms: terms
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }])
    }

    #[test]
    fn glosses_longest_phrases_and_keeps_unknown_words() {
        let g = spanish()
            .gloss("Hace dos años vomité sangre por una gastritis.")
            .expect("Spanish");
        assert_eq!(g.language, "es");
        assert_eq!(g.text, "two years ago i vomited blood from a gastritis.");
        assert_eq!(g.replaced, 5);
    }

    #[test]
    fn leaves_english_alone_even_with_a_foreign_looking_word() {
        assert_eq!(
            spanish().gloss("what is el nino doing to the weather"),
            None
        );
        assert_eq!(spanish().gloss("blood in my stool"), None);
    }

    #[test]
    fn mixed_messages_keep_their_english_words() {
        let g = spanish()
            .gloss("que es el intestino permeable? una naturopath never explains")
            .expect("mostly Spanish");
        assert_eq!(g.text, "what is the leaky gut? a naturopath never explains");
    }

    #[test]
    fn keys_are_normalised_like_messages() {
        assert_eq!(normal_key("Qu'est-ce  que"), "qu est ce que");
        assert_eq!(normal_key("Hace dos AÑOS"), "hace dos anos");
    }
}
