//! Reading `file:` sources and the links of local pages: a regular file only, capped as it
//! is read, within the request deadline, and only in the source's own folder or below.

use jiff::Timestamp;
use url::Url;

use super::{FetchError, FetchErrorKind, Fetched, Fetcher, Hints, Validators};

impl Fetcher {
    /// Reads a local file: a regular file only (never a device, a FIFO or a folder), capped
    /// at `max_body_size` as it is read, within the request deadline. Its modification time
    /// plays the part of Last-Modified.
    pub(super) async fn fetch_file(
        &self,
        path: std::path::PathBuf,
        url: &Url,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        let max = self.max_body;
        let known = validators.last_modified.clone();
        let shown = path.display().to_string();
        let read = tokio::task::spawn_blocking(move || read_regular_file(&path, max, known));
        let read = match tokio::time::timeout(self.timeout, read).await {
            Err(_) => {
                return Err(FetchError::new(
                    FetchErrorKind::Timeout,
                    format!("timed out reading {shown} (http.timeout)"),
                ));
            }
            Ok(Err(e)) => return Err(FetchError::new(FetchErrorKind::Io, format!("{shown}: {e}"))),
            Ok(Ok(r)) => r,
        };
        match read {
            FileRead::Unchanged => Ok(Fetched::NotModified {
                hints: Hints::default(),
            }),
            FileRead::TooLarge(announced) => Err(self.too_large(announced)),
            FileRead::Failed(e) => Err(FetchError::new(FetchErrorKind::Io, e)),
            FileRead::Body(bytes, modified) => Ok(Fetched::Body {
                bytes,
                validators: Validators {
                    etag: None,
                    last_modified: modified,
                },
                hints: Hints::default(),
                final_url: url.to_string(),
                content_type: None,
            }),
        }
    }
}

/// What reading a local file came to.
enum FileRead {
    Body(Vec<u8>, Option<String>),
    Unchanged,
    TooLarge(Option<u64>),
    Failed(String),
}

/// Reads `path` if it is a regular file of at most `max` bytes. Opened without blocking (a
/// FIFO would otherwise wait for a writer forever), then checked on the open file itself.
fn read_regular_file(path: &std::path::Path, max: u64, known_modified: Option<String>) -> FileRead {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        Err(e) => return FileRead::Failed(e.to_string()),
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => return FileRead::Failed(e.to_string()),
    };
    if !meta.is_file() {
        return FileRead::Failed(
            "not a regular file: a folder, device, FIFO or socket is never read".into(),
        );
    }
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| Timestamp::try_from(m).ok())
        .map(|t| t.to_string());
    if modified.is_some() && modified == known_modified {
        return FileRead::Unchanged;
    }
    if meta.len() > max {
        return FileRead::TooLarge(Some(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    if let Err(e) = file.take(max + 1).read_to_end(&mut bytes) {
        return FileRead::Failed(e.to_string());
    }
    if bytes.len() as u64 > max {
        // It grew while being read.
        return FileRead::TooLarge(None);
    }
    FileRead::Body(bytes, modified)
}

/// The real path of the file `link` names, if it lies in the folder of the file `origin`
/// names, or below it.
pub(super) async fn inside_folder_of(
    origin: &Url,
    link: &Url,
) -> Result<std::path::PathBuf, FetchError> {
    let io = |e: std::io::Error| FetchError::new(FetchErrorKind::Io, e.to_string());
    let not_file = || FetchError::new(FetchErrorKind::BadUrl, "not a local file path");
    let from = origin.to_file_path().map_err(|()| not_file())?;
    let to = link.to_file_path().map_err(|()| not_file())?;
    let folder = from.parent().ok_or_else(not_file)?;
    let folder = tokio::fs::canonicalize(folder).await.map_err(io)?;
    let target = tokio::fs::canonicalize(&to)
        .await
        .map_err(|e| FetchError::new(FetchErrorKind::Io, format!("{}: {e}", to.display())))?;
    if target.starts_with(&folder) {
        Ok(target)
    } else {
        Err(FetchError::new(
            FetchErrorKind::Blocked,
            format!(
                "refused to follow a link to {}: it is outside the source's folder {}",
                to.display(),
                folder.display()
            ),
        ))
    }
}
