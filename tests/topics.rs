//! `Gutcheck::topics`, the core behind `/faq` autocomplete: the answers' own analysis
//! (synonyms, typo repair, meaning) over a partly typed topic, ranked and capped.

#[path = "support/cli.rs"]
mod cli;

use gutcheck::respond::{Gutcheck, ModelChoice};

fn core(model: ModelChoice) -> Gutcheck {
    if !matches!(model, ModelChoice::Off) {
        cli::shared_vectors();
    }
    Gutcheck::load_in_ram(&cli::faq(), &model).expect("the FAQ loads")
}

/// Whether entry `id` has a phrasing containing one of `words`.
fn about(core: &Gutcheck, id: &str, words: &[&str]) -> bool {
    core.faq.entry(id).unwrap().phrasings().any(|p| {
        let p = p.to_lowercase();
        words.iter().any(|w| p.contains(w))
    })
}

fn ids(found: Vec<(String, String)>) -> Vec<String> {
    found.into_iter().map(|(id, _)| id).collect()
}

#[test]
fn words_find_typos_synonyms_and_prefixes_without_the_model() {
    let core = core(ModelChoice::Off);
    let found = ids(core.topics("probiotcs", 25));
    assert!(about(&core, &found[0], &["probiotic"]), "{found:?}");
    let found = ids(core.topics("spastic colon", 25));
    assert!(
        found
            .iter()
            .any(|id| about(&core, id, &["ibs", "irritable bowel"])),
        "{found:?}"
    );
    // An unfinished word still finds its entries, and they come first.
    let found = ids(core.topics("zonul", 25));
    assert!(about(&core, &found[0], &["zonulin"]), "{found:?}");
    assert!(core.topics("qqqxxzz", 25).is_empty());
}

#[test]
fn empty_input_lists_entries_by_title_and_every_list_is_capped() {
    let core = core(ModelChoice::Off);
    let all = core.topics("  ", 25);
    assert_eq!(all.len(), core.faq.entries.len().min(25));
    let titles: Vec<String> = all.iter().map(|(_, t)| t.to_lowercase()).collect();
    assert!(titles.is_sorted(), "{titles:?}");
    assert_eq!(core.topics("", 3).len(), 3.min(core.faq.entries.len()));
    assert!(core.topics("gut", 2).len() <= 2);
    for (id, title) in core.topics("leaky gut", 25) {
        assert_eq!(core.faq.entry(&id).unwrap().title, title);
    }
}

#[test]
fn longer_input_is_ranked_by_meaning_too() {
    let lexical = core(ModelChoice::Off);
    let hybrid = core(ModelChoice::default());
    // Words the FAQ does not use, meaning it does: only the model can connect them.
    let typed = "tummy bugs pills good bacteria capsules";
    let with_model = ids(hybrid.topics(typed, 25));
    assert!(
        with_model
            .iter()
            .take(3)
            .any(|id| about(&hybrid, id, &["probiotic"])),
        "{with_model:?}"
    );
    // Short input that the words settle never waits for the model: same as lexical.
    assert_eq!(
        ids(hybrid.topics("zonul", 25)),
        ids(lexical.topics("zonul", 25))
    );
}
