//! `vigie run`: the daemon, until SIGINT or SIGTERM; SIGHUP reloads.

use super::*;

pub(super) async fn cmd_run(path: &Path) -> anyhow::Result<()> {
    // SIGHUP is listened for first: from now on it reloads instead of ending the process.
    let requests = shutdown::hangups();
    let (config, catalog) = load(path)?;
    crate::service::systemd::raise_open_files_limit(crate::service::systemd::descriptors_needed(
        config.http.max_concurrent_fetches.get(),
    ));
    let store = open_store(&config)?;
    let poller = Poller::new(config, catalog, store, Timestamp::now())?;
    let path = path.to_path_buf();
    daemon::run_with_reload(
        std::sync::Arc::new(poller),
        daemon::system_clock(),
        shutdown::signal(),
        daemon::Reload {
            requests,
            load: Box::new(move || load(&path)),
        },
    )
    .await
}
