//! JSON output for the CLI. serde_json leaves U+2028 and U+2029 (line and paragraph
//! separator) raw, which is valid JSON but breaks line-based readers and JavaScript string
//! literals, and can split a JSON-lines stream in tools that treat them as line ends. Every
//! JSON the CLI prints goes through here, so both are always written as `\u2028`/`\u2029`.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};

/// Writes `value` as compact JSON with U+2028 and U+2029 escaped.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(writer: W, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, SeparatorSafe);
    // `From` keeps the io error's kind, so a closed pipe is still seen as one.
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// `to_writer` into a string.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    let mut out = Vec::new();
    to_writer(&mut out, value)?;
    // Only valid UTF-8 goes in: serde_json writes UTF-8 and the escapes are ASCII.
    String::from_utf8(out).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

struct SeparatorSafe;

impl Formatter for SeparatorSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['\u{2028}', '\u{2029}']) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let escape: &[u8] = if rest[at..].starts_with('\u{2028}') {
                b"\\u2028"
            } else {
                b"\\u2029"
            };
            writer.write_all(escape)?;
            rest = &rest[at + '\u{2028}'.len_utf8()..];
        }
        CompactFormatter.write_string_fragment(writer, rest)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_and_paragraph_separators_are_escaped() {
        let text = "a\u{2028}b\u{2029}c \"q\"\n";
        let json = super::to_string(&serde_json::json!({ "t": text })).unwrap();
        assert_eq!(json, r#"{"t":"a\u2028b\u2029c \"q\"\n"}"#);
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["t"], text);
    }
}
