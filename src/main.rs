//! The `vigie` binary: parse the command line, set up logging, run, map errors to exit codes
//! (0 ok, 1 failure, 2 bad config or watchlist).

use std::process::ExitCode;

use clap::Parser;
use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use vigie::cli::{BadQuery, Cli, Command, LogFormat};
use vigie::settings::errors::ConfigErrors;

/// Threads for blocking work (the database, file reads).
const BLOCKING_THREADS: usize = 8;

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
    init_logs(cli.log_format, default);
    // A panic is logged like any error (in the journal under systemd). One inside a poll is
    // caught and stored as that source's failure; this line says where it happened.
    std::panic::set_hook(Box::new(|info| {
        let backtrace = std::backtrace::Backtrace::capture();
        tracing::error!(panic = %info, backtrace = %backtrace, "internal error");
    }));

    // SQLite calls run on tokio's blocking pool, one writer at a time: a few threads are
    // plenty, and the cap bounds memory (the default would allow 512).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
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
        // The reader of our output has gone (`vigie mentions | head`): nothing is wrong.
        Err(e) if closed_stdout(&e) => ExitCode::SUCCESS,
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

/// Whether the error is a write to our stdout after its reader closed it (and not, say, a
/// mail relay hanging up on us, which is a failure).
fn closed_stdout(e: &anyhow::Error) -> bool {
    let broken_pipe = e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    });
    broken_pipe && stdout_reader_gone()
}

/// Whether stdout is a pipe with no reader left: `poll` reports `POLLERR` on it.
fn stdout_reader_gone() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDOUT_FILENO,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no timeout; poll only reads and writes that struct.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready == 1 && fd.revents & libc::POLLERR != 0
}

/// Logs to stderr as the format asks; `RUST_LOG` (or the default level) filters them. The
/// journal is used when asked, or by `auto` when stderr is the journal's stream (systemd
/// sets `JOURNAL_STREAM`); if the journal cannot be reached, text it is.
fn init_logs(format: LogFormat, default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let journal = match format {
        LogFormat::Journald => true,
        LogFormat::Auto => std::env::var_os("JOURNAL_STREAM").is_some(),
        _ => false,
    };
    if journal {
        match tracing_journald::layer() {
            Ok(layer) => {
                tracing_subscriber::registry()
                    .with(filter)
                    .with(layer.with_syslog_identifier("vigie".into()))
                    .init();
                return;
            }
            Err(e) => eprintln!("warning: cannot log to the journal ({e}); logging to stderr"),
        }
    }
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry().with(filter);
    if format == LogFormat::Json {
        registry.with(fmt.json().flatten_event(true)).init();
    } else {
        registry
            .with(fmt.with_ansi(std::io::stderr().is_terminal()))
            .init();
    }
}
