//! What a reload would change: entries, sources and red-flag rules added, removed and
//! changed, by id, with the fields that changed. A pure function of the two FAQs.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::faq::Faq;

/// One item present in both FAQs whose content differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub id: String,
    /// The top-level fields that differ (`summary`, `questions`, `claims`), sorted.
    pub fields: Vec<String>,
}

/// Added, removed and changed ids of one kind of item, each list sorted by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Section {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<Change>,
}

impl Section {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The FAQ serving now against the one that would replace it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FaqDiff {
    pub entries: Section,
    pub sources: Section,
    pub red_flags: Section,
    /// The synonyms or context cue files differ (they have no ids to list).
    pub synonyms_changed: bool,
    pub context_changed: bool,
}

impl FaqDiff {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
            && self.sources.is_empty()
            && self.red_flags.is_empty()
            && !self.synonyms_changed
            && !self.context_changed
    }

    /// One line per kind of item that changed, for a Discord notice or the terminal:
    /// `entries: added a, b; removed c; changed d (summary, claims)`.
    pub fn lines(&self) -> Vec<String> {
        if self.is_empty() {
            return vec!["no change: the files hold the FAQ already serving".to_string()];
        }
        let mut lines = Vec::new();
        for (name, section) in [
            ("entries", &self.entries),
            ("sources", &self.sources),
            ("red-flag rules", &self.red_flags),
        ] {
            if !section.is_empty() {
                lines.push(format!("{name}: {}", section_text(section)));
            }
        }
        if self.synonyms_changed {
            lines.push("synonyms changed".to_string());
        }
        if self.context_changed {
            lines.push("context cues changed".to_string());
        }
        lines
    }
}

impl fmt::Display for FaqDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in self.lines() {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

fn section_text(section: &Section) -> String {
    let mut parts = Vec::new();
    if !section.added.is_empty() {
        parts.push(format!("added {}", section.added.join(", ")));
    }
    if !section.removed.is_empty() {
        parts.push(format!("removed {}", section.removed.join(", ")));
    }
    if !section.changed.is_empty() {
        let changed: Vec<String> = section
            .changed
            .iter()
            .map(|c| format!("{} ({})", c.id, c.fields.join(", ")))
            .collect();
        parts.push(format!("changed {}", changed.join(", ")));
    }
    parts.join("; ")
}

/// What replacing `old` with `new` changes.
pub fn diff(old: &Faq, new: &Faq) -> FaqDiff {
    FaqDiff {
        entries: section(
            old.entries.iter().map(|e| (e.id.as_str(), e)),
            new.entries.iter().map(|e| (e.id.as_str(), e)),
        ),
        sources: section(
            old.sources.iter().map(|s| (s.id.as_str(), s)),
            new.sources.iter().map(|s| (s.id.as_str(), s)),
        ),
        red_flags: section(
            old.red_flags.iter().map(|r| (r.id.as_str(), r)),
            new.red_flags.iter().map(|r| (r.id.as_str(), r)),
        ),
        synonyms_changed: as_value(&old.synonyms) != as_value(&new.synonyms),
        context_changed: as_value(&old.context) != as_value(&new.context),
    }
}

/// Compares items through their serialised form: every field the files can set, without a
/// hand-kept list of fields to compare.
fn section<'a, T: Serialize + 'a>(
    old: impl Iterator<Item = (&'a str, &'a T)>,
    new: impl Iterator<Item = (&'a str, &'a T)>,
) -> Section {
    let old: BTreeMap<&str, serde_json::Value> = old.map(|(id, v)| (id, as_value(v))).collect();
    let new: BTreeMap<&str, serde_json::Value> = new.map(|(id, v)| (id, as_value(v))).collect();
    let mut out = Section::default();
    for (id, after) in &new {
        match old.get(id) {
            None => out.added.push(id.to_string()),
            Some(before) if before != after => out.changed.push(Change {
                id: id.to_string(),
                fields: changed_fields(before, after),
            }),
            Some(_) => {}
        }
    }
    out.removed = old
        .keys()
        .filter(|id| !new.contains_key(*id))
        .map(|id| id.to_string())
        .collect();
    out
}

fn as_value<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    // These types serialise to plain data: maps with string keys, never an error.
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

fn changed_fields(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
        return vec!["value".to_string()];
    };
    let mut fields: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::faq::Date;

    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for item in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(item.file_name());
            if item.file_type().unwrap().is_dir() {
                copy(&item.path(), &target);
            } else {
                std::fs::copy(item.path(), target).unwrap();
            }
        }
    }

    fn load(dir: &Path) -> Faq {
        let loaded = Faq::load_at(dir, Date::today());
        loaded
            .faq
            .unwrap_or_else(|| panic!("the FAQ does not load:\n{}", loaded.diagnostics))
    }

    #[test]
    fn the_same_files_differ_in_nothing() {
        let faq = load(Path::new("faq"));
        let d = diff(&faq, &faq.clone());
        assert!(d.is_empty());
        assert_eq!(
            d.lines(),
            ["no change: the files hold the FAQ already serving"]
        );
    }

    #[test]
    fn added_removed_and_changed_entries_by_id_with_their_fields() {
        let dir = tempfile::tempdir().unwrap();
        copy(Path::new("faq"), dir.path());
        let old = load(dir.path());
        let entries = dir.path().join("entries");
        // An entry no other entry relates to can be removed without breaking a reference.
        let first = old
            .entries
            .iter()
            .find(|e| !old.entries.iter().any(|o| o.related.contains(&e.id)))
            .unwrap();
        let second = old.entries.iter().find(|e| e.id != first.id).unwrap();
        // The removed entry comes back under a new id: an addition and a removal, with no
        // phrasing listed twice.
        let removed = entries.join(format!("{}.toml", first.id));
        let moved = std::fs::read_to_string(&removed).unwrap().replacen(
            &format!("id = \"{}\"", first.id),
            "id = \"zz-new-entry\"",
            1,
        );
        std::fs::remove_file(&removed).unwrap();
        std::fs::write(entries.join("zz-new-entry.toml"), moved).unwrap();
        let path = entries.join(format!("{}.toml", second.id));
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replacen("summary = \"", "summary = \"Edited. ", 1);
        assert_ne!(edited, text);
        std::fs::write(&path, edited).unwrap();
        let new = load(dir.path());

        let d = diff(&old, &new);
        assert_eq!(d.entries.added, ["zz-new-entry"]);
        assert_eq!(d.entries.removed, std::slice::from_ref(&first.id));
        assert_eq!(
            d.entries.changed,
            [Change {
                id: second.id.clone(),
                fields: vec!["summary".to_string()],
            }]
        );
        assert!(d.sources.is_empty() && d.red_flags.is_empty());
        assert!(!d.synonyms_changed && !d.context_changed);
        let lines = d.lines();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(
            lines[0],
            format!(
                "entries: added zz-new-entry; removed {}; changed {} (summary)",
                first.id, second.id
            )
        );
    }
}
