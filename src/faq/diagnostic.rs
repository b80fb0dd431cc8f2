//! Problems found in the FAQ files, each pinned to `path:line:col` so a moderator can jump to it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based, as editors count.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    pub severity: Severity,
    pub message: String,
}

/// How the problems that stop a whole file from being read start (see `TomlFile::read`).
const FILE_STOPPERS: [&str; 7] = [
    "file not found",
    "cannot read",
    "not a regular file",
    "file is larger than",
    "not valid UTF-8",
    "invalid TOML",
    "cannot read the entries folder",
];

impl Diagnostic {
    /// Whether this problem kept its whole file from being read or parsed. Such a problem is
    /// usually the root cause of others (a missing `sources.toml` makes every citation
    /// unknown), so reports list these first.
    pub fn stops_the_file(&self) -> bool {
        FILE_STOPPERS.iter().any(|p| self.message.starts_with(p))
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {level}: {}",
            self.path.display(),
            self.line,
            self.col,
            self.message
        )
    }
}

/// Every diagnostic of one `check` run, in file order.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, then position, so output is stable and reads top to bottom.
    pub fn sort(&mut self) {
        self.items
            .sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
        self.items.dedup();
    }
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in &self.items {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The largest FAQ file read (the biggest shipped file is about 22 KB): a huge file, or a
/// link to an endless one, is reported instead of read until memory runs out.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The text of `path` when it is a regular file of at most `max` bytes of UTF-8; otherwise
/// what is wrong, in words. A FIFO, device or folder is refused without reading it, and
/// opening never waits for a writer (a FIFO would otherwise block forever).
fn read_regular_file(path: &Path, max: u64) -> Result<String, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "file not found".to_string(),
        _ => format!("cannot read: {e}"),
    };
    let file = open_without_waiting(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a folder"
        } else {
            "a FIFO, socket or device"
        };
        return Err(format!(
            "not a regular file ({kind}): the FAQ is read from regular files only"
        ));
    }
    let too_large = || {
        format!(
            "file is larger than {} KiB: is this the right file?",
            max / 1024
        )
    };
    if meta.len() > max {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| "not valid UTF-8 text".to_string())
}

#[cfg(unix)]
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// A TOML file kept with its text, so a problem found in the typed data can be
/// reported at the exact place it was written. Positions are looked up by key path
/// (`claims[2].sources[0]`), which keeps the typed model free of span bookkeeping.
#[derive(Debug, Clone)]
pub struct TomlFile {
    pub path: PathBuf,
    pub text: String,
    locations: OnceLock<Locations>,
}

impl TomlFile {
    /// Reads and parses; a syntax error is returned as a diagnostic at its position.
    pub fn read(path: &Path) -> Result<TomlFile, Diagnostic> {
        let text = read_regular_file(path, MAX_FILE_BYTES).map_err(|message| Diagnostic {
            path: path.to_path_buf(),
            line: 1,
            col: 1,
            severity: Severity::Error,
            message,
        })?;
        TomlFile::from_text(path, text)
    }

    pub fn from_text(path: &Path, text: String) -> Result<TomlFile, Diagnostic> {
        let file = TomlFile {
            path: path.to_path_buf(),
            text,
            locations: OnceLock::new(),
        };
        match DeTable::parse(&file.text) {
            Ok(_) => Ok(file),
            Err(e) => Err(file.diagnostic_at_span(
                e.span(),
                Severity::Error,
                format!("invalid TOML: {}", first_line(e.message())),
            )),
        }
    }

