use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::reply::render_text;
use crate::respond::Gutcheck;
use crate::search::Thresholds;

use super::Cli;
use super::ask::{MAX_LINE_BYTES, read_line};

#[derive(Debug, clap::Args)]
pub struct ChatArgs {
    /// Behave like the bot reading a help channel unprompted: answer only unmistakable
    /// matches and otherwise stay quiet.
    #[arg(long)]
    pub passive: bool,
}

const HELP: &str =
    "Type a message as you would in a Discord channel. /quit leaves, /help shows this.";

pub fn run(cli: &Cli, args: &ChatArgs) -> Result<ExitCode, String> {
    let (gutcheck, thresholds, report) = super::open_core(cli, args.passive)?;
    let header = format!(
        "gutcheck: {} ({})",
        gutcheck.faq.summary_line(),
        report.index
    );
    // A closed pipe (`gutcheck chat | head`) ends quietly with status 0, as `ask` does.
    match converse(&gutcheck, &thresholds, args.passive, &header) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => super::exit_on_write_error(&e),
    }
}

fn converse(
    gutcheck: &Gutcheck,
    thresholds: &Thresholds,
    passive: bool,
    header: &str,
) -> std::io::Result<()> {
    let interactive = std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    if interactive {
        writeln!(out, "{header}\n{HELP}")?;
    }
    let mut buf = Vec::new();
    loop {
        if interactive {
            write!(out, "\nyou> ")?;
            out.flush()?;
        }
        let Some(too_long) = read_line(&mut input, &mut buf, MAX_LINE_BYTES)? else {
            break;
        };
        let text = String::from_utf8_lossy(&buf);
        let message = text.trim();
        match message {
            "/quit" | "/exit" => break,
            "/help" => {
                writeln!(out, "{HELP}")?;
                continue;
            }
            "" if interactive => continue,
            _ => {}
        }
        if too_long {
            writeln!(
                out,
                "That message is too long for me: ask one question at a time."
            )?;
            continue;
        }
        let reply = gutcheck.respond_with(message, thresholds);
        let silent = passive && reply.answer.is_none() && reply.red_flags.is_empty();
        if silent {
            writeln!(out, "(gutcheck stays quiet: no unmistakable match)")?;
        } else {
            if interactive {
                writeln!(out)?;
            }
            // The reply quotes the writer's words (what a warning noticed): never let those
            // reach the terminal as escape sequences.
            write!(out, "{}", terminal_safe(&render_text::render(&reply)))?;
        }
        if !interactive {
            writeln!(out)?;
        }
        out.flush()?;
    }
    Ok(())
}

/// `text` without control characters (line breaks and tabs excepted) and without the bidi
/// overrides that can make a terminal show text other than what is there.
fn terminal_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            let control = c.is_control() && c != '\n' && c != '\t';
            let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            !control && !bidi
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn escape_sequences_and_bidi_overrides_are_dropped() {
        assert_eq!(
            terminal_safe("a\u{1b}[2Jb\u{7}c\u{9b}d\u{202e}e\r\n\tf"),
            "a[2Jbcde\n\tf"
        );
    }
}
