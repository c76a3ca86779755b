//! A bucket that speaks the S3 API as the deploy target: 阿里云 OSS, 腾讯云 COS,
//! 华为云 OBS, MinIO, AWS. Written `s3://bucket/prefix`, with `deploy.endpoint`
//! (服务地址) and `deploy.region` (地域) in site.yaml; the keys come from the
//! environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, and
//! `AWS_SESSION_TOKEN` for temporary keys), never from a file.
//!
//! Requests are signed with AWS Signature Version 4 over `ring`, which HTTPS
//! already links in: an S3 crate would add a URL parser, an XML library and
//! their dependencies to every build for four kinds of request (get, put,
//! delete an object; read an error code).

use std::io;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use ring::{digest, hmac};

use super::{Destination, MANIFEST, Manifest};
use crate::config::DeploySettings;
use crate::diagnostics::{Diagnostic, reason};

/// Characters S3 leaves as they are in a key (RFC 3986's unreserved ones).
const KEY_CHARS: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The region signed for when site.yaml names none (MinIO's and AWS's default).
const DEFAULT_REGION: &str = "us-east-1";

/// Access keys, from the environment.
#[derive(Clone, PartialEq, Eq)]
pub struct Keys {
    pub access: String,
    pub secret: String,
    /// For temporary keys (STS).
    pub token: Option<String>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret, not even in a debug message.
        f.debug_struct("Keys")
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}

impl Keys {
    /// The keys of the usual environment variables, or why there are none.
    pub fn from_env() -> Result<Keys, Diagnostic> {
        let get = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        match (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) {
            (Some(access), Some(secret)) => Ok(Keys {
                access,
                secret,
                token: get("AWS_SESSION_TOKEN"),
            }),
            _ => Err(Diagnostic::error(
                crate::config::FILE_NAME,
                "发布到 s3:// 需要存储桶的访问密钥，环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY 没有设置",
            )
            .hint(
                "在运行 tongxin deploy 的窗口里先设置这两个变量（AccessKey ID 和 AccessKey Secret，在云服务的控制台里创建）：\
                 Windows 命令提示符写 set AWS_ACCESS_KEY_ID=…，PowerShell 写 $env:AWS_ACCESS_KEY_ID=\"…\"，\
                 Linux 写 export AWS_ACCESS_KEY_ID=…；密钥不要写进 site.yaml",
            )),
        }
    }
}

/// Where the bucket is and how it is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// `http` or `https`.
    pub scheme: String,
    /// The endpoint's host, with its port when it has one (`127.0.0.1:9000`).
    pub host: String,
    pub bucket: String,
    /// `""`, or a folder inside the bucket ending in `/` (`zx/`).
    pub prefix: String,
    pub region: String,
    /// The bucket in the path (`host/bucket/key`: MinIO, an IP address)
    /// rather than in the host name (`bucket.host/key`: the public clouds).
    pub path_style: bool,
}

