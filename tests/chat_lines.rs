//! Entries' chat lines (`asked`): the meaning layer compares messages with them, while the word
//! index and the anchors never see them, so chat filler ("ngl", "worth it?") cannot become a
//! search word.

use std::path::Path;

use gutcheck::faq::Faq;
use gutcheck::hybrid::SemanticIndex;
use gutcheck::respond::{Gutcheck, ModelChoice};

#[test]
fn chat_lines_reach_the_meaning_layer_and_not_the_word_index() {
    let faq = Faq::load(Path::new("faq")).expect("the shipped FAQ loads");
    let entry = faq
        .entries
        .iter()
        .find(|e| !e.asked.is_empty())
        .expect("the shipped FAQ has chat lines");
    let meaning = SemanticIndex::phrasings(&faq);
    for line in &entry.asked {
        assert!(
            meaning.iter().any(|(_, text)| text == line),
            "{line:?} is not compared by meaning"
        );
    }
    let core = Gutcheck::load_in_ram(Path::new("faq"), &ModelChoice::Off).expect("loads");
    for line in &entry.asked {
        assert!(
            core.engine().docs().iter().all(|d| d.text != *line),
            "{line:?} was indexed as words"
        );
    }
}
