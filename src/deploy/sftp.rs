//! An SFTP server as the deploy target (`sftp://user@host:port/path`): the
//! usual way onto an intranet web server. Pure Rust (`russh`), so the Windows
//! and ARM64 builds need no OpenSSH or OpenSSL.
//!
//! Who we are: the key file named in `TONGXIN_DEPLOY_KEY`, the keys of a
//! running ssh-agent, `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`, then a
//! password from `TONGXIN_DEPLOY_PASSWORD` or typed at a prompt. Who they are:
//! the server's key must be in `~/.ssh/known_hosts` (or the file named in
//! `TONGXIN_DEPLOY_KNOWN_HOSTS`); a first connection asks at a terminal and
//! is refused without one; a changed key is always refused.

use std::collections::HashSet;
use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::terminal::{self, Stream};

use russh::client::{self, AuthResult, Handle};
use russh::keys::{PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate};
use russh_sftp::client::SftpSession;
use russh_sftp::client::rawsession::RawSftpSession;
use russh_sftp::protocol::{OpenFlags, StatusCode};
use tokio::io::AsyncWriteExt;

use super::{Destination, MANIFEST, Manifest};
use crate::diagnostics::{Diagnostic, reason};

/// Where the files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub user: String,
    pub host: String,
    pub port: u16,
    /// The folder on the server: absolute, or relative to the user's home
    /// (written `sftp://host/~/www`).
    pub folder: String,
}

impl Place {
    pub fn parse(target: &str) -> Result<Place, Diagnostic> {
        let wrong = |why: &str| {
            Diagnostic::error(crate::config::FILE_NAME, format!("发布目标“{target}”{why}")).hint(
                "写成 sftp://用户名@服务器地址:端口/文件夹，例如 sftp://zx@10.0.0.5/var/www/zx；端口是 22 时可以不写",
            )
        };
        let rest = target
            .get(7..)
            .filter(|_| target[..7].eq_ignore_ascii_case("sftp://"))
            .ok_or_else(|| wrong("不是 sftp:// 地址"))?;
        let (authority, folder) = rest.split_once('/').ok_or_else(|| wrong("没有写服务器上的文件夹"))?;
        let (user, server) = match authority.rsplit_once('@') {
            Some((user, server)) => (user.to_string(), server),
            None => (default_user(), authority),
        };
        let (host, port) = match server.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || server.starts_with('[') => {
                (host, port.parse::<u16>().map_err(|_| wrong("里的端口不对"))?)
            }
            _ => (server, 22),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || user.is_empty() || user.contains(':') {
            return Err(wrong(
                "里没有服务器地址或用户名，或者把密码写进了地址（密码放在环境变量 TONGXIN_DEPLOY_PASSWORD 里）",
            ));
        }
        let folder = match folder.strip_prefix("~/") {
            Some(home) => home.trim_end_matches('/').to_string(),
            None if folder == "~" => ".".to_string(),
            None => format!("/{}", folder.trim_end_matches('/')),
        };
        if folder.split('/').any(|part| part == "..") {
            return Err(wrong("里的文件夹不能含“..”"));
        }
        Ok(Place {
            user,
            host: host.to_string(),
            port,
            folder,
        })
    }
}

/// The user name of this computer, as OpenSSH would use it.
fn default_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "root".to_string())
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
}

/// The known-hosts file the server's key is checked against.
fn known_hosts_file() -> Option<PathBuf> {
    std::env::var_os("TONGXIN_DEPLOY_KNOWN_HOSTS")
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".ssh").join("known_hosts")))
}

/// Checks the server's key; says why it refused one.
struct Client {
    host: String,
    port: u16,
    refusal: Arc<Mutex<Option<String>>>,
}