    /// Deserializes into `T`. A type error or missing key stops the file (serde cannot go on);
    /// unknown keys do not, so a moderator sees every misspelt key of a file in one run.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, Vec<Diagnostic>> {
        let mut unknown = Vec::new();
        let parsed = toml::Deserializer::parse(&self.text)
            .and_then(|de| serde_ignored::deserialize(de, |path| unknown.push(key_path_of(&path))));
        match parsed {
            Ok(value) if unknown.is_empty() => Ok(value),
            Ok(_) => Err(self.sorted(
                unknown
                    .iter()
                    .map(|path| {
                        let key = path.rsplit('.').next().unwrap_or(path);
                        self.at_key(
                            path,
                            Severity::Error,
                            format!("unknown key `{key}`: not part of the format (misspelt?)"),
                        )
                    })
                    .collect(),
            )),
            Err(e) => Err(vec![self.diagnostic_at_span(
                e.span(),
                Severity::Error,
                explain_serde(e.message()),
            )]),
        }
    }

    fn sorted(&self, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics.sort_by_key(|d| (d.line, d.col));
        diagnostics
    }

    /// A diagnostic at the value found under `key_path`, or at the nearest enclosing value that
    /// exists (a missing key is reported at its table).
    pub fn at(&self, key_path: &str, severity: Severity, message: impl Into<String>) -> Diagnostic {
        self.at_offset(self.offset_of(key_path, false), severity, message)
    }

    /// As `at`, but pointing at the key itself rather than its value.
    pub fn at_key(
        &self,
        key_path: &str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.at_offset(self.offset_of(key_path, true), severity, message)
    }

    fn at_offset(
        &self,
        offset: Option<usize>,
        severity: Severity,
        message: impl Into<String>,
    ) -> Diagnostic {
        let offset = offset.unwrap_or(0);
        let (line, col) = self.line_col(offset);
        Diagnostic {
            path: self.path.clone(),
            line,
            col,
            severity,
            message: message.into(),
        }
    }

    pub fn error(&self, key_path: &str, message: impl Into<String>) -> Diagnostic {
        self.at(key_path, Severity::Error, message)
    }

    pub fn warning(&self, key_path: &str, message: impl Into<String>) -> Diagnostic {
        self.at(key_path, Severity::Warning, message)
    }

    fn diagnostic_at_span(
        &self,
        span: Option<std::ops::Range<usize>>,
        severity: Severity,
        message: String,
    ) -> Diagnostic {
        let (line, col) = self.line_col(span.map_or(0, |s| s.start));
        Diagnostic {
            path: self.path.clone(),
            line,
            col,
            severity,
            message,
        }
    }

    /// Where every key and value of the file is, found by one parse on first use: a file
    /// with tens of thousands of problems is then reported in linear time, not quadratic.
    fn locations(&self) -> &Locations {
        self.locations.get_or_init(|| Locations::of(&self.text))
    }

    /// The offset of the longest prefix of `key_path` that exists in the file.
    fn offset_of(&self, key_path: &str, point_at_key: bool) -> Option<usize> {
        let locations = self.locations();
        let steps = parse_key_path(key_path);
        let mut best = locations.root;
        let mut path = String::new();
        for step in steps {
            step.append_to(&mut path);
            let Some(&(key, value)) = locations.nodes.get(&path) else {
                break;
            };
            best = if point_at_key { key } else { value };
        }
        Some(best)
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let starts = &self.locations().line_starts;
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let col = self.text[starts[line - 1]..offset].chars().count() + 1;
        (line, col)
    }
}

/// Key path (canonical `a.b[2].c`) to (offset of the key, offset to report for the value),
/// and where each line starts.
#[derive(Debug, Clone, Default)]
struct Locations {
    nodes: HashMap<String, (usize, usize)>,
    root: usize,
    line_starts: Vec<usize>,
}

impl Locations {
    fn of(text: &str) -> Locations {
        let mut locations = Locations {
            line_starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
            ..Locations::default()
        };
        if let Ok(tree) = DeTable::parse(text) {
            locations.root = tree.span().start;
            locations.table(tree.get_ref(), &mut String::new());
        }
        locations
    }

    fn table(&mut self, table: &DeTable<'_>, path: &mut String) {
        for (k, v) in table.iter() {
            let len = path.len();
            Step::Key(k.get_ref()).append_to(path);
            // Point at the key for tables and arrays of tables (where a value span would
            // cover the whole block), at the value otherwise.
            let value = match v.get_ref() {
                DeValue::Table(_) => k.span().start,
                DeValue::Array(a) if !a.is_empty() && a.iter().all(|i| i.get_ref().is_table()) => {
                    k.span().start
                }
                _ => v.span().start,
            };
            self.nodes.insert(path.clone(), (k.span().start, value));
            self.value(v, path);
            path.truncate(len);
        }
    }

