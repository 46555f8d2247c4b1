//! `[web]`: the workspace the daemon serves (pages and `/api/v1`), and its people.
//!
//! ```toml
//! [web]
//! listen = "127.0.0.1:8080"
//! public_url = "https://vigie.example.org"   # links in emails and chat messages
//! session_lifetime = "12h"
//!
//! [[web.user]]
//! name = "camille"
//! password_hash = "$argon2id$v=19$..."       # vigie passwd
//! role = "editor"                            # viewer, editor or admin
//! language = "fr"                            # optional: else the browser's
//! ```

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::settings::errors::ConfigError;
use crate::settings::units::HumanDuration;
use crate::settings::watchlist::Language;

/// What a person or a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Also triages mentions and acknowledges alerts.
    Editor,
    /// Also manages API tokens.
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

/// A person who may log in.
#[derive(Clone, PartialEq)]
pub struct User {
    pub name: String,
    /// An argon2id hash in PHC form (`vigie passwd`).
    pub password_hash: String,
    pub role: Role,
    /// The pages' language for this person; `None`: the browser's.
    pub language: Option<Language>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The hash is no password, but it is not for logs either.
        f.debug_struct("User")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

/// The validated `[web]` table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WebConfig {
    /// Where the workspace listens; `None`: no workspace.
    pub listen: Option<std::net::SocketAddr>,
    /// The address people reach it at (through a reverse proxy), for links in emails and
    /// chat messages, and to mark the session cookie `Secure` when it is https.
    pub public_url: Option<url::Url>,
    /// How long a session lasts after logging in.
    pub session_lifetime: Duration,
    pub users: Vec<User>,
}

/// Default of `session_lifetime`.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWeb {
    listen: Option<Spanned<String>>,
    public_url: Option<Spanned<String>>,
    session_lifetime: Option<Spanned<HumanDuration>>,
    #[serde(default)]
    user: Vec<Spanned<RawUser>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    name: Spanned<String>,
    password_hash: Spanned<String>,
    role: Spanned<String>,
    language: Option<Spanned<String>>,
}