impl Client {
    fn verdict(&self, key: &PublicKey) -> Result<bool, String> {
        let shown = if self.port == 22 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let fingerprint = key.fingerprint(Default::default()).to_string();
        let Some(file) = known_hosts_file() else {
            return Err(
                "找不到用户文件夹，无法核对服务器的密钥（设置 TONGXIN_DEPLOY_KNOWN_HOSTS 指向 known_hosts 文件）"
                    .into(),
            );
        };
        match russh::keys::check_known_hosts_path(&self.host, self.port, key, &file) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(russh::keys::Error::KeyChanged { line }) => {
                return Err(format!(
                    "服务器 {shown} 的密钥和上次记下的不一样（{} 第 {line} 行）：可能有人冒充服务器，没有连接。\
                     请向服务器管理员核实新的密钥指纹 {fingerprint}，确认后删掉那一行再发布",
                    crate::diagnostics::display_path(&file)
                ));
            }
            // An unreadable file is as good as an empty one: ask below.
            Err(_) => {}
        }
        if !std::io::stdin().is_terminal() {
            return Err(format!(
                "第一次连接服务器 {shown}，它的密钥（指纹 {fingerprint}）不在 {} 里。\
                 请先在命令行窗口里运行一次 tongxin deploy 并确认这个指纹，\
                 或者设置 TONGXIN_DEPLOY_KNOWN_HOSTS 指向记有它的 known_hosts 文件",
                crate::diagnostics::display_path(&file)
            ));
        }
        terminal::write(
            Stream::Err,
            &format!(
                "第一次连接服务器 {shown}，它的密钥指纹是：\n  {fingerprint}\n\
                 请向服务器管理员核实这个指纹。确认无误并继续连接，请输入 yes 或“是”："
            ),
        );
        let answer = console::Term::stderr().read_line().unwrap_or_default();
        if confirms(&answer) {
            if let Err(e) = russh::keys::known_hosts::learn_known_hosts_path(&self.host, self.port, key, &file) {
                terminal::write(
                    Stream::Err,
                    &format!(
                        "（没能把密钥记进 {}：{e}；下次还会再问）\n",
                        crate::diagnostics::display_path(&file)
                    ),
                );
            }
            Ok(true)
        } else {
            Err(format!("没有确认服务器 {shown} 的密钥，没有连接"))
        }
    }
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(&mut self, key: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        let key = match key {
            PublicKeyOrCertificate::PublicKey { key, .. } => key.clone(),
            PublicKeyOrCertificate::Certificate(cert) => cert.public_key().clone().into(),
        };
        match self.verdict(&key) {
            Ok(ok) => Ok(ok),
            Err(why) => {
                *self.refusal.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
                Ok(false)
            }
        }
    }
}

/// An open SFTP connection.
pub struct Sftp {
    place: Place,
    runtime: tokio::runtime::Runtime,
    // Kept so that the connection stays open.
    _ssh: Handle<Client>,
    files: SftpSession,
    /// A second channel for `posix-rename@openssh.com`, which replaces a
    /// file in one step (plain SFTP rename refuses an existing target).
    raw: RawSftpSession,
    /// Folders known to exist on the server.
    folders: HashSet<String>,
}

fn failed(place: &Place, what: String) -> Diagnostic {
    Diagnostic::error(format!("sftp://{}@{}:{}", place.user, place.host, place.port), what)
}

