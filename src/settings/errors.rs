//! Errors in configuration and watchlist files, located for a person to act on.
//!
//! Every error names the file, and where it can the line, column and key, and shows the
//! offending line with a caret under the problem, like a compiler would:
//!
//! ```text
//! watchlists/acme.toml:7:1: key `source.intervall`: unknown field `intervall`, expected one of ...
//!    7 | intervall = "15m"
//!      | ^^^^^^^^^
//! ```

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A problem in a config or watchlist file. `vigie` exits with code 2 on any of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    /// 1-based column (in characters).
    pub column: Option<usize>,
    /// Dotted key path (`http.timeout`, `source.url`), when known.
    pub key: Option<String>,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The source line and a caret line, pre-rendered.
    excerpt: Option<String>,
}

/// `text` with the user name and password of any URL in it (`https://user:pass@host`)
/// replaced by as many `*`: an error about a source line never prints its password, and
/// the caret under it stays in place.
pub fn mask_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| {
                c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == '"' || c == '\''
            })
            .unwrap_or(tail.len());
        match tail[..authority_end].rfind('@') {
            Some(userinfo_end) => {
                out.extend(std::iter::repeat_n(
                    '*',
                    tail[..userinfo_end].chars().count(),
                ));
                rest = &tail[userinfo_end..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

impl ConfigError {
    /// An error about a whole file (cannot be read, glob matched nothing...).
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        ConfigError {
            file: file.to_path_buf(),
            line: None,
            column: None,
            key: None,
            message: mask_userinfo(&message.into()),
            excerpt: None,
        }
    }

    /// An error at a byte span of `src`, the text of `file`. The key is guessed from the
    /// span's line and the nearest table header above it unless `key` is given.
    pub fn at(
        file: &Path,
        src: &str,
        span: Range<usize>,
        key: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        let start = span.start.min(src.len());
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
        let line_no = src[..line_start].matches('\n').count() + 1;
        let column = src[line_start..start].chars().count() + 1;
        let line_text = mask_userinfo(src[line_start..line_end].trim_end_matches('\r'));
        let end = span.end.clamp(start, line_end);
        let width = src[start..end].chars().count().max(1);
        let gutter = format!("{line_no:>4}");
        let excerpt = format!(
            "{gutter} | {line_text}\n{pad} | {spaces}{carets}",
            pad = " ".repeat(gutter.len()),
            spaces = " ".repeat(column - 1),
            carets = "^".repeat(width),
        );
        let key = key
            .map(str::to_string)
            .or_else(|| guess_key(src, line_start, &line_text));
        ConfigError {
            file: file.to_path_buf(),
            line: Some(line_no),
            column: Some(column),
            key,
            message: mask_userinfo(&message.into()),
            excerpt: Some(excerpt),
        }
    }

    /// The same error without the line's text: for a value that may be a secret pasted in
    /// the wrong place (a password where its hash belongs).
    pub fn without_excerpt(mut self) -> Self {
        self.excerpt = None;
        self
    }

    /// Turns a TOML/serde error into a located error.
    pub fn from_toml(file: &Path, src: &str, err: &toml::de::Error) -> Self {
        let message = err.message().trim().to_string();
        match err.span() {
            Some(span) => ConfigError::at(file, src, span, None, message),
            None => ConfigError::file(file, message),
        }
    }
}

/// `[http]` + `timeout = 3` → `http.timeout`; `[[source]]` + `url = ...` → `source.url`.
fn guess_key(src: &str, line_start: usize, line_text: &str) -> Option<String> {
    let trimmed = line_text.trim();
    let table = |text: &str| -> Option<String> {
        let t = text.trim();
        let inner = t
            .strip_prefix("[[")
            .and_then(|s| s.split("]]").next())
            .or_else(|| t.strip_prefix('[').and_then(|s| s.split(']').next()))?;
        Some(inner.trim().to_string())
    };
    if trimmed.starts_with('[') {
        return table(trimmed);
    }
    let key = trimmed.split('=').next()?.trim();
    if key.is_empty() || !trimmed.contains('=') {
        return None;
    }
    let key = key.trim_matches('"');
    let header = src[..line_start]
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('['))
        .and_then(table);
    Some(match header {
        Some(h) => format!("{h}.{key}"),
        None => key.to_string(),
    })
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(excerpt) = &self.excerpt {
            write!(f, "\n{excerpt}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// All the problems found in one load, so a person can fix them in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        ConfigErrors(vec![e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_masked_in_messages_and_excerpts() {
        assert_eq!(
            mask_userinfo("url = \"https://bob:s3cr%40t@feeds.example.com/x\" and http://a.b/c"),
            "url = \"https://************@feeds.example.com/x\" and http://a.b/c"
        );
        let src =
            "[[source]]\nurl = \"https://bob:hunter2@h/x\"\nurl = \"https://bob:hunter2@h/x\"\n";
        let e = ConfigError::at(
            Path::new("w.toml"),
            src,
            30..56,
            None,
            "listed twice: https://bob:hunter2@h/x",
        );
        let shown = e.to_string();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("https://***********@h/x"), "{shown}");
    }

    #[test]
    fn locates_line_column_and_key_under_a_table_header() {
        let src = "database = \"x.db\"\n[http]\ntimeout = 3\n";
        let span = src.find('3').unwrap()..src.find('3').unwrap() + 1;
        let e = ConfigError::at(Path::new("v.toml"), src, span, None, "expected a duration");
        assert_eq!(e.line, Some(3));
        assert_eq!(e.column, Some(11));
        assert_eq!(e.key.as_deref(), Some("http.timeout"));
        let shown = e.to_string();
        assert!(shown.starts_with("v.toml:3:11: key `http.timeout`: expected a duration"));
        assert!(
            shown.contains("   3 | timeout = 3\n     |           ^"),
            "{shown}"
        );
    }

    #[test]
    fn key_of_array_table_entries_uses_table_name() {
        let src = "[[brand]]\nname = \"A\"\n\n[[source]]\nurl = \"ftp://x\"\n";
        let at = src.find("ftp").unwrap();
        let e = ConfigError::at(Path::new("w.toml"), src, at..at + 7, None, "bad");
        assert_eq!(e.key.as_deref(), Some("source.url"));
        assert_eq!(e.line, Some(5));
    }
}
