//! Reading watchlist files: one ([`load`], refused past the size cap before it is read),
//! or all that the config's glob names ([`load_all`], with the checks that span files).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::validate::parse;
use super::{Catalog, Watchlist, limits};
use crate::settings::config::Config;
use crate::settings::errors::{ConfigError, ConfigErrors};
use crate::text;

pub(super) fn too_big(path: &Path, size: u64) -> ConfigError {
    ConfigError::file(
        path,
        format!(
            "the watchlist is {size} bytes: at most {} bytes (1 MiB); split it into several files",
            limits::FILE_BYTES
        ),
    )
}

/// Reads one watchlist file, refusing one larger than [`limits::FILE_BYTES`] before
/// reading it.
pub fn load(path: &Path) -> Result<Watchlist, ConfigErrors> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| ConfigError::file(path, format!("cannot read the watchlist: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    if size > limits::FILE_BYTES {
        return Err(too_big(path, size).into());
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limits::FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limits::FILE_BYTES {
        return Err(too_big(path, bytes.len() as u64).into());
    }
    let src = String::from_utf8(bytes).map_err(|e| {
        ConfigError::file(
            path,
            format!(
                "the watchlist is not UTF-8 text (byte {} is not)",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    parse(&src, path)
}

/// Reads every watchlist the config's glob names, and checks what spans files: brand names
/// are unique across watchlists. Reports every error of every file at once.
pub fn load_all(config: &Config) -> Result<Catalog, ConfigErrors> {
    let paths = glob::glob(&config.watchlists).map_err(|e| {
        config.watchlists_error(format!("invalid glob {:?}: {e}", config.watchlists))
    })?;
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        match p {
            Ok(p) if p.is_file() => files.push(p),
            Ok(p) if p.is_dir() => {
                return Err(config
                    .watchlists_error(format!(
                        "{:?} matches the folder {}: a watchlist is a file; narrow the glob (\"watchlists/*.toml\")",
                        config.watchlists,
                        p.display()
                    ))
                    .into());
            }
            Ok(_) => {}
            Err(e) => {
                return Err(
                    ConfigError::file(e.path(), format!("cannot read: {}", e.error())).into(),
                );
            }
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(config
            .watchlists_error(format!("no watchlist file matches {:?}", config.watchlists))
            .into());
    }
    let mut errors = Vec::new();
    let mut watchlists = Vec::new();
    let mut brands = 0;
    for f in &files {
        match load(f) {
            Ok(w) => {
                brands += w.brands.len();
                if brands > limits::BRANDS {
                    errors.push(ConfigError::file(
                        f,
                        format!(
                            "with this file the watchlists hold more than {} brands, the most one Vigie watches",
                            limits::BRANDS
                        ),
                    ));
                    return Err(ConfigErrors(errors));
                }
                watchlists.push(w)
            }
            Err(e) => errors.extend(e.0),
        }
    }
    let mut owners: HashMap<String, &Path> = HashMap::new();
    for w in &watchlists {
        for (b, span) in w.brands.iter().zip(&w.brand_spans) {
            if let Some(first) = owners.insert(text::fold(&b.name), &w.path) {
                errors.push(ConfigError::at(
                    &w.path,
                    &w.source_text,
                    span.clone(),
                    Some("brand.name"),
                    format!(
                        "brand {:?} is already defined in {}: brand names must be unique",
                        b.name,
                        first.display()
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ConfigErrors(errors));
    }
    Ok(Catalog { watchlists })
}