impl Sftp {
    /// Connects, checks the server's key and logs in.
    pub fn connect(place: Place) -> Result<Sftp, Diagnostic> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| failed(&place, format!("无法启动网络连接：{e}")))?;
        let refusal = Arc::new(Mutex::new(None));
        let handler = Client {
            host: place.host.clone(),
            port: place.port,
            refusal: refusal.clone(),
        };
        let config = Arc::new(client::Config {
            inactivity_timeout: Some(Duration::from_secs(120)),
            ..Default::default()
        });
        let server = format!("{}:{}", place.host, place.port);
        let ssh = runtime.block_on(async {
            tokio::time::timeout(
                Duration::from_secs(20),
                client::connect(config, (place.host.as_str(), place.port), handler),
            )
            .await
        });
        let mut ssh = match ssh {
            Ok(Ok(ssh)) => ssh,
            Ok(Err(e)) => {
                let why = refusal.lock().unwrap_or_else(|e| e.into_inner()).take();
                return Err(match why {
                    Some(why) => failed(&place, why),
                    None => failed(&place, connect_reason(&server, &e))
                        .hint("检查服务器地址、端口和网络；在命令行里用 ssh 用户名@服务器地址 试试能不能连上"),
                });
            }
            Err(_) => {
                return Err(failed(&place, format!("连接 {server} 超过 20 秒没有回应"))
                    .hint("检查服务器地址、端口和网络（防火墙是否放行了 SSH 端口）"));
            }
        };
        runtime.block_on(log_in(&mut ssh, &place))?;
        let (files, raw) = runtime
            .block_on(async {
                let open = || async {
                    let channel = ssh.channel_open_session().await?;
                    channel.request_subsystem(true, "sftp").await?;
                    Ok::<_, russh::Error>(channel.into_stream())
                };
                let files = SftpSession::new(open().await.map_err(|e| e.to_string())?)
                    .await
                    .map_err(|e| e.to_string())?;
                let raw = RawSftpSession::new(open().await.map_err(|e| e.to_string())?);
                raw.init().await.map_err(|e| e.to_string())?;
                Ok::<_, String>((files, raw))
            })
            .map_err(|e| {
                failed(&place, format!("登录成功，但服务器没有提供 SFTP 服务（{e}）"))
                    .hint("请服务器管理员在 sshd 设置里启用 Subsystem sftp")
            })?;
        Ok(Sftp {
            place,
            runtime,
            _ssh: ssh,
            files,
            raw,
            folders: HashSet::new(),
        })
    }

    fn path(&self, site_path: &str) -> io::Result<String> {
        // Site paths come from walking the output, but the manifest is read
        // from the server: never follow one out of the folder.
        let safe = !site_path.is_empty()
            && !site_path.contains('\\')
            && site_path.split('/').all(|p| !p.is_empty() && p != "." && p != "..");
        if !safe {
            return Err(reason(io::ErrorKind::InvalidInput, format!("不安全的路径 {site_path}")));
        }
        Ok(format!("{}/{site_path}", self.place.folder))
    }

    /// Makes `folder` and the folders above it, as far as they are missing.
    async fn make_folders(files: &SftpSession, known: &mut HashSet<String>, folder: &str) -> io::Result<()> {
        if folder.is_empty() || folder == "/" || folder == "." || known.contains(folder) {
            return Ok(());
        }
        if files.metadata(folder).await.is_err() {
            if let Some((parent, _)) = folder.rsplit_once('/') {
                Box::pin(Self::make_folders(files, known, parent)).await?;
            }
            if let Err(e) = files.create_dir(folder).await {
                // Made by someone else meanwhile is fine.
                if files.metadata(folder).await.is_err() {
                    return Err(sftp_reason(&e, folder));
                }
            }
        }
        known.insert(folder.to_string());
        Ok(())
    }
}

