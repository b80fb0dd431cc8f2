//! The curated FAQ: loading `faq/`, validating it, and the typed model the rest of the core
//! reads. Nothing here knows about search engines or Discord.

pub mod context;
pub mod date;
pub mod diagnostic;
pub mod glossary;
pub mod model;
pub mod out_of_scope;
pub mod redflags;
pub mod validate;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub use context::ContextFile;
pub use date::Date;
pub use diagnostic::{Diagnostic, Diagnostics, Severity, TomlFile};
pub use model::{Claim, Entry, Grade, Source, SourceKind, SynonymGroup, SynonymsFile};
pub use redflags::{RedFlagRule, RedFlagsFile, Subject, Tier};

pub const ENTRIES_DIR: &str = "entries";
pub const SOURCES_FILE: &str = "sources.toml";
pub const REDFLAGS_FILE: &str = "redflags.toml";
pub const CONTEXT_FILE: &str = "context.toml";
pub const SYNONYMS_FILE: &str = "synonyms.toml";

/// A loaded, validated FAQ. Only `Faq::load` builds one, so holding a `Faq` means every
/// cross-reference resolves.
#[derive(Debug, Clone)]
pub struct Faq {
    pub dir: PathBuf,
    /// Sorted by id.
    pub entries: Vec<Entry>,
    pub sources: Vec<Source>,
    pub red_flags: Vec<RedFlagRule>,
    pub context: ContextFile,
    pub synonyms: Vec<SynonymGroup>,
    /// Chat messages near the FAQ's subjects that it does not answer (`faq/out_of_scope.toml`).
    pub out_of_scope: Vec<String>,
    /// Foreign words glossed into English before a message is read (`faq/glossary/`).
    pub glossary: crate::text::gloss::Glossary,
    /// Stable over runs and machines: a hash of every FAQ file's path and bytes.
    pub fingerprint: String,
    /// Warnings found while loading (stale reviews); errors prevent a `Faq` from existing.
    pub warnings: Diagnostics,
    entry_index: HashMap<String, usize>,
    source_index: HashMap<String, usize>,
    entry_files: Vec<TomlFile>,
}

/// What `check` reports: every diagnostic, and the FAQ when there was no error.
pub struct Loaded {
    pub faq: Option<Faq>,
    pub diagnostics: Diagnostics,
}

impl Faq {
    /// Loads and validates `dir`; `Err` carries every problem found (errors and warnings).
    pub fn load(dir: &Path) -> Result<Faq, Diagnostics> {
        let loaded = Faq::load_at(dir, Date::today());
        loaded.faq.ok_or(loaded.diagnostics)
    }

