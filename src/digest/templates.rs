//! The digest's templates: built into the binary, each replaceable by a file of the same
//! name in the folder named by `[digest] templates` in the config.
//!
//! - `digest-subject.txt`: the subject (one line; line breaks and control characters are
//!   removed from what it renders);
//! - `digest.txt`: the plain-text part;
//! - `digest.html`: the HTML part, auto-escaped: every value is escaped unless a template
//!   says otherwise, and feed text is only ever a value, never a template.
//!
//! Templates are checked when they are loaded, by rendering a sample digest with strict
//! undefined variables, so a typo is reported by `vigie check` with the file and line
//! rather than in the middle of the night.

use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::notify::{Email, clean_line};

/// The template names, and their built-in text.
pub const BUILT_IN: [(&str, &str); 3] = [
    (
        "digest-subject.txt",
        include_str!("templates/digest-subject.txt"),
    ),
    ("digest.txt", include_str!("templates/digest.txt")),
    ("digest.html", include_str!("templates/digest.html")),
];

/// A template that does not compile or render, with where it came from.
#[derive(Debug, thiserror::Error)]
#[error("template {origin}: {message}")]
pub struct TemplateError {
    /// The file, or "built-in NAME".
    pub origin: String,
    pub message: String,
}

/// The loaded templates.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    /// Where each template came from.
    origins: Vec<(String, String)>,
}

impl Templates {
    /// The built-in templates.
    pub fn built_in() -> Templates {
        Templates::load(None).expect("the built-in templates compile")
    }

    /// The built-in templates, with those found in `dir` instead.
    pub fn load(dir: Option<&Path>) -> Result<Templates, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Block tags on their own line leave no blank line behind (text part).
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("a valid syntax"),
        );
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        let mut origins = Vec::new();
        for (name, text) in BUILT_IN {
            let file: Option<PathBuf> = dir.map(|d| d.join(name)).filter(|f| f.is_file());
            let (origin, source) = match &file {
                Some(f) => (
                    f.display().to_string(),
                    std::fs::read_to_string(f).map_err(|e| TemplateError {
                        origin: f.display().to_string(),
                        message: format!("cannot read: {e}"),
                    })?,
                ),
                None => (format!("built-in {name}"), text.to_string()),
            };
            env.add_template_owned(name, source)
                .map_err(|e| error(&origin, &e))?;
            origins.push((name.to_string(), origin));
        }
        let templates = Templates { env, origins };
        templates.render(&super::sample::view())?;
        Ok(templates)
    }

    /// Where each template comes from (a file, or built in).
    pub fn origins(&self) -> &[(String, String)] {
        &self.origins
    }

    /// Renders the subject, text and HTML of `view`.
    pub fn render(&self, view: &super::View) -> Result<Email, TemplateError> {
        let one = |name: &str| -> Result<String, TemplateError> {
            let origin = self
                .origins
                .iter()
                .find(|(n, _)| n == name)
                .map_or(name, |(_, o)| o.as_str());
            self.env
                .get_template(name)
                .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(view))))
                .map_err(|e| error(origin, &e))
        };
        Ok(Email {
            subject: clean_line(&one("digest-subject.txt")?),
            text: one("digest.txt")?,
            html: one("digest.html")?,
        })
    }
}

fn error(origin: &str, e: &minijinja::Error) -> TemplateError {
    let mut message = e.kind().to_string();
    if let Some(detail) = e.detail() {
        message.push_str(": ");
        message.push_str(detail);
    }
    if let Some(line) = e.line() {
        message = format!("line {line}: {message}");
    }
    TemplateError {
        origin: origin.to_string(),
        message,
    }
}