/// Logs in with the first way that works.
async fn log_in(ssh: &mut Handle<Client>, place: &Place) -> Result<(), Diagnostic> {
    let user = place.user.as_str();
    let rsa_hash = ssh.best_supported_rsa_hash().await.ok().flatten().flatten();
    let mut tried = Vec::new();
    // A key file named for the deploy, then the agent, then the usual files.
    let mut files: Vec<PathBuf> = Vec::new();
    if let Some(named) = std::env::var_os("TONGXIN_DEPLOY_KEY") {
        let named = PathBuf::from(named);
        match russh::keys::load_secret_key(&named, None) {
            Ok(key) => {
                let key = PrivateKeyWithHashAlg::new(Arc::new(key), rsa_hash);
                if matches!(ssh.authenticate_publickey(user, key).await, Ok(AuthResult::Success)) {
                    return Ok(());
                }
                tried.push(format!("密钥 {}", crate::diagnostics::display_path(&named)));
            }
            Err(e) => {
                return Err(failed(
                    place,
                    format!(
                        "读不了 TONGXIN_DEPLOY_KEY 指定的密钥文件 {}：{e}",
                        crate::diagnostics::display_path(&named)
                    ),
                )
                .hint("这个文件要是 OpenSSH 格式、没有设口令的私钥（ssh-keygen -t ed25519 生成）"));
            }
        }
    }
    #[cfg(unix)]
    if let Ok(mut agent) = russh::keys::agent::client::AgentClient::connect_env().await
        && let Ok(identities) = agent.request_identities().await
    {
        for identity in identities {
            if let russh::keys::agent::AgentIdentity::PublicKey { key, .. } = identity {
                let hash = if key.algorithm().is_rsa() { rsa_hash } else { None };
                if matches!(
                    ssh.authenticate_publickey_with(user, key, hash, &mut agent).await,
                    Ok(AuthResult::Success)
                ) {
                    return Ok(());
                }
            }
        }
        tried.push("ssh-agent 里的密钥".to_string());
    }
    if let Some(home) = home() {
        files.extend(["id_ed25519", "id_ecdsa", "id_rsa"].map(|n| home.join(".ssh").join(n)));
    }
    for file in files.iter().filter(|f| f.is_file()) {
        // Keys with a passphrase are the agent's job.
        let Ok(key) = russh::keys::load_secret_key(file, None) else {
            continue;
        };
        let key = PrivateKeyWithHashAlg::new(Arc::new(key), rsa_hash);
        if matches!(ssh.authenticate_publickey(user, key).await, Ok(AuthResult::Success)) {
            return Ok(());
        }
        tried.push(format!("密钥 {}", crate::diagnostics::display_path(file)));
    }
    let password = match std::env::var("TONGXIN_DEPLOY_PASSWORD") {
        Ok(p) if !p.is_empty() => Some(p),
        _ if std::io::stdin().is_terminal() => {
            terminal::write(Stream::Err, &format!("{user}@{} 的密码（输入时不显示）：", place.host));
            console::Term::stderr().read_secure_line().ok()
        }
        _ => None,
    };
    if let Some(password) = password {
        if matches!(ssh.authenticate_password(user, password).await, Ok(AuthResult::Success)) {
            return Ok(());
        }
        tried.push("密码".to_string());
    }
    let tried = if tried.is_empty() {
        "没有可用的密钥或密码".to_string()
    } else {
        format!("试过：{}", tried.join("、"))
    };
    Err(
        failed(place, format!("服务器没有接受用户 {user} 的登录（{tried}）")).hint(
            "用密码登录时把密码放在环境变量 TONGXIN_DEPLOY_PASSWORD 里，或在命令行窗口里运行、按提示输入；\
         用密钥登录时把私钥文件的位置放在 TONGXIN_DEPLOY_KEY 里，并请管理员把对应的公钥加进服务器的 authorized_keys",
        ),
    )
}

fn connect_reason(server: &str, e: &russh::Error) -> String {
    match e {
        russh::Error::IO(io) if io.kind() == io::ErrorKind::ConnectionRefused => {
            format!("连不上 {server}：服务器拒绝连接（端口不对，或 SSH 服务没有运行）")
        }
        russh::Error::IO(io) => format!("连不上 {server}（{io}）"),
        other => format!("和 {server} 建立 SSH 连接失败（{other}）"),
    }
}

