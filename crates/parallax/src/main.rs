//! `parallax`: the command-line binary. Parses flags, opens the store and wires the library crates
//! together; all real work happens in those crates.

mod cli;
mod commands;
mod config;
mod crawl;
mod doctor;
mod embedding;
mod intel;
mod sources;
mod translate;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
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
