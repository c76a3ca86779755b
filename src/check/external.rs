//! `link-external` (with `--external`): external addresses requested
//! concurrently, at most `per_host` at a time to one host, each within a
//! timeout. Working addresses are remembered in `.tongxin/external-links.json`
//! for `cache_days` days, so a daily check does not ask the same sites again.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::config::ExternalSettings;

/// Where working addresses are remembered, below the site folder.
pub const CACHE_FILE: &str = ".tongxin/external-links.json";

/// Requests in flight at once, over all hosts.
const WORKERS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The address works (final status after redirects).
    Ok(u16),
    /// The server answered with an error status.
    Status(u16),
    /// No answer: why, in Chinese.
    Failed(String),
}

impl Outcome {
    pub fn works(&self) -> bool {
        matches!(self, Outcome::Ok(_))
    }

    /// Why the address does not work, in Chinese.
    pub fn reason(&self) -> String {
        match self {
            Outcome::Ok(code) => format!("正常（{code}）"),
            Outcome::Status(code) => {
                let meaning = match code {
                    404 => "页面不存在",
                    410 => "页面已删除",
                    401 | 403 => "拒绝访问",
                    429 => "访问太频繁被拒绝",
                    500 => "服务器出错",
                    502..=504 => "网站暂时无法访问",
                    _ => "访问出错",
                };
                format!("网站返回 {code}（{meaning}）")
            }
            Outcome::Failed(why) => why.clone(),
        }
    }
}

fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest).to_ascii_lowercase()
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Checks every address (each once); returns the outcome of each.
pub fn check_all(urls: &[String], settings: &ExternalSettings, root: &Path) -> HashMap<String, Outcome> {
    let cache_path = root.join(CACHE_FILE);
    let max_age = settings.cache_days * 24 * 3600;
    let mut cache = read_cache(&cache_path);
    let now = unix_now();
    let mut results: HashMap<String, Outcome> = HashMap::new();
    let mut pending: VecDeque<String> = VecDeque::new();
    for url in urls {
        if results.contains_key(url) || pending.contains(url) {
            continue;
        }
        let fresh = cache.get(url).and_then(|v| {
            let checked = v.get("checked")?.as_u64()?;
            let status = v.get("status")?.as_u64()?;
            (max_age > 0 && now.saturating_sub(checked) < max_age).then_some(status as u16)
        });
        match fresh {
            Some(status) => {
                results.insert(url.clone(), Outcome::Ok(status));
            }
            None => pending.push_back(url.clone()),
        }
    }
    if pending.is_empty() {
        return results;
    }

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(settings.timeout_secs)))
        .http_status_as_error(false)
        .user_agent("Mozilla/5.0 (compatible; tongxin-check)")
        .build()
        .into();
    struct Queue {
        pending: VecDeque<String>,
        active: HashMap<String, usize>,
        done: Vec<(String, Outcome)>,
    }
    let workers = WORKERS.min(pending.len());
    let queue = Mutex::new(Queue {
        pending,
        active: HashMap::new(),
        done: Vec::new(),
    });
    let wake = Condvar::new();
    let per_host = settings.per_host.max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let url = {
                        let mut q = queue.lock().unwrap_or_else(|p| p.into_inner());
                        loop {
                            if q.pending.is_empty() {
                                return;
                            }
                            let free = q
                                .pending
                                .iter()
                                .position(|u| q.active.get(&host(u)).copied().unwrap_or(0) < per_host);
                            if let Some(i) = free
                                && let Some(url) = q.pending.remove(i)
                            {
                                *q.active.entry(host(&url)).or_insert(0) += 1;
                                break url;
                            }
                            q = wake.wait(q).unwrap_or_else(|p| p.into_inner());
                        }
                    };
                    let outcome = fetch(&agent, &url, settings.timeout_secs);
                    let mut q = queue.lock().unwrap_or_else(|p| p.into_inner());
                    if let Some(n) = q.active.get_mut(&host(&url)) {
                        *n = n.saturating_sub(1);
                    }
                    q.done.push((url, outcome));
                    wake.notify_all();
                }
            });
        }
    });
    let done = queue.into_inner().unwrap_or_else(|p| p.into_inner()).done;
    for (url, outcome) in done {
        if let Outcome::Ok(status) = outcome {
            cache.insert(url.clone(), json!({ "status": status, "checked": now }));
        } else {
            cache.remove(&url);
        }
        results.insert(url, outcome);
    }
    write_cache(&cache_path, cache);
    results
}

fn fetch(agent: &ureq::Agent, url: &str, timeout: u64) -> Outcome {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| r.map(|resp| resp.status().as_u16());
    // HEAD first; some servers only answer GET.
    let mut result = status(agent.head(url).call());
    if matches!(result, Ok(400 | 403 | 405 | 501)) {
        result = status(agent.get(url).call());
    }
    match result {
        Ok(code) if code < 400 => Outcome::Ok(code),
        Ok(code) => Outcome::Status(code),
        Err(e) => Outcome::Failed(explain(&e, timeout)),
    }
}

fn explain(e: &ureq::Error, timeout: u64) -> String {
    use ureq::Error::*;
    match e {
        Timeout(_) => format!("超过 {timeout} 秒没有响应"),
        HostNotFound => "找不到这个网站（域名无法解析）".into(),
        ConnectionFailed => "无法连接到这个网站".into(),
        Tls(_) | Rustls(_) => "网站的安全证书或加密连接有问题".into(),
        TooManyRedirects | RedirectFailed => "网站的跳转有问题".into(),
        BadUri(_) => "地址写法不对".into(),
        Io(io) if io.kind() == std::io::ErrorKind::TimedOut => format!("超过 {timeout} 秒没有响应"),
        Io(_) => "无法连接到这个网站".into(),
        other => format!("访问失败（{other}）"),
    }
}

fn read_cache(path: &Path) -> Map<String, Value> {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|v| v.get("links").and_then(Value::as_object).cloned())
        .unwrap_or_default()
}

/// The cache is a convenience: failing to write it is not worth a message.
fn write_cache(path: &Path, links: Map<String, Value>) {
    let value = json!({
        "说明": "tongxin check --external 记住的可以访问的外部链接，可以随时删除",
        "version": 1,
        "links": links,
    });
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Ok(text) = serde_json::to_string_pretty(&value) {
        let _ = std::fs::write(path, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_reasons() {
        assert_eq!(host("https://WWW.Gov.cn/a/b?x#y"), "www.gov.cn");
        assert_eq!(host("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert!(Outcome::Status(404).reason().contains("页面不存在"));
        assert!(Outcome::Ok(200).works());
    }
}
