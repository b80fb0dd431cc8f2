use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use crate::reply::render_text;

use super::Cli;

/// Longest stdin line read as one message. The cleaner keeps 4000 characters anyway; a line far
/// beyond that is a pasted file or a broken pipe, and gets an error object instead.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

#[derive(Debug, clap::Args)]
pub struct AskArgs {
    /// The question (several words are joined with spaces); `-` reads one message per line
    /// from stdin and replies to each, in order.
    #[arg(required = true)]
    pub question: Vec<String>,

    /// Print JSON: one object, or one object per line (JSONL) with `-`.
    #[arg(long)]
    pub json: bool,

    /// Use the stricter thresholds for messages not addressed to the bot.
    #[arg(long)]
    pub passive: bool,
}

pub fn run(cli: &Cli, args: &AskArgs) -> Result<ExitCode, String> {
    let (gutcheck, thresholds, _) = super::open_core(cli, args.passive)?;
    if args.question.len() == 1 && args.question[0] == "-" {
        let reply = |text: &str| gutcheck.respond_with(text, &thresholds);
        return match stream(args.json, reply, render_text::render) {
            Ok(code) => Ok(code),
            Err(e) => super::exit_on_write_error(&e),
        };
    }
    let reply = gutcheck.respond_with(&args.question.join(" "), &thresholds);
    if args.json {
        let json = super::json::to_string(&reply).map_err(|e| e.to_string())?;
        outln!("{json}");
    } else {
        out!("{}", render_text::render(&reply));
    }
    Ok(ExitCode::SUCCESS)
}

/// One reply per stdin line, in order: JSON with `json`, else `render`ed. A line that is not
/// UTF-8 or is too long gets an error object in its place, so output line n always answers
/// input line n. `ask -` and `why -` share it.
pub(crate) fn stream<T: serde::Serialize>(
    json: bool,
    reply: impl Fn(&str) -> T,
    render: impl Fn(&T) -> String,
) -> std::io::Result<ExitCode> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    // Interactive use wants each reply at once; a pipe wants throughput.
    let flush_each = stdout.is_terminal();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut buf = Vec::with_capacity(1024);
    while let Some(too_long) = read_line(&mut input, &mut buf, MAX_LINE_BYTES)? {
        let line = match (too_long, std::str::from_utf8(&buf)) {
            (true, _) => Err(format!(
                "line is longer than {MAX_LINE_BYTES} bytes: split it, or send one message per line"
            )),
            (false, Ok(text)) => message_of(text),
            (false, Err(e)) => Err(format!(
                "line is not valid UTF-8 (invalid byte at offset {}): send UTF-8 text",
                e.valid_up_to()
            )),
        };
        let written = match (line, json) {
            (Ok(text), true) => super::json::to_writer(&mut out, &reply(&text)),
            (Ok(text), false) => {
                write!(out, "{}", render(&reply(&text)))
            }
            (Err(error), true) => {
                let query = preview(&buf);
                super::json::to_writer(
                    &mut out,
                    &serde_json::json!({ "query": query, "error": error }),
                )
            }
            (Err(error), false) => write!(out, "error: {error}"),
        };
        written?;
        out.write_all(b"\n")?;
        if flush_each {
            out.flush()?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The message a stdin line carries: the line itself, or, when it starts with `{`, the `text`
/// of a JSON object (`{"text": "..."}`), so that messages with line breaks and `> quotes` can
/// be sent one per line.
fn message_of(line: &str) -> Result<std::borrow::Cow<'_, str>, String> {
    if !line.trim_start().starts_with('{') {
        return Ok(std::borrow::Cow::Borrowed(line));
    }
    #[derive(serde::Deserialize)]
    struct JsonLine {
        text: String,
    }
    serde_json::from_str::<JsonLine>(line)
        .map(|j| std::borrow::Cow::Owned(j.text))
        .map_err(|e| {
            format!(
                "a line starting with `{{` is read as JSON, and this one is not {{\"text\": \"...\"}} ({e}); \
                 send the message as {{\"text\": \"...\"}}, or start it with another character"
            )
        })
}

/// The start of a bad line, lossily decoded, so the error object can be matched to its input.
fn preview(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(200)];
    String::from_utf8_lossy(head).into_owned()
}

/// Reads one line into `buf` (without the line break), keeping at most `max` bytes.
/// `None` at end of input; `Some(true)` when the line was longer than `max` (the rest of it is
/// consumed and dropped, never buffered).
pub fn read_line(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut too_long = false;
    let mut read_any = false;
    loop {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        read_any = true;
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if !too_long {
            if buf.len() + chunk.len() > max {
                too_long = true;
                let room = max - buf.len();
                buf.extend_from_slice(&chunk[..room]);
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let consumed = done.unwrap_or(available.len());
        input.consume(consumed);
        if done.is_some() {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(too_long))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_and_flags_long_ones() {
        let mut input = std::io::Cursor::new(b"one\r\ntwo\nthree-long-line\nlast".to_vec());
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Some(false));
        assert_eq!(buf, b"one");
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Some(false));
        assert_eq!(buf, b"two");
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Some(true));
        assert_eq!(buf, b"three-lo");
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Some(false));
        assert_eq!(buf, b"last");
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), None);
    }

    #[test]
    fn a_json_line_carries_a_message_with_line_breaks() {
        assert_eq!(message_of("plain words").unwrap(), "plain words");
        assert_eq!(
            message_of(r#"{"text": "> quoted\nmy question", "kind": "answer"}"#).unwrap(),
            "> quoted\nmy question"
        );
        let err = message_of(r#"{"message": "wrong key"}"#).unwrap_err();
        assert!(err.contains("text"), "{err}");
        assert!(message_of("{not json").is_err());
    }

    #[test]
    fn an_empty_line_is_a_message() {
        let mut input = std::io::Cursor::new(b"\n\n".to_vec());
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Some(false));
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Some(false));
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), None);
    }
}
