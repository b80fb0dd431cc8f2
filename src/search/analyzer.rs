//! The one analyzer used to index the FAQ and to read chat messages. Both sides must agree
//! token for token, so this is the only place that decides what a "term" is.

use std::collections::HashSet;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// The name the analyzer is registered under in every index (and again after opening one from
/// disk: tantivy stores the name in the schema, not the analyzer).
pub const ANALYZER: &str = "gutcheck_en";

/// Tokens longer than this are pasted hashes or base64, never words.
const MAX_TOKEN_BYTES: usize = 40;

/// Lucene's English list without "no" and "not" (a negation changes what is asked: "no leaky
/// gut?"), plus the pronouns, auxiliaries and chat filler people wrap questions in. Question
/// words (what, how, when, why) stay: they separate "what is zonulin" from "zonulin test".
/// Single letters stay unless they are a contraction's tail (dropped by `SpellingVariants`):
/// "vitamin d" must not match "vitamin c".
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "am", "an", "and", "any", "anybody", "anyone", "are", "as", "at", "be", "been",
    "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "guys",
    "had", "has", "have", "having", "he", "hello", "her", "hey", "hi", "him", "his", "i", "id",
    "if", "im", "in", "into", "is", "it", "its", "ive", "just", "ll", "lol", "m", "me", "my",
    "myself", "of", "ok", "okay", "on", "or", "our", "pls", "plz", "please", "re", "s", "she",
    "should", "so", "someone", "such", "t", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "u", "ur", "us", "ve", "very", "was", "we", "were",
    "will", "with", "would", "y'all", "yall", "you", "your",
];

/// British/American and other 1:1 spelling variants, folded to one form before stemming so
/// "coeliac" in a message finds "celiac" in the FAQ. Contraction stems ("isn" of "isn't") fold
/// to "not", the word they carry.
const SPELLING_VARIANTS: &[(&str, &str)] = &[
    ("coeliac", "celiac"),
    ("coeliacs", "celiacs"),
    ("fibre", "fiber"),
    ("fibres", "fibers"),
    ("diarrhoea", "diarrhea"),
    ("oesophagus", "esophagus"),
    ("oesophageal", "esophageal"),
    ("haemorrhoids", "hemorrhoids"),
    ("haemorrhage", "hemorrhage"),
    ("anaemia", "anemia"),
    ("anaemic", "anemic"),
    ("oestrogen", "estrogen"),
    ("faeces", "feces"),
    ("faecal", "fecal"),
    ("yoghurt", "yogurt"),
    ("yoghurts", "yogurts"),
    ("travellers", "travelers"),
    ("traveller", "traveler"),
    ("tumour", "tumor"),
    ("paediatric", "pediatric"),
    ("endotoxaemia", "endotoxemia"),
    ("septicaemia", "septicemia"),
    ("recognised", "recognized"),
    ("recognise", "recognize"),
    ("programme", "program"),
    ("behaviour", "behavior"),
    ("colour", "color"),
    ("isn", "not"),
    ("aren", "not"),
    ("wasn", "not"),
    ("weren", "not"),
    ("don", "not"),
    ("doesn", "not"),
    ("didn", "not"),
    ("won", "not"),
    ("wouldn", "not"),
    ("shouldn", "not"),
    ("couldn", "not"),
    ("hasn", "not"),
    ("haven", "not"),
    ("cant", "not"),
    ("dont", "not"),
    ("doesnt", "not"),
    ("isnt", "not"),
    ("wont", "not"),
    ("didnt", "not"),
];

/// The analyzer: SimpleTokenizer, RemoveLongFilter, LowerCaser, AsciiFoldingFilter, spelling
/// variants, stop words (keeping no/not), English stemmer.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(SpellingVariants)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| w.to_string()),
        ))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The terms of `text`, in order, repeats kept.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// The terms of `text` with their token positions (stop words leave gaps).
