//! `parallax`: the command-line binary. Parses flags, opens the store and wires the library crates
//! together; all real work happens in those crates.

mod attribution;
mod cli;
mod commands;
mod config;
mod crawl;
mod doctor;
mod embedding;
mod intel;
mod search;
mod sources;
mod translate;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    closed_pipe::set_up(&args.command);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PARALLAX_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("warn,html5ever=error,selectors=error")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    match commands::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Output to a closed pipe (`parallax sources list | head -1`) ends the process quietly, with the
/// status `ls | head -1` gives `ls`: death by SIGPIPE. One place, for every command.
///
/// The Rust runtime ignores SIGPIPE before `main`, so a write to a closed pipe returns an error,
/// and `println!` panics on it ("failed printing to stdout: Broken pipe"). Two parts:
///
/// - Commands that only read and print get the default disposition back at start-up: the kernel
///   then ends the process at its first write to the closed pipe, whichever code writes (our
///   `println!`s, clap, a library), before any message. Setting a disposition needs `unsafe`, which
///   the workspace forbids, so this is the `sigpipe` crate's one safe function (a call to
///   `signal(SIGPIPE, SIG_DFL)`, nothing else; it depends only on `libc`, already in the tree).
/// - Commands that talk to the network (`serve`, `run`, `crawl`, `translate`) keep ignoring
///   SIGPIPE: a browser or a site that closes its socket must never kill a server or a crawl.
///   For them a panic hook catches the one panic a closed stdout or stderr causes (`print!`'s
///   "failed printing to stdout/stderr: Broken pipe") and ends the process the same way: it
///   restores the default disposition and writes to that stream again, which delivers the
///   signal. Every write is a transaction boundary or before one, so nothing is left half done.
mod closed_pipe {
    use crate::cli::Command;
    use std::io::Write;

    pub fn set_up(command: &Command) {
        let talks_to_the_network = matches!(
            command,
            Command::Serve(_)
                | Command::Run { .. }
                | Command::Crawl { .. }
                | Command::Translate { .. }
        );
        if !talks_to_the_network {
            sigpipe::reset();
        }
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("");
            if message.contains("Broken pipe") {
                if message.starts_with("failed printing to stdout") {
                    end_by_sigpipe(&mut std::io::stdout());
                } else if message.starts_with("failed printing to stderr") {
                    end_by_sigpipe(&mut std::io::stderr());
                }
            }
            default_hook(info);
        }));
    }

    /// Ends the process as the default disposition of SIGPIPE does: restores it and writes to the
    /// closed `stream` again. Should the signal not come, exits with 141 (128 + SIGPIPE), the
    /// status shells report for it.
    fn end_by_sigpipe(stream: &mut dyn Write) -> ! {
        sigpipe::reset();
        let _ = stream.write_all(b"\n").and_then(|()| stream.flush());
        std::process::exit(141)
    }
}
