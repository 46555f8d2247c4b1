//! Packaging: what `cargo deb` puts in the .deb exists, and the man page and completions in
//! `deploy/` are the ones the current command line generates (regenerate them with
//! `vigie generate man > deploy/vigie.1` and so on; `VIGIE_BLESS=1` rewrites them).

use std::path::Path;

fn repo(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

#[test]
fn every_asset_of_the_deb_exists() {
    let manifest: toml::Table = std::fs::read_to_string(repo("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let assets = manifest["package"]["metadata"]["deb"]["assets"]
        .as_array()
        .unwrap();
    assert!(assets.len() >= 8);
    for a in assets {
        let source = a[0].as_str().unwrap();
        if source.starts_with("target/") {
            continue; // built by `cargo deb` itself
        }
        assert!(
            repo(source).is_file(),
            "{source} is listed in the .deb but missing"
        );
    }
    let targets: Vec<&str> = assets.iter().map(|a| a[1].as_str().unwrap()).collect();
    for wanted in [
        "usr/bin/",
        "lib/systemd/system/vigie.service",
        "etc/vigie/vigie.toml",
        "usr/share/man/man1/vigie.1",
    ] {
        assert!(
            targets.contains(&wanted),
            "{wanted} is not installed by the .deb"
        );
    }
}

#[test]
fn the_man_page_and_completions_match_the_command_line() {
    use vigie::cli::Generated;
    for (what, file) in [
        (Generated::Man, "deploy/vigie.1"),
        (Generated::Bash, "deploy/completions/vigie.bash"),
        (Generated::Zsh, "deploy/completions/_vigie"),
        (Generated::Fish, "deploy/completions/vigie.fish"),
    ] {
        let generated = vigie::cli::generate(what).unwrap();
        if std::env::var_os("VIGIE_BLESS").is_some() {
            std::fs::write(repo(file), &generated).unwrap();
            continue;
        }
        let shipped = std::fs::read(repo(file)).unwrap();
        assert!(
            shipped == generated,
            "{file} is out of date: regenerate it with `vigie generate` (or VIGIE_BLESS=1)"
        );
    }
    let man = String::from_utf8(vigie::cli::generate(Generated::Man).unwrap())
        .unwrap()
        .replace("\\-", "-");
    for command in ["run", "poll", "digest", "backup", "export", "try-source"] {
        assert!(man.contains(command), "the man page lists {command}");
    }
}
