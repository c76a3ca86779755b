//! Who may use the desk. It writes the user's files, so a request must come
//! from this computer, through the address the server was started on, from
//! the desk's own pages:
//!
//! - the `Host` header names the loopback address and port the server
//!   listens on (a site on the Internet whose name resolves to 127.0.0.1 —
//!   DNS rebinding — sends its own name and is refused);
//! - an `Origin` or `Sec-Fetch-Site` header, when the browser sends one,
//!   says the request comes from the same origin (another site's page
//!   posting a form is refused);
//! - every API request carries the session's token, which only the desk's
//!   own page holds (written into it when served, never in a file).
//!
//! The desk is only served at all when the server listens on loopback;
//! with `--bind 0.0.0.0` the preview is shared and the desk is off.

use std::net::IpAddr;

use axum::http::HeaderMap;

/// The header the desk's page sends its token in.
pub const TOKEN_HEADER: &str = "x-tongxin-token";

#[derive(Debug, Clone)]
pub struct Guard {
    token: String,
    /// `127.0.0.1:1111`, `localhost:1111`, `[::1]:1111`.
    hosts: Vec<String>,
}

/// Why a request was refused (the text is the response).
#[derive(Debug, PartialEq, Eq)]
pub enum Denied {
    Host,
    Origin,
    Token,
}

impl Denied {
    pub fn message(&self) -> &'static str {
        match self {
            Denied::Host => "写作台只接受从本机地址（127.0.0.1 或 localhost）打开的请求",
            Denied::Origin => "拒绝了来自其他网页的请求：写作台只接受它自己页面发出的操作",
            Denied::Token => "请求缺少写作台的令牌，或令牌已过期：请刷新写作台页面后再试",
        }
    }
}

impl Guard {
    /// A guard for a server listening on `port` of the loopback address,
    /// with a fresh random token.
    pub fn new(port: u16) -> Guard {
        Guard::with_token(port, random_token())
    }

    pub fn with_token(port: u16, token: String) -> Guard {
        Guard {
            token,
            hosts: vec![
                format!("127.0.0.1:{port}"),
                format!("localhost:{port}"),
                format!("[::1]:{port}"),
            ],
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Checks a request for a desk page (no token needed: the page is what
    /// hands the token out, and only a page of the same origin can read it).
    pub fn page(&self, headers: &HeaderMap) -> Result<(), Denied> {
        self.host(headers)?;
        self.origin(headers)
    }

    /// Checks a request to the desk's API.
    pub fn api(&self, headers: &HeaderMap) -> Result<(), Denied> {
        self.page(headers)?;
        let given = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        if constant_time_eq(given.as_bytes(), self.token.as_bytes()) {
            Ok(())
        } else {
            Err(Denied::Token)
        }
    }

    fn host(&self, headers: &HeaderMap) -> Result<(), Denied> {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            Ok(())
        } else {
            Err(Denied::Host)
        }
    }

    fn origin(&self, headers: &HeaderMap) -> Result<(), Denied> {
        if let Some(origin) = headers.get(axum::http::header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("");
            let same = self
                .hosts
                .iter()
                .any(|h| origin.eq_ignore_ascii_case(&format!("http://{h}")));
            if !same {
                return Err(Denied::Origin);
            }
        }
        match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            None | Some("same-origin" | "none") => Ok(()),
            Some(_) => Err(Denied::Origin),
        }
    }
}

/// Whether the desk may run on a server bound to `bind`.
pub fn desk_allowed(bind: IpAddr) -> bool {
    bind.is_loopback()
}

/// 128 random bits as hex, from the operating system's generator.
fn random_token() -> String {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    let rng = ring::rand::SystemRandom::new();
    if rng.fill(&mut bytes).is_err() {
        // No system randomness at all: a token from the clock and the process
        // still differs per session (the Host and Origin checks remain).
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        return format!("{:032x}", xxhash_rust::xxh3::xxh3_128(seed.as_bytes()));
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn only_loopback_same_origin_requests_with_the_token_pass() {
        let guard = Guard::with_token(1111, "abc".into());
        let ok = headers(&[("host", "127.0.0.1:1111"), ("x-tongxin-token", "abc")]);
        assert_eq!(guard.api(&ok), Ok(()));
        let ok = headers(&[
            ("host", "localhost:1111"),
            ("origin", "http://localhost:1111"),
            ("sec-fetch-site", "same-origin"),
            ("x-tongxin-token", "abc"),
        ]);
        assert_eq!(guard.api(&ok), Ok(()));
        for (bad, why) in [
            (headers(&[("host", "127.0.0.1:1111")]), Denied::Token),
            (
                headers(&[("host", "127.0.0.1:1111"), ("x-tongxin-token", "abd")]),
                Denied::Token,
            ),
            (
                headers(&[("host", "evil.example:1111"), ("x-tongxin-token", "abc")]),
                Denied::Host,
            ),
            (
                headers(&[("host", "127.0.0.1:2222"), ("x-tongxin-token", "abc")]),
                Denied::Host,
            ),
            (headers(&[("x-tongxin-token", "abc")]), Denied::Host),
            (
                headers(&[
                    ("host", "127.0.0.1:1111"),
                    ("origin", "http://evil.example"),
                    ("x-tongxin-token", "abc"),
                ]),
                Denied::Origin,
            ),
            (
                headers(&[
                    ("host", "127.0.0.1:1111"),
                    ("origin", "null"),
                    ("x-tongxin-token", "abc"),
                ]),
                Denied::Origin,
            ),
            (
                headers(&[
                    ("host", "127.0.0.1:1111"),
                    ("sec-fetch-site", "cross-site"),
                    ("x-tongxin-token", "abc"),
                ]),
                Denied::Origin,
            ),
        ] {
            assert_eq!(guard.api(&bad), Err(why), "{bad:?}");
        }
    }

    #[test]
    fn tokens_are_random_and_long() {
        let a = Guard::new(1).token().to_string();
        let b = Guard::new(1).token().to_string();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn the_desk_runs_on_loopback_only() {
        assert!(desk_allowed("127.0.0.1".parse().unwrap()));
        assert!(desk_allowed("::1".parse().unwrap()));
        assert!(!desk_allowed("0.0.0.0".parse().unwrap()));
        assert!(!desk_allowed("192.168.1.5".parse().unwrap()));
    }
}
