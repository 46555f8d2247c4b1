//! Who is asking: passwords (argon2id), sessions in a signed cookie, CSRF tokens, API
//! tokens, and the login rate limit.
//!
//! A session cookie is `payload.signature`: the payload names the user, when the session
//! ends, a random nonce and a fingerprint of the user's password hash (changing the
//! password ends every session); the signature is HMAC-SHA256 with a key kept in the
//! database (sessions outlive a restart). The rights are read from the config at each
//! request: a user removed from it is logged out. A form's CSRF token is the HMAC of the
//! session's nonce; the login form's, of a nonce in a short-lived cookie of its own.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "vigie_session";
/// The login form's nonce cookie.
pub const LOGIN_COOKIE: &str = "vigie_login";

/// An argon2id hash of `password` in PHC form, with a random salt (`vigie passwd`).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    use argon2::PasswordHasher;
    let salt = argon2::password_hash::SaltString::encode_b64(&random(16))
        .map_err(|e| anyhow::anyhow!("cannot make a salt: {e}"))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Whether `password` is the one `hash` was made from. Takes tens of milliseconds of CPU:
/// call it off the async threads.
pub fn verify_password(hash: &str, password: &str) -> bool {
    use argon2::PasswordVerifier;
    argon2::PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// `n` random bytes.
pub fn random(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    SystemRandom::new()
        .fill(&mut b)
        .expect("the system's random generator works");
    b
}

/// A new API token: `vigie_` and 32 random bytes.
pub fn new_token() -> String {
    format!("vigie_{}", B64.encode(random(32)))
}

/// The SHA-256 of a token, in hex: what the database keeps.
pub fn token_digest(token: &str) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, token.as_bytes()).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A logged-in session, as its cookie says.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user: String,
    /// Unix seconds.
    pub expires: i64,
    pub nonce: String,
    /// Of the password hash it was opened with.
    pub fingerprint: String,
}

/// Signs and checks cookies and tokens.
pub struct Keys {
    key: hmac::Key,
}

impl Keys {
    pub fn new(secret: &[u8]) -> Keys {
        Keys {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        }
    }

    fn sign(&self, what: &str) -> String {
        B64.encode(hmac::sign(&self.key, what.as_bytes()).as_ref())
    }

    fn verify(&self, what: &str, signature: &str) -> bool {
        B64.decode(signature)
            .is_ok_and(|sig| hmac::verify(&self.key, what.as_bytes(), &sig).is_ok())
    }

    /// What identifies a password hash in a session, without showing it.
    pub fn fingerprint(&self, password_hash: &str) -> String {
        self.sign(&format!("password:{password_hash}"))[..16].to_string()
    }

    /// The cookie value of a new session for `user`.
    pub fn open_session(&self, user: &str, password_hash: &str, expires: i64) -> String {
        let payload = format!(
            "{}.{expires}.{}.{}",
            B64.encode(user),
            B64.encode(random(16)),
            self.fingerprint(password_hash)
        );
        let signature = self.sign(&payload);
        format!("{payload}.{signature}")
    }

    /// The session a cookie value holds, if it is signed by us and not expired at `now`.
    pub fn session(&self, cookie: &str, now: i64) -> Option<Session> {
        let (payload, signature) = cookie.rsplit_once('.')?;
        if !self.verify(payload, signature) {
            return None;
        }
        let mut parts = payload.split('.');
        let user = String::from_utf8(B64.decode(parts.next()?).ok()?).ok()?;
        let expires: i64 = parts.next()?.parse().ok()?;
        let nonce = parts.next()?.to_string();
        let fingerprint = parts.next()?.to_string();
        (expires > now).then_some(Session {
            user,
            expires,
            nonce,
            fingerprint,
        })
    }

    /// The CSRF token of forms shown to the holder of `nonce`.
    pub fn csrf(&self, nonce: &str) -> String {
        self.sign(&format!("csrf:{nonce}"))
    }

    pub fn csrf_ok(&self, nonce: &str, token: &str) -> bool {
        self.verify(&format!("csrf:{nonce}"), token)
    }
}

/// Failed logins allowed per address and per user name in [`WINDOW`].
pub const PER_ADDRESS: u32 = 10;
pub const PER_USER: u32 = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failed logins, per address and per user name, forgotten after [`WINDOW`].
#[derive(Default)]
pub struct LoginLimit {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginLimit {
    /// How long `ip` (trying `user`) must wait, if it must.
    pub fn wait(&self, ip: IpAddr, user: &str, now: Instant) -> Option<Duration> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        [
            (format!("ip:{ip}"), PER_ADDRESS),
            (format!("user:{user}"), PER_USER),
        ]
        .into_iter()
        .filter_map(|(key, max)| {
            let (n, since) = map.get(&key)?;
            let left = WINDOW.checked_sub(now.duration_since(*since))?;
            (*n >= max && !left.is_zero()).then_some(left)
        })
        .max()
    }

    pub fn failed(&self, ip: IpAddr, user: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (_, since)| now.duration_since(*since) < WINDOW);
        // Bounded: a flood of user names fills at most this many entries.
        if map.len() > 100_000 {
            map.clear();
        }
        for key in [format!("ip:{ip}"), format!("user:{user}")] {
            map.entry(key).or_insert((0, now)).0 += 1;
        }
    }

    pub fn succeeded(&self, user: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("user:{user}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_cookie_is_refused_when_tampered_with_expired_or_signed_by_another_key() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let cookie = keys.open_session("camille", "$argon2id$x", 2_000);
        let s = keys.session(&cookie, 1_000).unwrap();
        assert_eq!(s.user, "camille");
        assert_eq!(s.fingerprint, keys.fingerprint("$argon2id$x"));
        assert!(keys.session(&cookie, 2_000).is_none(), "expired");
        let forged = cookie.replacen(&B64.encode("camille"), &B64.encode("admin"), 1);
        assert!(keys.session(&forged, 1_000).is_none(), "tampered");
        assert!(Keys::new(b"another key").session(&cookie, 1_000).is_none());
        assert!(keys.csrf_ok(&s.nonce, &keys.csrf(&s.nonce)));
        assert!(!keys.csrf_ok(&s.nonce, &keys.csrf("another nonce")));
    }

    #[test]
    fn passwords_verify_against_their_argon2id_hash_only() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&h, "correct horse"));
        assert!(!verify_password(&h, "correct horse "));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn the_login_limit_counts_per_address_and_per_user_and_forgets() {
        let l = LoginLimit::default();
        let t = Instant::now();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..PER_USER {
            assert!(l.wait(ip, "camille", t).is_none());
            l.failed(ip, "camille", t);
        }
        assert!(l.wait(ip, "camille", t).is_some());
        // Another user from the same address may still try, until the address is spent.
        assert!(l.wait(ip, "alex", t).is_none());
        for _ in PER_USER..PER_ADDRESS {
            l.failed(ip, "alex", t);
        }
        assert!(l.wait(ip, "someone", t).is_some());
        assert!(l.wait(ip, "camille", t + WINDOW).is_none(), "forgotten");
    }
}
