//! `faq/context.toml`: the cue lists that decide whether a red-flag trigger counts
//! (negated, hypothetical, historical, about someone else).

use serde::{Deserialize, Serialize};

use super::diagnostic::{Diagnostics, TomlFile};
use super::validate::{Limits, check_text};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextFile {
    /// Where the cue lists come from; shown by `/redflags`.
    pub attribution: String,
    pub negation: Vec<String>,
    #[serde(default)]
    pub pseudo_negation: Vec<String>,
    #[serde(default)]
    pub hypothetical: Vec<String>,
    #[serde(default)]
    pub historical: Vec<String>,
    #[serde(default)]
    pub other_person: Vec<String>,
    pub terminators: Vec<String>,
}

impl ContextFile {
    fn lists(&self) -> [(&'static str, &Vec<String>); 6] {
        [
            ("negation", &self.negation),
            ("pseudo_negation", &self.pseudo_negation),
            ("hypothetical", &self.hypothetical),
            ("historical", &self.historical),
            ("other_person", &self.other_person),
            ("terminators", &self.terminators),
        ]
    }
}

pub fn validate(file: &ContextFile, toml: &TomlFile, out: &mut Diagnostics) {
    check_text(
        toml,
        "attribution",
        "attribution",
        &file.attribution,
        Limits::SUMMARY,
        out,
    );
    for (name, list) in file.lists() {
        let mut seen = std::collections::HashSet::new();
        for (i, cue) in list.iter().enumerate() {
            let at = format!("{name}[{i}]");
            check_text(toml, &at, "cue", cue, Limits::PHRASE, out);
            if !seen.insert(cue.trim().to_lowercase()) {
                out.push(toml.error(&at, format!("cue `{cue}` is listed twice in `{name}`")));
            }
        }
    }
}