fn sftp_reason(e: &russh_sftp::client::error::Error, path: &str) -> io::Error {
    use russh_sftp::client::error::Error as E;
    match e {
        E::Status(status) => match status.status_code {
            StatusCode::NoSuchFile => reason(io::ErrorKind::NotFound, format!("服务器上没有 {path}")),
            StatusCode::PermissionDenied => reason(
                io::ErrorKind::PermissionDenied,
                format!("没有权限写 {path}（请管理员给这个用户写这个文件夹的权限）"),
            ),
            _ => reason(
                io::ErrorKind::Other,
                format!("服务器没能完成对 {path} 的操作（它的回答是：{}）", status.error_message),
            ),
        },
        E::Timeout => reason(io::ErrorKind::TimedOut, "服务器长时间没有回应".to_string()),
        other => reason(io::ErrorKind::Other, format!("SFTP 出错：{other}")),
    }
}

/// A write the server refused. OpenSSH speaks version 3 of SFTP, which has
/// no word for a full disk: it answers “Failure” ([`out_of_space`] asks).
fn write_reason(e: io::Error, path: &str) -> io::Error {
    if e.kind() == io::ErrorKind::TimedOut {
        return reason(io::ErrorKind::TimedOut, "服务器长时间没有回应".to_string());
    }
    reason(
        io::ErrorKind::Other,
        format!("服务器没能写入 {path}（它的回答是：{e}）"),
    )
}

/// When a write failed: whether the server's disk that holds the first of
/// `folders` it can measure has no room left for `needed` more bytes or for
/// one more file, and if so the error that says so. Uses OpenSSH's
/// `statvfs@openssh.com`; `None` when the server cannot tell or has room.
async fn out_of_space(raw: &RawSftpSession, folders: &[&str], needed: u64) -> Option<io::Error> {
    for folder in folders {
        let Ok(disk) = raw.statvfs(*folder).await else {
            continue;
        };
        let free = disk.blocks_avail.saturating_mul(disk.fragment_size);
        // A file takes whole blocks: less than one block more than the file
        // is no room.
        let room = free >= needed.saturating_add(disk.block_size.max(1));
        let no_more_files = disk.inodes > 0 && disk.inodes_avail == 0;
        if room && !no_more_files {
            return None;
        }
        let why = if room {
            "不能再建新文件（文件个数到了上限）".to_string()
        } else {
            format!("只剩 {}", super::size_text(free))
        };
        return Some(reason(
            io::ErrorKind::StorageFull,
            format!("服务器上 {folder} 所在的磁盘空间已满（{why}）"),
        ));
    }
    None
}

/// An SSH string: its length, then its bytes.
fn ssh_string(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u32).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
}

impl Destination for Sftp {
    fn name(&self) -> String {
        let port = if self.place.port == 22 {
            String::new()
        } else {
            format!(":{}", self.place.port)
        };
        format!(
            "sftp://{}@{}{port}/{}",
            self.place.user,
            self.place.host,
            self.place.folder.trim_start_matches('/')
        )
    }

