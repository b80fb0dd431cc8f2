//! `faq/out_of_scope.toml`: chat messages near the FAQ's subjects that it does not answer
//! ("which antihistamine for hay fever", "how long does a tattoo take to heal"). The meaning
//! layer ranks them beside the entries' phrasings; a message closer to one of them than to
//! the entry it would be answered with gets no answer (`hybrid::decide`). Whole messages,
//! not patterns. The file is optional: without it nothing is held back this way.

use std::collections::HashMap;

use serde::Deserialize;

use super::diagnostic::{Diagnostics, TomlFile};
use super::model::Entry;
use super::validate::{check_chat_line, normalize_phrasing};

pub const OUT_OF_SCOPE_FILE: &str = "out_of_scope.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutOfScopeFile {
    pub examples: Vec<String>,
}

/// Every example is a non-empty chat line of at most `Limits::ASKED` characters, listed once,
/// and none is also an entry's phrasing or chat line (it cannot be both answered and not).
pub fn validate(file: &OutOfScopeFile, toml: &TomlFile, entries: &[Entry], out: &mut Diagnostics) {
    let answered: HashMap<String, &str> = entries
        .iter()
        .flat_map(|e| {
            e.meaning_phrasings()
                .map(move |p| (normalize_phrasing(p), e.id.as_str()))
        })
        .collect();
    let mut seen = HashMap::new();
    for (i, example) in file.examples.iter().enumerate() {
        let at = format!("examples[{i}]");
        check_chat_line(toml, &at, "example", example, out);
        if example.trim().is_empty() {
            continue;
        }
        let norm = normalize_phrasing(example);
        if let Some(first) = seen.insert(norm.clone(), i) {
            out.push(toml.error(
                &at,
                format!("example is listed twice (first as examples[{first}])"),
            ));
        }
        if let Some(id) = answered.get(&norm) {
            out.push(toml.error(
                &at,
                format!(
                    "example is also a phrasing or chat line of entry `{id}`: it cannot be both answered and out of scope"
                ),
            ));
        }
    }
}
