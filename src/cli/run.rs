//! `vigie run`: the daemon, until SIGINT or SIGTERM; SIGHUP reloads.

use super::*;
use tracing::Instrument;

pub(super) async fn cmd_run(path: &Path) -> anyhow::Result<()> {
    // SIGHUP is listened for first: from now on it reloads instead of ending the process.
    let requests = shutdown::hangups();
    let (config, catalog) = load(path)?;
    crate::service::systemd::raise_open_files_limit(crate::service::systemd::descriptors_needed(
        config.http.max_concurrent_fetches.get(),
    ));
    let store = open_any_store(&config)?;
    let poller = Poller::new(config, catalog, store, Timestamp::now())?;
    let path = path.to_path_buf();
    // Several nodes on one database: every line says which node wrote it.
    let span = match poller.shared() {
        true => tracing::info_span!("node", id = %poller.config.node_id()),
        false => tracing::Span::none(),
    };
    daemon::run_with_reload(
        std::sync::Arc::new(poller),
        daemon::system_clock(),
        shutdown::signal(),
        daemon::Reload {
            requests,
            load: Box::new(move || load(&path)),
        },
    )
    .instrument(span)
    .await
}