    fn manifest(&mut self) -> io::Result<Manifest> {
        let path = format!("{}/{MANIFEST}", self.place.folder);
        match self.runtime.block_on(self.files.read(path.as_str())) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|_| reason(io::ErrorKind::InvalidData, format!("{MANIFEST} 已损坏"))),
            Err(russh_sftp::client::error::Error::Status(s)) if s.status_code == StatusCode::NoSuchFile => {
                Ok(Manifest::default())
            }
            Err(e) => Err(sftp_reason(&e, &path)),
        }
    }

    fn put(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let full = self.path(path)?;
        let (folder, name) = full.rsplit_once('/').unwrap_or((".", full.as_str()));
        let temp = format!("{folder}/.{name}.tongxin-deploy");
        let Sftp {
            place,
            runtime,
            files,
            raw,
            folders,
            ..
        } = self;
        runtime.block_on(async {
            if let Err(e) = Self::make_folders(files, folders, folder).await {
                return Err(out_of_space(raw, &[folder, place.folder.as_str()], 0)
                    .await
                    .unwrap_or(e));
            }
            let written = async {
                let mut file = files
                    .open_with_flags(
                        temp.as_str(),
                        OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::WRITE,
                    )
                    .await
                    .map_err(|e| sftp_reason(&e, &temp))?;
                file.write_all(bytes).await.map_err(|e| write_reason(e, &full))?;
                file.shutdown().await.map_err(|e| write_reason(e, &full))
            }
            .await;
            if let Err(e) = written {
                // Asked while the part written still holds its space; then
                // the part goes, so that it is no litter on the server.
                let full_disk = out_of_space(raw, &[folder], bytes.len() as u64).await;
                let _ = files.remove_file(temp.as_str()).await;
                return Err(full_disk.unwrap_or(e));
            }
            // Replace in one step where the server can (OpenSSH); elsewhere
            // the old file goes first and the new one follows at once.
            let mut names = Vec::new();
            ssh_string(&mut names, &temp);
            ssh_string(&mut names, &full);
            if raw.extended("posix-rename@openssh.com", names).await.is_ok_and(
                |reply| matches!(reply, russh_sftp::protocol::Packet::Status(s) if s.status_code == StatusCode::Ok),
            ) {
                return Ok(());
            }
            let _ = files.remove_file(full.as_str()).await;
            files
                .rename(temp.as_str(), full.as_str())
                .await
                .map_err(|e| sftp_reason(&e, &full))
        })
    }

    fn delete(&mut self, path: &str) -> io::Result<()> {
        let full = self.path(path)?;
        match self.runtime.block_on(self.files.remove_file(full.as_str())) {
            Ok(()) => Ok(()),
            Err(russh_sftp::client::error::Error::Status(s)) if s.status_code == StatusCode::NoSuchFile => Ok(()),
            Err(e) => Err(sftp_reason(&e, &full)),
        }
    }

    fn save_manifest(&mut self, manifest: &Manifest) -> io::Result<()> {
        let bytes = serde_json::to_vec(manifest).map_err(io::Error::other)?;
        self.put(MANIFEST, &bytes)
    }
}

/// Whether the answer to "trust this server?" is yes: `yes` in any case, or
/// 是 for someone typing Chinese (a `y` alone is not enough for a key).
fn confirms(answer: &str) -> bool {
    let answer = answer.trim();
    answer.eq_ignore_ascii_case("yes") || answer == "是"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_or_shi_trusts_a_new_server_and_nothing_else_does() {
        for yes in ["yes", "YES\n", " 是 "] {
            assert!(confirms(yes), "{yes:?}");
        }
        for no in ["", "y", "no", "否", "是的吧", "yess"] {
            assert!(!confirms(no), "{no:?}");
        }
    }

    #[test]
    fn targets_with_user_port_and_folder() {
        let p = Place::parse("sftp://zx@10.0.0.5:2222/var/www/zx/").unwrap();
        assert_eq!(
            p,
            Place {
                user: "zx".into(),
                host: "10.0.0.5".into(),
                port: 2222,
                folder: "/var/www/zx".into()
            }
        );
        let p = Place::parse("SFTP://web@server.local/~/www").unwrap();
        assert_eq!((p.port, p.folder.as_str()), (22, "www"));
        let p = Place::parse("sftp://zx@[::1]:2200/srv").unwrap();
        assert_eq!((p.host.as_str(), p.port), ("::1", 2200));
    }

    #[test]
    fn bad_targets_are_refused_with_a_reason() {
        for target in [
            "sftp://zx@10.0.0.5",
            "sftp://zx@10.0.0.5:ssh/www",
            "sftp://zx:secret@10.0.0.5/www",
            "sftp://@/www",
            "sftp://zx@h/var/../etc",
        ] {
            assert!(Place::parse(target).is_err(), "{target}");
        }
        let e = Place::parse("sftp://zx:secret@10.0.0.5/www").unwrap_err();
        assert!(e.message.contains("TONGXIN_DEPLOY_PASSWORD"), "{e:?}");
    }
}