impl Place {
    /// Reads `s3://bucket/prefix` and the endpoint and region of site.yaml.
    pub fn parse(target: &str, settings: &DeploySettings) -> Result<Place, Diagnostic> {
        let wrong = |why: &str| {
            Diagnostic::error(crate::config::FILE_NAME, format!("发布目标“{target}”{why}"))
                .hint("写成 s3://存储桶名/文件夹，例如 s3://zx-site 或 s3://zx-site/www；存储桶名只含小写字母、数字、点和连字符")
        };
        let rest = target
            .get(5..)
            .filter(|_| target[..5].eq_ignore_ascii_case("s3://"))
            .ok_or_else(|| wrong("不是 s3:// 地址"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !bucket_ok {
            return Err(wrong("里的存储桶名不对"));
        }
        let prefix = prefix.trim_matches('/');
        if prefix
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
            && !prefix.is_empty()
        {
            return Err(wrong("里的文件夹写法不对"));
        }
        let Some(endpoint) = settings.endpoint.as_deref() else {
            return Err(Diagnostic::error(
                crate::config::FILE_NAME,
                format!("发布到“{target}”还要知道存储服务的地址：site.yaml 的 deploy 下没有 endpoint（服务地址）"),
            )
            .hint(
                "在 deploy 下加一行 endpoint（服务地址）和一行 region（地域），都缩进两个空格，例如 \
                 “endpoint: https://oss-cn-beijing.aliyuncs.com”和“region: oss-cn-beijing”；地址和地域在云服务控制台的存储桶概览里",
            ));
        };
        let (scheme, host) = endpoint
            .trim()
            .split_once("://")
            .map(|(s, h)| (s.to_ascii_lowercase(), h))
            .unwrap_or(("https".to_string(), endpoint.trim()));
        let host = host.trim_end_matches('/').to_string();
        // A host name or address with an optional port, nothing more.
        let host_ok = !host.is_empty()
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
            && (scheme == "http" || scheme == "https");
        if !host_ok {
            return Err(Diagnostic::error(
                crate::config::FILE_NAME,
                format!("deploy 下的 endpoint（服务地址）“{endpoint}”写法不对"),
            )
            .hint("写成 https:// 加主机名，例如 https://cos.ap-guangzhou.myqcloud.com；不要带存储桶名或路径"));
        }
        // Public clouds name the bucket in the host; a server on an IP
        // address, on localhost or on its own port (MinIO's 9000) cannot.
        let name = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
        let path_style = host.contains(':')
            || name == "localhost"
            || name.parse::<std::net::Ipv4Addr>().is_ok()
            || host.starts_with('[');
        Ok(Place {
            scheme,
            host,
            bucket: bucket.to_string(),
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
            region: settings.region.clone().unwrap_or_else(|| DEFAULT_REGION.to_string()),
            path_style,
        })
    }

    /// The host a request goes to, and the path of `key` there, encoded.
    fn address(&self, key: &str) -> (String, String) {
        let key: Vec<String> = format!("{}{key}", self.prefix)
            .split('/')
            .map(|part| utf8_percent_encode(part, KEY_CHARS).to_string())
            .collect();
        if self.path_style {
            (self.host.clone(), format!("/{}/{}", self.bucket, key.join("/")))
        } else {
            (format!("{}.{}", self.bucket, self.host), format!("/{}", key.join("/")))
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, bytes).as_ref())
}

fn hmac_sha256(key: &[u8], data: &str) -> hmac::Tag {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data.as_bytes())
}

/// The `Authorization` header of AWS Signature Version 4 for a request with
/// no query string. `headers` are the headers to sign (names in lower case,
/// `host` and `x-amz-date` among them); `amz_date` is `YYYYMMDDTHHMMSSZ`.
pub fn authorization(
    method: &str,
    path: &str,
    headers: &[(String, String)],
    payload_hash: &str,
    amz_date: &str,
    region: &str,
    keys: &Keys,
) -> String {
    let mut sorted: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| {
            (
                n.to_ascii_lowercase(),
                v.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    sorted.sort();
    let canonical_headers: String = sorted.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let signed: Vec<&str> = sorted.iter().map(|(n, _)| n.as_str()).collect();
    let signed = signed.join(";");
    let request = format!("{method}\n{path}\n\n{canonical_headers}\n{signed}\n{payload_hash}");
    let day = &amz_date[..8];
    let scope = format!("{day}/{region}/s3/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(request.as_bytes())
    );
    let mut key = hmac_sha256(format!("AWS4{}", keys.secret).as_bytes(), day);
    for part in [region, "s3", "aws4_request"] {
        key = hmac_sha256(key.as_ref(), part);
    }
    let signature = hex(hmac_sha256(key.as_ref(), &to_sign).as_ref());
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed}, Signature={signature}",
        keys.access
    )
}

/// How long a browser may keep a file before asking again. Pages, feeds,
/// styles, scripts and the search index keep their names when they change, so
/// the browser revalidates them every time (a cheap 304); photos and
/// attachments rarely change and may be kept for an hour.
pub fn cache_control(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    let revalidate = path.starts_with("search/")
        || matches!(
            ext.as_str(),
            "html" | "xml" | "json" | "txt" | "css" | "js" | "webmanifest" | ""
        );
    if revalidate { "no-cache" } else { "public, max-age=3600" }
}

/// The `Content-Type` of a site file; text in UTF-8, as Tongxin writes it.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == "text"
        || matches!(
            mime.essence_str(),
            "application/json" | "application/xml" | "application/javascript" | "image/svg+xml"
        );
    if text {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

pub struct Bucket {
    place: Place,
    keys: Keys,
    agent: ureq::Agent,
}

/// What a request got back: status and body.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    /// The `<Code>` of an S3 error response.
    fn code(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        text.split_once("<Code>")
            .and_then(|(_, rest)| rest.split_once("</Code>"))
            .map(|(code, _)| code.trim().to_string())
            .unwrap_or_default()
    }

    /// An S3 error as a plain reason.
    fn error(&self, place: &Place) -> io::Error {
        let code = self.code();
        let (kind, why) = match (self.status, code.as_str()) {
            (_, "NoSuchBucket") => (
                io::ErrorKind::NotFound,
                format!("存储桶 {} 不存在，检查 s3:// 后面的名字和 endpoint", place.bucket),
            ),
            (_, "InvalidAccessKeyId") => (
                io::ErrorKind::PermissionDenied,
                "访问密钥不对：AWS_ACCESS_KEY_ID 不是这个存储服务的密钥".to_string(),
            ),
            (_, "SignatureDoesNotMatch") => (
                io::ErrorKind::PermissionDenied,
                "签名不对：AWS_SECRET_ACCESS_KEY 不对，或 region（地域）与存储桶的不一致".to_string(),
            ),
            (_, "AuthorizationHeaderMalformed") => (
                io::ErrorKind::PermissionDenied,
                format!(
                    "存储服务不接受地域 {}：把 site.yaml 里 deploy 下的 region 改成存储桶所在的地域",
                    place.region
                ),
            ),
            (403, _) => (
                io::ErrorKind::PermissionDenied,
                "这个密钥没有写入这个存储桶的权限".to_string(),
            ),
            (status, code) => (
                io::ErrorKind::Other,
                format!(
                    "存储服务回答 {status}{}",
                    if code.is_empty() {
                        String::new()
                    } else {
                        format!("（{code}）")
                    }
                ),
            ),
        };
        reason(kind, why)
    }
}

impl Bucket {
    pub fn new(place: Place, keys: Keys) -> Bucket {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_global(Some(Duration::from_secs(300)))
            .user_agent(concat!("tongxin/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Bucket { place, keys, agent }
    }

    /// Sends one signed request for `key`.
    fn request(&self, method: &str, key: &str, body: &[u8], extra: &[(&str, String)]) -> io::Result<Answer> {
        // Keys come from walking the output, but the manifest is read from
        // the bucket: a `..` in one must not reach outside the prefix (a
        // server may resolve it in the URL's path).
        let safe = !key.is_empty()
            && !key.contains('\\')
            && key
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
        if !safe {
            return Err(reason(io::ErrorKind::InvalidInput, format!("不安全的路径 {key}")));
        }
        let (host, path) = self.place.address(key);
        let amz_date = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
        let payload_hash = sha256_hex(body);
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), host.clone()),
            ("x-amz-content-sha256".into(), payload_hash.clone()),
            ("x-amz-date".into(), amz_date.clone()),
        ];
        if let Some(token) = &self.keys.token {
            headers.push(("x-amz-security-token".into(), token.clone()));
        }
        headers.extend(extra.iter().map(|(n, v)| (n.to_string(), v.clone())));
        let auth = authorization(
            method,
            &path,
            &headers,
            &payload_hash,
            &amz_date,
            &self.place.region,
            &self.keys,
        );
        let url = format!("{}://{host}{path}", self.place.scheme);
        let mut builder = ureq::http::Request::builder().method(method).uri(&url);
        for (name, value) in headers.iter().filter(|(n, _)| n != "host") {
            builder = builder.header(name, value);
        }
        builder = builder.header("authorization", auth);
        let bad = |e: ureq::http::Error| reason(io::ErrorKind::InvalidInput, format!("地址写法不对（{e}）"));
        // Only a PUT has a body (an empty file too); a GET or DELETE sends none.
        let sent = if method == "PUT" {
            self.agent.run(builder.body(body).map_err(bad)?)
        } else {
            self.agent.run(builder.body(ureq::SendBody::none()).map_err(bad)?)
        };
        let mut response = sent.map_err(|e| self.unreachable(&e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(512 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| self.unreachable(&e))?;
        Ok(Answer { status, body })
    }

    fn unreachable(&self, e: &ureq::Error) -> io::Error {
        use ureq::Error::*;
        let endpoint = format!("{}://{}", self.place.scheme, self.place.host);
        let (kind, why) = match e {
            Timeout(_) => (io::ErrorKind::TimedOut, format!("{endpoint} 长时间没有响应")),
            HostNotFound => (
                io::ErrorKind::NotFound,
                format!("找不到 {endpoint}（域名无法解析），检查 endpoint 和网络"),
            ),
            ConnectionFailed => (
                io::ErrorKind::ConnectionRefused,
                format!("连不上 {endpoint}，检查 endpoint 和网络"),
            ),
            Io(io) if io.kind() == io::ErrorKind::ConnectionRefused => (
                io::ErrorKind::ConnectionRefused,
                format!("连不上 {endpoint}，检查 endpoint 和网络"),
            ),
            Io(io) if io.kind() == io::ErrorKind::TimedOut => {
                (io::ErrorKind::TimedOut, format!("{endpoint} 长时间没有响应"))
            }
            Tls(_) | Rustls(_) => (io::ErrorKind::Other, format!("{endpoint} 的安全证书或加密连接有问题")),
            Io(io) => (io.kind(), format!("与 {endpoint} 的连接断了（{io}）")),
            other => (io::ErrorKind::Other, format!("访问 {endpoint} 失败（{other}）")),
        };
        reason(kind, why)
    }
}

impl Destination for Bucket {
    fn name(&self) -> String {
        format!("s3://{}/{}", self.place.bucket, self.place.prefix)
    }