    fn value(&mut self, v: &Spanned<DeValue<'_>>, path: &mut String) {
        match v.get_ref() {
            DeValue::Table(t) => self.table(t, path),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    Step::Index(i).append_to(path);
                    let at = item.span().start;
                    self.nodes.insert(path.clone(), (at, at));
                    self.value(item, path);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
}

/// serde_ignored's path as this module's key path: `claims[1].titel`.
fn key_path_of(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", key_path_of(parent)),
        Path::Map { parent, key } => {
            let parent = key_path_of(parent);
            if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => key_path_of(parent),
    }
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl Step<'_> {
    /// Extends a canonical key path: `a`, `a.b`, `a.b[2]`.
    fn append_to(&self, path: &mut String) {
        match self {
            Step::Key(key) if path.is_empty() => path.push_str(key),
            Step::Key(key) => {
                path.push('.');
                path.push_str(key);
            }
            Step::Index(i) => {
                use std::fmt::Write;
                let _ = write!(path, "[{i}]");
            }
        }
    }
}

/// `claims[2].sources[0]` -> Key(claims) Index(2) Key(sources) Index(0).
fn parse_key_path(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                steps.push(Step::Key(&rest[..open]));
            }
            rest = &rest[open..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let close = stripped.find(']').unwrap_or(stripped.len());
                if let Ok(i) = stripped[..close].parse() {
                    steps.push(Step::Index(i));
                }
                rest = stripped.get(close + 1..).unwrap_or("");
            }
        } else {
            steps.push(Step::Key(rest));
        }
    }
    steps
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

/// serde's messages name Rust types; moderators need TOML words.
fn explain_serde(message: &str) -> String {
    first_line(message)
        .replace(
            "invalid type: string",
            "expected a different type, found a string",
        )
        .replace(
            "invalid type: integer",
            "expected a different type, found a number",
        )
        .replace(
            "invalid type: sequence",
            "expected a different type, found a list",
        )
        .replace(
            "invalid type: map",
            "expected a different type, found a table",
        )
        .replace("invalid length", "wrong number of items")
        .replace("unknown variant", "unknown value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_resolve_to_their_lines() {
        let text = "id = \"a\"\nquestions = [\n  \"one\",\n  \"two\",\n]\n\n[[claims]]\ntext = \"x\"\nsources = [\"s1\", \"s2\"]\n\n[[claims]]\ntext = \"y\"\n";
        let file = TomlFile::from_text(Path::new("a.toml"), text.into()).unwrap();
        let pos = |p: &str| {
            let d = file.error(p, "m");
            (d.line, d.col)
        };
        assert_eq!(pos("id"), (1, 6));
        assert_eq!(pos("questions[1]"), (4, 3));
        assert_eq!(pos("claims[0].sources[1]"), (9, 18));
        assert_eq!(pos("claims[1].text"), (12, 8));
        // Missing keys fall back to the nearest thing that exists: the file start.
        assert_eq!(pos("nope"), (1, 1));
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err =
            TomlFile::from_text(Path::new("b.toml"), "id = \"a\"\ntitle = \n".into()).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.starts_with("invalid TOML"), "{}", err.message);
    }

    #[test]
    fn every_unknown_key_is_reported_at_the_key() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            text: String,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            id: String,
            items: Vec<Item>,
        }
        let text = "id = \"a\"\ntitel = \"x\"\n\n[[items]]\ntext = \"t\"\nsource = \"s\"\n";
        let file = TomlFile::from_text(Path::new("c.toml"), text.into()).unwrap();
        let errs = file.parse::<T>().unwrap_err();
        let found: Vec<_> = errs
            .iter()
            .map(|e| (e.line, e.col, e.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    2,
                    1,
                    "unknown key `titel`: not part of the format (misspelt?)"
                ),
                (
                    6,
                    1,
                    "unknown key `source`: not part of the format (misspelt?)"
                ),
            ]
        );
    }
}
