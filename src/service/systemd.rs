//! Talking to systemd (`Type=notify`): READY once the config, the database and its
//! migrations are done; watchdog pings only while the scheduler's heartbeat is fresh, so a
//! hung scheduler gets the service restarted; STOPPING on the way out. Without
//! `NOTIFY_SOCKET` (not under systemd) every call does nothing.

use std::time::Duration;

use sd_notify::NotifyState;
use tracing::warn;

use crate::service::metrics::Heartbeat;

fn send(states: &[NotifyState<'_>]) {
    if let Err(e) = sd_notify::notify(states) {
        warn!(error = %e, "cannot notify systemd");
    }
}

/// The daemon is ready: config read, database open and migrated.
pub fn ready(status: &str) {
    send(&[NotifyState::Ready, NotifyState::Status(status)]);
}

/// The daemon is reloading its settings; READY follows.
pub fn reloading() {
    match NotifyState::monotonic_usec_now() {
        Ok(now) => send(&[NotifyState::Reloading, now]),
        Err(_) => send(&[NotifyState::Reloading]),
    }
}

/// The daemon is stopping: no new poll starts, in-flight ones drain.
pub fn stopping() {
    send(&[NotifyState::Stopping, NotifyState::Status("stopping")]);
}

/// The watchdog interval systemd asked for (`WatchdogSec=`), if any.
pub fn watchdog_interval() -> Option<Duration> {
    sd_notify::watchdog_enabled()
}

/// One watchdog ping.
pub fn ping_watchdog() {
    send(&[NotifyState::Watchdog]);
}

/// Calls `ping` every half `interval`, as long as the heartbeat is younger than
/// `interval`; a stale heartbeat stops the pings, and systemd restarts the service.
pub async fn watchdog(interval: Duration, heartbeat: Heartbeat, ping: impl Fn()) {
    let mut tick = tokio::time::interval(interval / 2);
    loop {
        tick.tick().await;
        let age = heartbeat.age();
        if age < interval {
            ping();
        } else {
            warn!(
                heartbeat_age = ?age,
                "the scheduler has not gone round its loop in time: no watchdog ping"
            );
        }
    }
}

/// File descriptors the daemon may need: two per fetch (its socket, a file or a redirect's
/// second socket), the health listener's connections, and the database, logs and runtime.
pub fn descriptors_needed(max_concurrent_fetches: usize) -> u64 {
    (2 * max_concurrent_fetches + crate::service::health::MAX_CONNECTIONS + 64) as u64
}

/// Raises the soft limit on open files up to the hard one (as Go programs do), so a default
/// soft limit of 1,024 does not bound the daemon; warns when even the hard limit is below
/// `needed`. Under the shipped unit `LimitNOFILE=` sets both, and the syscall filter forbids
/// changing them: then the limit is only read. Returns the limit in force.
pub fn raise_open_files_limit(needed: u64) -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return 0;
    }
    if lim.rlim_cur < lim.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: lim.rlim_max.min(1 << 20),
            rlim_max: lim.rlim_max,
        };
        // SAFETY: setrlimit reads the struct we own.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            lim.rlim_cur = raised.rlim_cur;
        }
    }
    if lim.rlim_cur < needed {
        warn!(
            limit = lim.rlim_cur,
            needed,
            "the open-files limit is low for http.max_concurrent_fetches and the health listener; raise LimitNOFILE="
        );
    }
    lim.rlim_cur
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(start_paused = true)]
    async fn a_stale_heartbeat_stops_the_watchdog_pings() {
        let heartbeat = Heartbeat::default();
        heartbeat.beat();
        let pings = Arc::new(AtomicUsize::new(0));
        let p = pings.clone();
        let task = tokio::spawn(watchdog(
            Duration::from_secs(2),
            heartbeat.clone(),
            move || {
                p.fetch_add(1, Ordering::Relaxed);
            },
        ));
        // Alive: beating every second, pinged every second.
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            heartbeat.beat();
        }
        let alive = pings.load(Ordering::Relaxed);
        assert!(alive >= 4, "{alive}");
        // Hung: no beat for 10 s. At most one more ping, then none.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let hung = pings.load(Ordering::Relaxed);
        assert!(hung <= alive + 2, "{alive} then {hung}");
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(
            pings.load(Ordering::Relaxed),
            hung,
            "no ping while the heartbeat is stale"
        );
        task.abort();
    }
}
