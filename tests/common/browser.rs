//! Headless Chromium for the tests that look at pages and emails as a reader would.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Headless Chromium, as Debian ships it (`.ci/run` installs it).
pub fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

pub fn headless(profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(chromium().unwrap());
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Whether a test that needs the browser may run: true with Chromium; without it, false
/// when `VIGIE_SKIP_BROWSER` is set, and a failure otherwise (CI installs Chromium).
pub fn available() -> bool {
    if chromium().is_some() {
        return true;
    }
    assert!(
        std::env::var_os("VIGIE_SKIP_BROWSER").is_some(),
        "headless Chromium is needed (apt-get install chromium, as .ci/run does), or set VIGIE_SKIP_BROWSER=1"
    );
    eprintln!("skipped: no Chromium and VIGIE_SKIP_BROWSER is set");
    false
}

/// Lays `html` out in a 600 px wide window (written to `dir`) and reports, once everything
/// loaded, each image's decoded size and how wide the page is:
/// `images=true:600x200 scroll=600 wide=0` (`wide`: elements reaching past 600 px).
pub fn layout_report(dir: &Path, html: &str) -> String {
    let probe = html.replace(
        "</body>",
        "<script>window.addEventListener('load', () => {\
           const imgs = [...document.images].map(i => i.complete + ':' + i.naturalWidth + 'x' + i.naturalHeight);\
           const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 600.5).length;\
           const out = document.createElement('pre'); out.id = 'probe';\
           out.textContent = 'images=' + imgs.join(',') + ' scroll=' + document.documentElement.scrollWidth + ' wide=' + wide;\
           document.body.appendChild(out); });</script></body>",
    );
    let probed = dir.join("probe.html");
    std::fs::write(&probed, probe).unwrap();
    let out = headless(&dir.join("profile"))
        .arg("--window-size=600,900")
        .arg("--dump-dom")
        .arg(url::Url::from_file_path(&probed).unwrap().as_str())
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    dom.split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or_else(|| {
            panic!(
                "no probe report; chromium said: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .to_string()
}