    /// As `load`, with "today" given so staleness checks are reproducible in tests.
    pub fn load_at(dir: &Path, today: Date) -> Loaded {
        let mut out = Diagnostics::default();
        let mut hasher = Fingerprint::new();

        let read = |name: &str, out: &mut Diagnostics, hasher: &mut Fingerprint| {
            let path = dir.join(name);
            match TomlFile::read(&path) {
                Ok(file) => {
                    hasher.add(name, &file.text);
                    Some(file)
                }
                Err(d) => {
                    out.push(d);
                    None
                }
            }
        };

        let sources_toml = read(SOURCES_FILE, &mut out, &mut hasher);
        let sources: Vec<Source> = sources_toml
            .as_ref()
            .and_then(|t| parse_into::<model::SourcesFile>(t, &mut out))
            .map(|f| f.sources)
            .unwrap_or_default();
        let mut source_index = HashMap::new();
        if let Some(toml) = &sources_toml {
            for (i, source) in sources.iter().enumerate() {
                validate::check_source(source, i, toml, today, &mut out);
                if source_index.insert(source.id.clone(), i).is_some() {
                    out.push(toml.error(
                        &format!("source[{i}].id"),
                        format!("duplicate source id `{}`", source.id),
                    ));
                }
            }
        }
        let known_source = |id: &str| source_index.contains_key(id);

        let (entries, entry_files) = load_entries(dir, today, &known_source, &mut out, &mut hasher);

        let redflags_toml = read(REDFLAGS_FILE, &mut out, &mut hasher);
        let red_flags = redflags_toml.as_ref().and_then(|toml| {
            let file = parse_into::<RedFlagsFile>(toml, &mut out)?;
            redflags::validate(&file, toml, &known_source, &mut out);
            Some(file.expanded_rules())
        });

        let context_toml = read(CONTEXT_FILE, &mut out, &mut hasher);
        let context = context_toml.as_ref().and_then(|toml| {
            let file = parse_into::<ContextFile>(toml, &mut out)?;
            context::validate(&file, toml, &mut out);
            Some(file)
        });

        let synonyms_toml = read(SYNONYMS_FILE, &mut out, &mut hasher);
        let synonyms = synonyms_toml.as_ref().and_then(|toml| {
            let file = parse_into::<SynonymsFile>(toml, &mut out)?;
            validate::check_synonyms(&file, toml, &mut out);
            Some(file.groups)
        });

        let out_of_scope = load_out_of_scope(dir, &entries, &mut out, &mut hasher);

        let glossary_files = glossary::load(dir, &mut out);
        for (_, toml) in &glossary_files {
            let name = toml.path.file_name().unwrap_or_default().to_string_lossy();
            hasher.add(&format!("{}/{name}", glossary::GLOSSARY_DIR), &toml.text);
        }
        let glossary_files: Vec<_> = glossary_files.into_iter().map(|(f, _)| f).collect();

        // Cross-file checks need everything parsed.
        let entry_index: HashMap<String, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        for (entry, toml) in entries.iter().zip(&entry_files) {
            for (i, related) in entry.related.iter().enumerate() {
                if related == &entry.id {
                    out.push(toml.error(
                        &format!("related[{i}]"),
                        "an entry cannot be related to itself",
                    ));
                } else if !entry_index.contains_key(related) {
                    out.push(toml.error(
                        &format!("related[{i}]"),
                        format!("related entry `{related}` does not exist in entries/"),
                    ));
                }
            }
        }
        check_phrasings_across_entries(&entries, &entry_files, &mut out);
        validate::check_statement_grades(&entries, &entry_files, &mut out);
        if let (Some(toml), Some(rules)) = (&sources_toml, &red_flags) {
            let cited: HashSet<&str> = entries
                .iter()
                .flat_map(|e| e.claims.iter().flat_map(|c| c.sources.iter()))
                .chain(rules.iter().flat_map(|r| r.sources.iter()))
                .map(String::as_str)
                .collect();
            for (i, source) in sources.iter().enumerate() {
                if !cited.contains(source.id.as_str()) {
                    out.push(toml.error(
                        &format!("source[{i}].id"),
                        format!(
                            "source `{}` is not cited by any claim or rule: cite it or remove it",
                            source.id
                        ),
                    ));
                }
            }
        }

        out.sort();
        let complete = sources_toml.is_some()
            && red_flags.is_some()
            && context.is_some()
            && synonyms.is_some();
        let faq = (!out.has_errors() && complete).then(|| Faq {
            dir: dir.to_path_buf(),
            entries,
            sources,
            red_flags: red_flags.unwrap_or_default(),
            context: context.unwrap_or_default(),
            synonyms: synonyms.unwrap_or_default(),
            out_of_scope,
            glossary: crate::text::gloss::Glossary::new(&glossary_files),
            fingerprint: hasher.finish(),
            warnings: out.clone(),
            entry_index,
            source_index,
            entry_files,
        });
        Loaded {
            faq,
            diagnostics: out,
        }
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entry_index.get(id).map(|&i| &self.entries[i])
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_index.get(id).map(|&i| &self.sources[i])
    }

