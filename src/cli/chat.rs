use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::reply::render_text;

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
    let interactive = std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    let io = |e: std::io::Error| e.to_string();
    if interactive {
        writeln!(
            out,
            "gutcheck: {} ({})",
            gutcheck.faq.summary_line(),
            report.index
        )
        .map_err(io)?;
        writeln!(out, "{HELP}").map_err(io)?;
    }
    let mut buf = Vec::new();
    loop {
        if interactive {
            write!(out, "\nyou> ").map_err(io)?;
            out.flush().map_err(io)?;
        }
        let Some(too_long) = read_line(&mut input, &mut buf, MAX_LINE_BYTES).map_err(io)? else {
            break;
        };
        let text = String::from_utf8_lossy(&buf);
        let message = text.trim();
        match message {
            "/quit" | "/exit" => break,
            "/help" => {
                writeln!(out, "{HELP}").map_err(io)?;
                continue;
            }
            "" if interactive => continue,
            _ => {}
        }
        if too_long {
            writeln!(
                out,
                "That message is too long for me: ask one question at a time."
            )
            .map_err(io)?;
            continue;
        }
        let reply = gutcheck.respond_with(message, &thresholds);
        let silent = args.passive && reply.answer.is_none() && reply.red_flags.is_empty();
        if silent {
            writeln!(out, "(gutcheck stays quiet: no unmistakable match)").map_err(io)?;
        } else {
            if interactive {
                writeln!(out).map_err(io)?;
            }
            write!(out, "{}", render_text::render(&reply)).map_err(io)?;
        }
        if !interactive {
            writeln!(out).map_err(io)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