pub fn positioned_terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push((token.position, token.text.clone()));
    }
    out
}

/// The distinct terms of `text`, first occurrence first.
pub fn unique_terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    terms(analyzer, text)
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

fn spelling_variant(word: &str) -> Option<&'static str> {
    SPELLING_VARIANTS
        .iter()
        .find(|(from, _)| *from == word)
        .map(|(_, to)| *to)
}

#[derive(Clone)]
struct SpellingVariants;

impl TokenFilter for SpellingVariants {
    type Tokenizer<T: Tokenizer> = SpellingVariantsTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        SpellingVariantsTokenizer(tokenizer)
    }
}

#[derive(Clone)]
struct SpellingVariantsTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for SpellingVariantsTokenizer<T> {
    type TokenStream<'a> = SpellingVariantsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SpellingVariantsStream {
            tail: self.0.token_stream(text),
            text,
        }
    }
}

/// The tails the tokenizer splits off contractions: "I'd" gives "i" and "d".
const CONTRACTION_TAILS: &[&str] = &["d", "s", "t", "m", "ll", "re", "ve"];

struct SpellingVariantsStream<'a, S> {
    tail: S,
    text: &'a str,
}

impl<S: TokenStream> SpellingVariantsStream<'_, S> {
    fn is_contraction_tail(&self) -> bool {
        let token = self.tail.token();
        CONTRACTION_TAILS.contains(&token.text.as_str())
            && self
                .text
                .get(..token.offset_from)
                .is_some_and(|before| before.ends_with(['\'', '\u{2019}']))
    }
}

impl<S: TokenStream> TokenStream for SpellingVariantsStream<'_, S> {
    fn advance(&mut self) -> bool {
        loop {
            if !self.tail.advance() {
                return false;
            }
            if !self.is_contraction_tail() {
                break;
            }
        }
        if let Some(to) = spelling_variant(&self.tail.token().text) {
            let token = self.tail.token_mut();
            token.text.clear();
            token.text.push_str(to);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyze(text: &str) -> Vec<String> {
        terms(&mut analyzer(), text)
    }

    #[test]
    fn british_and_american_spellings_meet() {
        assert_eq!(analyze("Coeliac"), analyze("celiac"));
        assert_eq!(analyze("fibre"), analyze("fiber"));
        assert_eq!(analyze("diarrhoea"), analyze("diarrhea"));
        assert_eq!(analyze("oesophagus"), analyze("esophagus"));
        assert_eq!(analyze("yoghurt"), analyze("Yogurt"));
    }

    #[test]
    fn stop_words_go_but_negation_stays() {
        assert_eq!(analyze("is the gut leaky?"), vec!["gut", "leaki"]);
        assert_eq!(
            analyze("no blood, not painful"),
            vec!["no", "blood", "not", "pain"]
        );
        assert_eq!(analyze("it isn't real"), vec!["not", "real"]);
        assert_eq!(analyze("I don't have celiac"), vec!["not", "celiac"]);
    }

    #[test]
    fn contraction_tails_go_but_single_letters_stay() {
        assert_eq!(analyze("I'd try vitamin D"), vec!["tri", "vitamin", "d"]);
        assert_eq!(analyze("it\u{2019}s vitamin c"), vec!["vitamin", "c"]);
        assert_ne!(analyze("vitamin c"), analyze("vitamin d"));
    }

    #[test]
    fn stems_and_folds_accents() {
        assert_eq!(analyze("Probiotics"), analyze("probiotic"));
        assert_eq!(analyze("café crème"), vec!["cafe", "creme"]);
        assert_eq!(analyze("healing"), analyze("heal"));
    }

    #[test]
    fn pasted_blobs_are_not_terms() {
        let blob = "x".repeat(60);
        assert_eq!(analyze(&format!("zinc {blob}")), vec!["zinc"]);
        assert!(analyze("").is_empty());
        assert!(analyze("?!... ---").is_empty());
    }
}