    /// A diagnostic pointing into an entry's file, for checks that run after loading
    /// (retrieval self-consistency).
    pub fn entry_diagnostic(
        &self,
        entry_id: &str,
        key_path: &str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Option<Diagnostic> {
        let i = *self.entry_index.get(entry_id)?;
        Some(self.entry_files[i].at(key_path, severity, message))
    }

    /// Number of phrasings (title + questions) over all entries.
    pub fn phrasing_count(&self) -> usize {
        self.entries.iter().map(|e| e.questions.len() + 1).sum()
    }

    pub fn claim_count(&self) -> usize {
        self.entries.iter().map(|e| e.claims.len()).sum()
    }

    /// The one-line summary `check` and `index` print.
    pub fn summary_line(&self) -> String {
        format!(
            "{} entries, {} phrasings, {} claims, {} sources, {} red-flag rule{}",
            self.entries.len(),
            self.phrasing_count(),
            self.claim_count(),
            self.sources.len(),
            self.red_flags.len(),
            if self.red_flags.len() == 1 { "" } else { "s" }
        )
    }
}

/// `faq/out_of_scope.toml` when present (it is optional), checked against the entries.
fn load_out_of_scope(
    dir: &Path,
    entries: &[Entry],
    out: &mut Diagnostics,
    hasher: &mut Fingerprint,
) -> Vec<String> {
    let path = dir.join(out_of_scope::OUT_OF_SCOPE_FILE);
    if !path.exists() {
        return Vec::new();
    }
    let toml = match TomlFile::read(&path) {
        Ok(toml) => toml,
        Err(d) => {
            out.push(d);
            return Vec::new();
        }
    };
    hasher.add(out_of_scope::OUT_OF_SCOPE_FILE, &toml.text);
    let Some(file) = parse_into::<out_of_scope::OutOfScopeFile>(&toml, out) else {
        return Vec::new();
    };
    out_of_scope::validate(&file, &toml, entries, out);
    file.examples
}

fn parse_into<T: serde::de::DeserializeOwned>(toml: &TomlFile, out: &mut Diagnostics) -> Option<T> {
    toml.parse::<T>()
        .map_err(|ds| ds.into_iter().for_each(|d| out.push(d)))
        .ok()
}

fn load_entries(
    dir: &Path,
    today: Date,
    known_source: &dyn Fn(&str) -> bool,
    out: &mut Diagnostics,
    hasher: &mut Fingerprint,
) -> (Vec<Entry>, Vec<TomlFile>) {
    let entries_dir = dir.join(ENTRIES_DIR);
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&entries_dir) {
        Ok(read) => read
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => {
            out.push(Diagnostic {
                path: entries_dir.clone(),
                line: 1,
                col: 1,
                severity: Severity::Error,
                message: format!("cannot read the entries folder: {e}"),
            });
            return (Vec::new(), Vec::new());
        }
    };
    paths.sort();
    let mut loaded: Vec<(Entry, TomlFile)> = Vec::new();
    let mut ids: HashMap<String, String> = HashMap::new();
    for path in paths {
        let Ok(toml) = TomlFile::read(&path).map_err(|d| out.push(d)) else {
            continue;
        };
        let name = format!(
            "{ENTRIES_DIR}/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        hasher.add(&name, &toml.text);
        let Some(entry) = parse_into::<Entry>(&toml, out) else {
            continue;
        };
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        validate::check_entry(&entry, &toml, &stem, today, out);
        for (i, claim) in entry.claims.iter().enumerate() {
            for (j, source) in claim.sources.iter().enumerate() {
                if !known_source(source) {
                    out.push(toml.error(
                        &format!("claims[{i}].sources[{j}]"),
                        format!(
                            "unknown source id `{source}`: add it to sources.toml or fix the id"
                        ),
                    ));
                }
            }
        }
        if let Some(first) = ids.insert(entry.id.clone(), name.clone()) {
            out.push(toml.error(
                "id",
                format!("duplicate id `{}` (also used by {first})", entry.id),
            ));
            continue;
        }
        loaded.push((entry, toml));
    }
    loaded.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    loaded.into_iter().unzip()
}

/// A phrasing claimed by two entries makes retrieval ambiguous: report it in the later file,
/// naming the earlier one.
fn check_phrasings_across_entries(entries: &[Entry], files: &[TomlFile], out: &mut Diagnostics) {
    let mut owner: HashMap<String, &str> = HashMap::new();
    for (entry, toml) in entries.iter().zip(files) {
        let mut own = HashSet::new();
        for (key, text) in entry.keyed_phrasings() {
            let norm = validate::normalize_phrasing(text);
            if norm.is_empty() || !own.insert(norm.clone()) {
                continue; // duplicates inside one entry are reported by check_entry
            }
            if let Some(other) = owner.get(&norm) {
                out.push(toml.error(
                    &key,
                    format!("phrasing `{text}` is also listed by entry `{other}`: keep it in one"),
                ));
            } else {
                owner.insert(norm, &entry.id);
            }
        }
    }
}

/// FNV-1a over 128 bits: stable across Rust versions and machines, unlike `DefaultHasher`.
/// Not cryptographic; it only has to notice that a moderator changed a file.
struct Fingerprint(u128);

impl Fingerprint {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;

    fn new() -> Fingerprint {
        Fingerprint(Self::OFFSET)
    }

    fn add(&mut self, name: &str, text: &str) {
        for bytes in [name.as_bytes(), &[0], text.as_bytes(), &[0xff]] {
            for &b in bytes {
                self.0 ^= u128::from(b);
                self.0 = self.0.wrapping_mul(Self::PRIME);
            }
        }
    }

    fn finish(&self) -> String {
        format!("{:032x}", self.0)
    }
}
