//! `faq/glossary/<language>.toml`: the foreign words the core glosses into English before it
//! reads a message (see `text::gloss`). Loaded and checked like every other FAQ file, so a
//! bad key is reported at its line by `gutcheck check` and a reload with one keeps the old
//! content serving.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::diagnostic::{Diagnostic, Diagnostics, Severity, TomlFile};
use crate::text::gloss::{GlossaryFile, MAX_PHRASE_WORDS, normal_key};

pub const GLOSSARY_DIR: &str = "glossary";

/// Every `*.toml` in `dir/glossary`, checked; a missing folder is an empty glossary (the
/// core then reads only English), an unreadable one an error.
pub fn load(dir: &Path, out: &mut Diagnostics) -> Vec<(GlossaryFile, TomlFile)> {
    let folder = dir.join(GLOSSARY_DIR);
    let read = match std::fs::read_dir(&folder) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            out.push(Diagnostic {
                path: folder,
                line: 1,
                col: 1,
                severity: Severity::Error,
                message: format!("cannot read the glossary folder: {e}"),
            });
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let Ok(toml) = TomlFile::read(&path).map_err(|d| out.push(d)) else {
            continue;
        };
        match toml.parse::<GlossaryFile>() {
            Ok(file) => {
                check(&file, &toml, &path, out);
                files.push((file, toml));
            }
            Err(ds) => ds.into_iter().for_each(|d| out.push(d)),
        }
    }
    files
}

fn check(file: &GlossaryFile, toml: &TomlFile, path: &Path, out: &mut Diagnostics) {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    if file.language != stem {
        out.push(toml.error(
            "language",
            format!(
                "language `{}` differs from the file name `{stem}.toml`: name the file after its language",
                file.language
            ),
        ));
    }
    for (i, marker) in file.markers.iter().enumerate() {
        if normal_key(marker) != *marker || marker.contains(' ') {
            out.push(toml.error(
                &format!("markers[{i}]"),
                format!(
                    "marker `{marker}` must be one word in lower case without accents (`{}`)",
                    normal_key(marker)
                ),
            ));
        }
    }
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (key, english) in &file.terms {
        let at = format!("terms.{key}");
        let normal = normal_key(key);
        if normal != *key {
            out.push(toml.error(
                &at,
                format!("write the key `{key}` as `{normal}` (lower case, no accents, words split as messages are)"),
            ));
        }
        if normal.split(' ').count() > MAX_PHRASE_WORDS {
            out.push(toml.error(
                &at,
                format!("`{key}` is longer than {MAX_PHRASE_WORDS} words"),
            ));
        }
        if english.trim().is_empty() {
            out.push(toml.error(&at, format!("`{key}` has no English")));
        }
        if let Some(first) = seen.insert(normal.clone(), key) {
            out.push(toml.error(&at, format!("`{key}` and `{first}` are the same key")));
        }
    }
}
