//! The shipped FAQ in faq/ loads cleanly and meets the content pack's bar.

use std::io::Write;
use std::path::Path;

use gutcheck::faq::{Date, Faq};

#[path = "support/cli.rs"]
mod cli;

/// The FAQ as of a fixed day, so that entries ageing past their review date (a warning that
/// asks a moderator to re-check them) do not break the build on some future morning.
fn shipped() -> Faq {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    let day = Date::new(2026, 11, 27).unwrap();
    let loaded = Faq::load_at(&dir, day);
    loaded
        .faq
        .unwrap_or_else(|| panic!("faq/ does not load:\n{}", loaded.diagnostics))
}

#[test]
fn shipped_faq_loads_without_errors() {
    let faq = shipped();
    assert!(faq.entries.len() >= 72, "{} entries", faq.entries.len());
    assert!(!faq.red_flags.is_empty());
    assert!(!faq.synonyms.is_empty());
}

#[test]
fn every_entry_has_enough_phrasings_and_every_claim_is_cited() {
    let faq = shipped();
    for entry in &faq.entries {
        // The content bar is stricter than `check`'s floor of 8: retrieval, lexical and
        // semantic, learns how people ask from these.
        assert!(
            entry.questions.len() >= 12,
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

/// The verified bibliography beside the project: references.toml and references-2.toml in
/// ../shared. `None` (with a loud note on stderr) when that folder is absent, as in a bare
/// checkout of this repository alone; the citation check then cannot run.
fn verified_bibliography() -> Option<String> {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let mut text = String::new();
    for name in ["references.toml", "references-2.toml"] {
        let path = shared.join(name);
        match std::fs::read_to_string(&path) {
            Ok(part) => text.push_str(&part),
            Err(e) => {
                // Written to stderr directly, not with eprintln!, so the test harness does not
                // swallow it: a skipped check must be visible on a passing run.
                let _ = writeln!(
                    std::io::stderr(),
                    "NOT CHECKED: citations against the verified bibliography; cannot read {}: {e}. \
                     This check needs ../shared beside the project.",
                    path.display()
                );
                return None;
            }
        }
        text.push('\n');
    }
    Some(text)
}

/// The `[[source]]` records of the bibliography, each as its own text, keyed by id.
fn records(bibliography: &str) -> std::collections::HashMap<String, String> {
    bibliography
        .split("[[source]]")
        .skip(1)
        .filter_map(|record| {
            let id = record.lines().find_map(|l| l.strip_prefix("id = \""))?;
            Some((id.trim_end_matches('"').to_string(), record.to_string()))
        })
        .collect()
}

#[test]
fn every_source_is_one_of_the_verified_references() {
    // Citations must come from the verified bibliography, never be made up: each source must
    // be a record there marked verified, with the same DOI, URL and year.
    let Some(bibliography) = verified_bibliography() else {
        return;
    };
    let records = records(&bibliography);
    for source in &shipped().sources {
        let record = records
            .get(&source.id)
            .unwrap_or_else(|| panic!("{}: not a record of the verified bibliography", source.id));
        assert!(
            record.contains("verified = true"),
            "{}: the record is not marked verified",
            source.id
        );
        assert!(
            record.contains(&format!("url = \"{}\"", source.url)),
            "{}: url differs from the record",
            source.id
        );
        assert!(
            record.contains(&format!("year = {}", source.year)),
            "{}: year differs from the record",
            source.id
        );
        if let Some(doi) = &source.doi {
            assert!(
                record.contains(&format!("doi = \"{doi}\"")),
                "{}: doi differs from the record",
                source.id
            );
        }
    }
}

#[test]
fn the_shipped_faq_has_no_warnings() {
    // `gutcheck check` clean: stale reviews and findings graded two ways both show up here.
    let faq = shipped();
    assert!(faq.warnings.is_empty(), "{}", faq.warnings);
}

/// The questions on the topics added for issue 11 (tests/eval/new-topics.tsv) find their
/// entries. The set was written by the content author in other words than the phrasings; its
/// first run, before any phrasing was added for it, scored 65.0% precision and 47.5% answered,
/// so it is not blind any more. The floors guard the coverage of those topics.
#[test]
fn questions_on_the_new_topics_find_their_entries() {
    use gutcheck::respond::Gutcheck;
    use gutcheck::search::Thresholds;
    use gutcheck::search::eval::{self, Report};

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases = eval::load(&root.join("tests/eval/new-topics.tsv")).unwrap();
    let faq = shipped();
    let phrasings: std::collections::HashSet<String> = faq
        .entries
        .iter()
        .flat_map(|e| e.phrasings().map(|p| p.to_lowercase()))
        .collect();
    for case in &cases {
        if let Some(id) = &case.expected {
            assert!(
                faq.entry(id).is_some(),
                "line {}: no entry `{id}`",
                case.line
            );
        }
        assert!(
            !phrasings.contains(&case.message.to_lowercase()),
            "line {}: copied from a phrasing",
            case.line
        );
    }
    let g = Gutcheck::from_faq_cached(
        faq,
        &gutcheck::respond::ModelChoice::default(),
        Some(cli::shared_vectors()),
    )
    .unwrap();
    let report = Report::run(&cases, |m| {
        let reply = g.respond_with(m, &Thresholds::ASKED);
        (
            reply.answer.map(|a| a.id),
            reply.suggestions.into_iter().map(|s| s.id).collect(),
        )
    });
    println!("{}", report.summary());
    assert!(report.precision() >= 0.90, "{}", report.misses());
    assert!(report.answered_in_scope() >= 0.75, "{}", report.misses());
}