    fn manifest(&mut self) -> io::Result<Manifest> {
        let answer = self.request("GET", MANIFEST, b"", &[])?;
        match answer.status {
            200 => serde_json::from_slice(&answer.body)
                .map_err(|_| reason(io::ErrorKind::InvalidData, format!("{MANIFEST} 已损坏"))),
            404 if answer.code() != "NoSuchBucket" => Ok(Manifest::default()),
            _ => Err(answer.error(&self.place)),
        }
    }

    fn put(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        // An object appears whole when its upload completes: visitors see
        // the old file or the new one.
        let extra = [
            ("content-type", content_type(path)),
            ("cache-control", cache_control(path).to_string()),
        ];
        let answer = self.request("PUT", path, bytes, &extra)?;
        match answer.status {
            200..=299 => Ok(()),
            _ => Err(answer.error(&self.place)),
        }
    }

    fn delete(&mut self, path: &str) -> io::Result<()> {
        let answer = self.request("DELETE", path, b"", &[])?;
        match answer.status {
            200..=299 | 404 => Ok(()),
            _ => Err(answer.error(&self.place)),
        }
    }

    fn save_manifest(&mut self, manifest: &Manifest) -> io::Result<()> {
        let bytes = serde_json::to_vec(manifest).map_err(io::Error::other)?;
        let extra = [
            ("content-type", "application/json".to_string()),
            ("cache-control", "no-store".to_string()),
        ];
        let answer = self.request("PUT", MANIFEST, &bytes, &extra)?;
        match answer.status {
            200..=299 => Ok(()),
            _ => Err(answer.error(&self.place)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(endpoint: &str, region: Option<&str>) -> DeploySettings {
        DeploySettings {
            target: None,
            endpoint: Some(endpoint.to_string()),
            region: region.map(str::to_string),
        }
    }

    /// The worked example of AWS's documentation of Signature Version 4 for
    /// S3 ("GET Object"): the published keys, request and signature.
    #[test]
    fn signs_the_documented_example_exactly() {
        let keys = Keys {
            access: "AKIAIOSFODNN7EXAMPLE".into(),
            secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            token: None,
        };
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(sha256_hex(b""), empty);
        let headers = [
            ("host".to_string(), "examplebucket.s3.amazonaws.com".to_string()),
            ("range".to_string(), "bytes=0-9".to_string()),
            ("x-amz-content-sha256".to_string(), empty.to_string()),
            ("x-amz-date".to_string(), "20130524T000000Z".to_string()),
        ];
        let auth = authorization(
            "GET",
            "/test.txt",
            &headers,
            empty,
            "20130524T000000Z",
            "us-east-1",
            &keys,
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn public_clouds_name_the_bucket_in_the_host_servers_on_a_port_in_the_path() {
        let oss = Place::parse(
            "s3://zx-site/www/",
            &settings("https://oss-cn-beijing.aliyuncs.com/", Some("oss-cn-beijing")),
        )
        .unwrap();
        assert!(!oss.path_style);
        assert_eq!(oss.prefix, "www/");
        assert_eq!(
            oss.address("yaowen/政协 会议.pdf"),
            (
                "zx-site.oss-cn-beijing.aliyuncs.com".to_string(),
                "/www/yaowen/%E6%94%BF%E5%8D%8F%20%E4%BC%9A%E8%AE%AE.pdf".to_string()
            )
        );
        let minio = Place::parse("s3://zx-site", &settings("http://127.0.0.1:9000", None)).unwrap();
        assert!(minio.path_style);
        assert_eq!(minio.region, "us-east-1");
        assert_eq!(
            minio.address("index.html"),
            ("127.0.0.1:9000".to_string(), "/zx-site/index.html".to_string())
        );
        let bare = Place::parse(
            "s3://zx-site",
            &settings("cos.ap-guangzhou.myqcloud.com", Some("ap-guangzhou")),
        )
        .unwrap();
        assert_eq!(bare.scheme, "https");
        assert!(!bare.path_style);
    }

    #[test]
    fn bad_targets_and_endpoints_are_refused_with_a_reason() {
        let good = settings("https://obs.cn-north-4.myhuaweicloud.com", Some("cn-north-4"));
        for target in [
            "s3://",
            "s3://Zx_Site",
            "s3://zx",
            "s3://zx-site/../up",
            "s3://zx-site/a//b",
        ] {
            assert!(Place::parse(target, &good).is_err(), "{target}");
        }
        let none = DeploySettings::default();
        let e = Place::parse("s3://zx-site", &none).unwrap_err();
        assert!(e.message.contains("endpoint"), "{e:?}");
        for endpoint in ["ftp://x.cn", "https://zx-site.x.cn/www", "https://"] {
            assert!(
                Place::parse("s3://zx-site", &settings(endpoint, None)).is_err(),
                "{endpoint}"
            );
        }
    }

    #[test]
    fn pages_are_revalidated_photos_kept_an_hour_text_in_utf8() {
        assert_eq!(cache_control("index.html"), "no-cache");
        assert_eq!(cache_control("search/data/s/12.bin"), "no-cache");
        assert_eq!(cache_control("feed.xml"), "no-cache");
        assert_eq!(cache_control("yaowen/a/photo-800.jpg"), "public, max-age=3600");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/site.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("photo.webp"), "image/webp");
        assert_eq!(content_type("search/data/t/1.bin"), "application/octet-stream");
    }

    #[test]
    fn keys_that_climb_out_of_the_prefix_are_refused_before_any_request() {
        let place = Place::parse("s3://zx-site/www", &settings("http://127.0.0.1:1", None)).unwrap();
        let keys = Keys {
            access: "AK".into(),
            secret: "SK".into(),
            token: None,
        };
        let mut bucket = Bucket::new(place, keys);
        for key in [
            "../other/index.html",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "a\\..\\b",
            "",
        ] {
            let e = bucket.delete(key).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{key}");
            assert!(crate::diagnostics::io_reason(&e).contains("不安全的路径"), "{key}");
        }
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let keys = Keys {
            access: "AK".into(),
            secret: "very-secret".into(),
            token: Some("token".into()),
        };
        let shown = format!("{keys:?}");
        assert!(!shown.contains("very-secret") && !shown.contains("token\""), "{shown}");
    }
}
