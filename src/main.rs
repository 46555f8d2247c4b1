//! The `vigie` binary: parse the command line, set up logging, run, map errors to exit codes
//! (0 ok, 1 failure, 2 bad config or watchlist).

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use vigie::cli::{BadQuery, Cli, Command};
use vigie::config_error::ConfigErrors;

fn main() -> ExitCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    // The daemon logs its work; one-shot commands only warnings, so their output stays
    // readable. RUST_LOG overrides both.
    let default = if matches!(cli.command, Command::Run) {
        "info"
    } else {
        "warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default)),
        )
        .with_writer(std::io::stderr)
        .init();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(vigie::cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(errors) = e.downcast_ref::<ConfigErrors>() {
                eprintln!("{errors}");
                ExitCode::from(2)
            } else if e.downcast_ref::<BadQuery>().is_some() {
                eprintln!("error: {e}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        }
    }
}