/// Reads `[web]`, adding located errors to `errors`.
pub(crate) fn parse(
    raw: &RawWeb,
    src: &str,
    path: &std::path::Path,
    errors: &mut Vec<ConfigError>,
) -> WebConfig {
    let at = |span: std::ops::Range<usize>, key: &str, msg: String| {
        ConfigError::at(path, src, span, Some(key), msg)
    };
    let listen = raw.listen.as_ref().and_then(|l| {
        l.get_ref()
            .parse::<std::net::SocketAddr>()
            .map_err(|_| {
                errors.push(at(
                    l.span(),
                    "web.listen",
                    format!(
                        "{:?} is not an address and port such as \"127.0.0.1:8080\"",
                        l.get_ref()
                    ),
                ))
            })
            .ok()
    });
    let public_url = raw
        .public_url
        .as_ref()
        .and_then(|u| match url::Url::parse(u.get_ref()) {
            Ok(url) if !matches!(url.scheme(), "http" | "https") => {
                errors.push(at(
                    u.span(),
                    "web.public_url",
                    "must start with https:// (or http://)".into(),
                ));
                None
            }
            Ok(url) if !url.username().is_empty() || url.password().is_some() => {
                errors.push(at(
                    u.span(),
                    "web.public_url",
                    "must not hold a user name or password: it is written in emails".into(),
                ));
                None
            }
            Ok(url) => Some(url),
            Err(e) => {
                errors.push(at(
                    u.span(),
                    "web.public_url",
                    format!("is not an address: {e}"),
                ));
                None
            }
        });
    let session_lifetime = match &raw.session_lifetime {
        Some(d)
            if d.get_ref().0 < Duration::from_secs(300)
                || d.get_ref().0 > Duration::from_secs(30 * 86400) =>
        {
            errors.push(at(
                d.span(),
                "web.session_lifetime",
                format!("{} is out of range: from 5m to 30d", d.get_ref()),
            ));
            SESSION_LIFETIME
        }
        Some(d) => d.get_ref().0,
        None => SESSION_LIFETIME,
    };
    let mut users: Vec<User> = Vec::new();
    for u in &raw.user {
        let span = u.span();
        let u = u.get_ref();
        let name = u.name.get_ref().trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            errors.push(at(
                u.name.span(),
                "web.user.name",
                "must be 1 to 64 printable characters".into(),
            ));
            continue;
        }
        if users.iter().any(|o| o.name == name) {
            errors.push(at(
                span.clone(),
                "web.user.name",
                format!("{name:?} is listed twice"),
            ));
            continue;
        }
        let Some(role) = Role::parse(u.role.get_ref()) else {
            errors.push(at(
                u.role.span(),
                "web.user.role",
                format!("{:?}: expected viewer, editor or admin", u.role.get_ref()),
            ));
            continue;
        };
        if let Err(e) = argon2::PasswordHash::new(u.password_hash.get_ref()) {
            // Never shows the value (a password pasted where its hash belongs): only where.
            errors.push(
                ConfigError::at(
                    path,
                    src,
                    u.password_hash.span(),
                    Some("web.user.password_hash"),
                    format!("is not a password hash ({e}); make one with `vigie passwd`"),
                )
                .without_excerpt(),
            );
            continue;
        }
        let language = match &u.language {
            None => None,
            Some(l) => match l.get_ref().as_str() {
                "fr" => Some(Language::Fr),
                "en" => Some(Language::En),
                other => {
                    errors.push(at(
                        l.span(),
                        "web.user.language",
                        format!("{other:?}: expected fr or en"),
                    ));
                    continue;
                }
            },
        };
        users.push(User {
            name: name.to_string(),
            password_hash: u.password_hash.get_ref().clone(),
            role,
            language,
        });
    }
    WebConfig {
        listen,
        public_url,
        session_lifetime,
        users,
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::config;

    fn parse(web: &str) -> Result<super::WebConfig, String> {
        config::parse(web, std::path::Path::new("/etc/vigie/vigie.toml"))
            .map(|c| c.web)
            .map_err(|e| e.to_string())
    }

    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Yk1gW1i0I8u0a3bH0rL5o6mM1u2pJm4w7m9z4QeY0qY";

    #[test]
    fn users_and_their_rights_are_read() {
        let c = parse(&format!(
            "[web]\nlisten = \"127.0.0.1:8080\"\npublic_url = \"https://vigie.example.org/\"\n\
             [[web.user]]\nname = \"camille\"\npassword_hash = \"{HASH}\"\nrole = \"editor\"\nlanguage = \"fr\"\n"
        ))
        .unwrap();
        assert_eq!(c.listen.unwrap().port(), 8080);
        assert_eq!(c.users[0].role, super::Role::Editor);
        assert_eq!(c.session_lifetime, super::SESSION_LIFETIME);
        assert!(!format!("{:?}", c.users[0]).contains("argon2"));
    }

    #[test]
    fn mistakes_are_located_and_never_show_the_hash() {
        let e = parse(
            "[web]\nlisten = \"localhost\"\n\
             [[web.user]]\nname = \"a\"\npassword_hash = \"hunter2\"\nrole = \"editor\"\n\
             [[web.user]]\nname = \"b\"\npassword_hash = \"x\"\nrole = \"boss\"\n",
        )
        .unwrap_err();
        assert!(e.contains("vigie.toml:2"), "{e}");
        assert!(e.contains("web.listen"), "{e}");
        assert!(e.contains("web.user.password_hash"), "{e}");
        assert!(e.contains("vigie passwd"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        assert!(
            e.contains("\"boss\": expected viewer, editor or admin"),
            "{e}"
        );
        let e = parse("[web]\npublic_url = \"https://u:p@vigie.example.org\"\n").unwrap_err();
        assert!(e.contains("must not hold a user name or password"), "{e}");
    }
}
