//! The shipped FAQ in faq/ loads cleanly and meets the content pack's bar.

use std::path::Path;

use gutcheck::faq::Faq;

fn shipped() -> Faq {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    Faq::load(&dir).unwrap_or_else(|diagnostics| panic!("faq/ does not load:\n{diagnostics}"))
}

#[test]
fn shipped_faq_loads_without_errors() {
    let faq = shipped();
    assert!(faq.entries.len() >= 40, "{} entries", faq.entries.len());
    assert!(!faq.red_flags.is_empty());
    assert!(!faq.synonyms.is_empty());
}

#[test]
fn every_entry_has_enough_phrasings_and_every_claim_is_cited() {
    let faq = shipped();
    for entry in &faq.entries {
        assert!(
            entry.questions.len() >= 8,
            "{}: {} phrasings",
            entry.id,
            entry.questions.len()
        );
        for claim in &entry.claims {
            assert!(!claim.sources.is_empty(), "{}: uncited claim", entry.id);
            for id in &claim.sources {
                assert!(
                    faq.source(id).is_some(),
                    "{}: unknown source {id}",
                    entry.id
                );
            }
        }
    }
}

#[test]
fn every_source_is_one_of_the_verified_references() {
    // Citations must come from the verified bibliography, never be made up: each source's DOI
    // and URL must appear verbatim in shared/references.toml when it is present beside us.
    let refs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/references.toml");
    let Ok(text) = std::fs::read_to_string(&refs) else {
        eprintln!("skipped: {} not found", refs.display());
        return;
    };
    for source in &shipped().sources {
        assert!(
            text.contains(&format!("id = \"{}\"", source.id)),
            "{} not in references",
            source.id
        );
        assert!(
            text.contains(&format!("url = \"{}\"", source.url)),
            "{}: url differs",
            source.id
        );
        if let Some(doi) = &source.doi {
            assert!(
                text.contains(&format!("doi = \"{doi}\"")),
                "{}: doi differs",
                source.id
            );
        }
    }
}
