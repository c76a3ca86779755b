//! `tongxin deploy` to an SFTP server: a real OpenSSH `sshd` on loopback,
//! with its own host key, a user key for us and `internal-sftp`. Run as the
//! README shows, in the site folder with the target in site.yaml and the key
//! in TONGXIN_DEPLOY_KEY: everything arrives, a second deploy sends nothing,
//! an edit sends only what changed, removed pages go, the server's own files
//! stay. An unknown host key without a terminal, a changed host key, a wrong
//! password and a closed port are refused with plain Chinese messages. At a
//! terminal (a pseudo-terminal from python3's `pty`) a first connection asks
//! with the key's fingerprint: “no” sends nothing, “yes” deploys and writes
//! the key into the known-hosts file. A
//! server whose disk fills up (a small tmpfs under the target) is said to be
//! full, though OpenSSH answers only “Failure”, and the deploy after space is
//! freed leaves the server holding the whole site.
//!
//! These tests need `/usr/sbin/sshd` (Debian's openssh-server) and root (sshd
//! wants its privilege-separation folder), so `cargo test` skips them;
//! `.ci/run` installs openssh-server and runs them with
//! `cargo test --test deploy_sftp -- --ignored`.

mod common;

use std::fs;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// An sshd on a free loopback port, stopped when dropped.
struct Sshd {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

fn keygen(file: &Path) {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(file)
        .output()
        .expect("ssh-keygen (openssh-client)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

impl Sshd {
    fn start() -> Sshd {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        keygen(&d.join("host_key"));
        keygen(&d.join("user_key"));
        fs::copy(d.join("user_key.pub"), d.join("authorized_keys")).unwrap();
        fs::create_dir_all(d.join("home")).unwrap();
        fs::create_dir_all("/run/sshd").unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nPidFile none\n\
             AuthorizedKeysFile {d}/authorized_keys\nStrictModes no\nUsePAM no\nPermitRootLogin yes\n\
             PasswordAuthentication yes\nKbdInteractiveAuthentication no\nSubsystem sftp internal-sftp\nLogLevel ERROR\n",
            d = d.display()
        );
        fs::write(d.join("sshd_config"), config).unwrap();
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(d.join("sshd_config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("/usr/sbin/sshd (apt-get install openssh-server)");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "sshd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Sshd { child, port, dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// A known_hosts file that knows this server.
    fn known_hosts(&self) -> PathBuf {
        let key = fs::read_to_string(self.path("host_key.pub")).unwrap();
        let file = self.path("known_hosts");
        fs::write(&file, format!("[127.0.0.1]:{} {key}", self.port)).unwrap();
        file
    }

    fn target(&self) -> String {
        format!(
            "sftp://{}@127.0.0.1:{}{}/www",
            user(),
            self.port,
            self.dir.path().display()
        )
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn user() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `tongxin ARGS` in `dir`, with no terminal, a home of its own (no keys of
/// this machine), no agent, and `env` set.
fn tongxin(dir: &Path, home: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tongxin"));
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("HOME", home)
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("TONGXIN_DEPLOY_KEY")
        .env_remove("TONGXIN_DEPLOY_PASSWORD")
        .env_remove("TONGXIN_DEPLOY_KNOWN_HOSTS");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A new site from `tongxin init` whose site.yaml deploys to `target`.
fn new_site(home: &Path, target: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = tongxin(dir.path(), home, &["init", "我的网站"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let site = dir.path().join("我的网站");
    let yaml = fs::read_to_string(site.join("site.yaml")).unwrap();
    fs::write(site.join("site.yaml"), format!("{yaml}\n发布:\n  目标: {target}\n")).unwrap();
    (dir, site)
}

fn site_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = common::folder_files(dir);
    files.remove(".tongxin-deploy.json");
    files.remove(".tongxin-output");
    files
}

fn first_news_post(site: &Path) -> PathBuf {
    fs::read_dir(site.join("content/yaowen"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap() != "_index.md")
        .unwrap()
}

/// The count in “上传 N 个文件”.
fn uploaded(out: &Output) -> usize {
    let t = text(out);
    let after = t.split("上传 ").nth(1).unwrap_or_else(|| panic!("{t}"));
    after
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{t}"))
}

#[test]
#[ignore = "needs /usr/sbin/sshd and root; .ci/run runs it"]
fn deploy_to_an_sftp_server_as_the_readme_shows() {
    let sshd = Sshd::start();
    let home = sshd.path("home");
    let (_dir, site) = new_site(&home, &sshd.target());
    let known = sshd.known_hosts();
    let key = sshd.path("user_key");
    let env = [
        ("TONGXIN_DEPLOY_KEY", key.as_path()),
        ("TONGXIN_DEPLOY_KNOWN_HOSTS", known.as_path()),
    ];
    let www = sshd.path("www");

    // First deploy: the whole site.
    let out = tongxin(&site, &home, &["deploy"], &env);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("发布完成"), "{}", text(&out));
    let public = site_files(&site.join("public"));
    assert_eq!(site_files(&www), public);
    assert!(www.join(".tongxin-deploy.json").is_file());
    // No temporary file is left behind.
    assert!(
        !common::folder_files(&www)
            .keys()
            .any(|k| k.contains(".tongxin-deploy") && !k.ends_with(".json")),
        "{:?}",
        common::folder_files(&www).keys().collect::<Vec<_>>()
    );
    fs::write(www.join("keep.txt"), "服务器上原有的文件").unwrap();

    // Nothing changed: nothing sent.
    let out = tongxin(&site, &home, &["deploy"], &env);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已是最新"), "{}", text(&out));

    // A new title: only what shows it is sent, replacing the old files.
    let post = first_news_post(&site);
    let source = fs::read_to_string(&post).unwrap();
    let edited: Vec<String> = source
        .lines()
        .map(|l| {
            if l.starts_with("title:") {
                "title: 服务器发布测试".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(&post, edited.join("\n") + "\n").unwrap();
    let out = tongxin(&site, &home, &["deploy"], &env);
    assert!(out.status.success(), "{}", text(&out));
    let sent = uploaded(&out);
    assert!(sent >= 2 && sent < public.len() / 2, "{sent}: {}", text(&out));
    assert!(
        fs::read_to_string(www.join("index.html"))
            .unwrap()
            .contains("服务器发布测试")
    );

    // A removed post: its page goes, the server's own file stays.
    let page = format!("yaowen/{}/index.html", post.file_stem().unwrap().to_string_lossy());
    assert!(www.join(&page).is_file(), "{page}");
    fs::remove_file(&post).unwrap();
    let out = tongxin(&site, &home, &["deploy"], &env);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!www.join(&page).exists());
    assert!(www.join("keep.txt").is_file());
    let mut expected = site_files(&site.join("public"));
    expected.insert("keep.txt".into(), "服务器上原有的文件".into());
    assert_eq!(site_files(&www), expected);
}

#[test]
#[ignore = "needs /usr/sbin/sshd and root; .ci/run runs it"]
fn unknown_or_changed_host_keys_wrong_passwords_and_closed_ports_are_refused() {
    let sshd = Sshd::start();
    let home = sshd.path("home");
    let (_dir, site) = new_site(&home, &sshd.target());
    let key = sshd.path("user_key");
    let www = sshd.path("www");

    // A first connection without a terminal: refused, with the fingerprint.
    let empty = sshd.path("empty_known_hosts");
    fs::write(&empty, "").unwrap();
    let env = [
        ("TONGXIN_DEPLOY_KEY", key.as_path()),
        ("TONGXIN_DEPLOY_KNOWN_HOSTS", empty.as_path()),
    ];
    let out = tongxin(&site, &home, &["deploy"], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("第一次连接服务器"), "{}", text(&out));
    assert!(text(&out).contains("SHA256:"), "{}", text(&out));
    assert!(!www.exists());

    // The server's key changed since it was recorded: refused.
    let other = sshd.path("other_key");
    keygen(&other);
    let changed = sshd.path("changed_known_hosts");
    let other_pub = fs::read_to_string(sshd.path("other_key.pub")).unwrap();
    fs::write(&changed, format!("[127.0.0.1]:{} {other_pub}", sshd.port)).unwrap();
    let env = [
        ("TONGXIN_DEPLOY_KEY", key.as_path()),
        ("TONGXIN_DEPLOY_KNOWN_HOSTS", changed.as_path()),
    ];
    let out = tongxin(&site, &home, &["deploy"], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("密钥和上次记下的不一样"), "{}", text(&out));
    assert!(!www.exists());

    // A wrong password and no key: refused, saying what was tried.
    let known = sshd.known_hosts();
    let wrong = sshd.path("not-a-password");
    let out = {
        let mut env = vec![("TONGXIN_DEPLOY_KNOWN_HOSTS", known.as_path())];
        env.push(("TONGXIN_DEPLOY_PASSWORD", wrong.as_path()));
        tongxin(&site, &home, &["deploy"], &env)
    };
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("没有接受用户"), "{}", text(&out));
    assert!(text(&out).contains("密码"), "{}", text(&out));
    assert!(!www.exists());

    // Nobody listens on the port.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (_dir2, site2) = new_site(&home, &format!("sftp://{}@127.0.0.1:{closed}/srv/www", user()));
    let out = tongxin(
        &site2,
        &home,
        &["deploy"],
        &[("TONGXIN_DEPLOY_KNOWN_HOSTS", known.as_path())],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("连不上 127.0.0.1:"), "{}", text(&out));
    assert!(!text(&out).contains("panicked"), "{}", text(&out));
}

#[test]
#[ignore = "needs /usr/sbin/sshd and root (it mounts a tmpfs); .ci/run runs it"]
fn a_full_disk_on_the_server_is_said_plainly_and_the_next_deploy_completes() {
    let sshd = Sshd::start();
    let home = sshd.path("home");
    let (_dir, site) = new_site(&home, &sshd.target());
    let known = sshd.known_hosts();
    let key = sshd.path("user_key");
    let env = [
        ("TONGXIN_DEPLOY_KEY", key.as_path()),
        ("TONGXIN_DEPLOY_KNOWN_HOSTS", known.as_path()),
    ];
    let out = tongxin(&site, &home, &["build"], &env);
    assert!(out.status.success(), "{}", text(&out));
    let need = common::pages_of(&site_files(&site.join("public")));
    let www = sshd.path("www");
    let disk = match common::Tmpfs::mount(&www, 2 * need + (1 << 20)) {
        Ok(disk) => disk,
        Err(why) if !common::is_root() => {
            eprintln!("跳过：挂载 tmpfs 需要 root（{why}）");
            return;
        }
        Err(why) => panic!("mount -t tmpfs failed as root: {why}"),
    };
    // Room for half the site.
    let ballast = disk.leave_free(need / 2);

    let out = tongxin(&site, &home, &["deploy"], &env);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(!said.contains("发布完成"), "{said}");
    assert!(said.contains("发布没有完成"), "{said}");
    // OpenSSH answers only “Failure”: the message must say what it means.
    assert!(said.contains("磁盘空间已满"), "{said}");
    assert!(said.contains("删掉那里用不着的文件"), "{said}");
    assert!(said.contains(&format!("127.0.0.1:{}", sshd.port)), "{said}");
    let leftovers = |dir: &Path| -> Vec<String> {
        common::folder_files(dir)
            .into_keys()
            .filter(|k| k.ends_with(".tongxin-deploy"))
            .collect()
    };
    assert_eq!(leftovers(&www), Vec::<String>::new());
    let arrived = site_files(&www).into_keys().filter(|k| k != "ballast").count();
    assert!(arrived > 0, "nothing arrived before the disk was full");

    // Space freed: the next deploy completes, and the server holds the site.
    fs::remove_file(ballast).unwrap();
    let out = tongxin(&site, &home, &["deploy"], &env);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("发布完成"), "{}", text(&out));
    assert_eq!(
        common::differences(&site_files(&www), &site_files(&site.join("public"))),
        None
    );
    assert_eq!(leftovers(&www), Vec::<String>::new());
    drop(disk);
}

/// Runs a program under a pseudo-terminal (Python's `pty`), as if typed at a
/// command window: when the text `ARGV[1]` has appeared, types `ARGV[2]` and
/// Enter; prints all the terminal showed and exits as the program did.
const AT_A_TERMINAL: &str = r#"
import os, pty, select, sys, time
question, answer, program = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(program[0], program)
shown, asked, deadline = b"", False, time.time() + 120
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.5)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:  # the program has ended and closed the terminal
        break
    if not chunk:
        break
    shown += chunk
    if not asked and question in shown:
        asked = True
        time.sleep(0.3)  # let it start reading keys
        os.write(fd, answer + b"\r")
else:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(shown)
sys.exit(os.waitstatus_to_exitcode(status))
"#;

/// `tongxin deploy` in `site` under a terminal, answering `answer` when
/// asked about the server's key; `None` without python3.
fn deploy_at_a_terminal(site: &Path, home: &Path, env: &[(&str, &Path)], answer: &str) -> Option<Output> {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("跳过：这个测试用 python3 的 pty 模块模拟终端，这台机器上没有 python3");
        return None;
    }
    let mut command = Command::new("python3");
    command
        .args(["-c", AT_A_TERMINAL, "确认无误并继续连接", answer])
        .arg(env!("CARGO_BIN_EXE_tongxin"))
        .arg("deploy")
        .current_dir(site)
        .stdin(Stdio::null())
        .env("HOME", home)
        .env("TERM", "xterm")
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("TONGXIN_DEPLOY_KEY")
        .env_remove("TONGXIN_DEPLOY_PASSWORD")
        .env_remove("TONGXIN_DEPLOY_KNOWN_HOSTS");
    for (name, value) in env {
        command.env(name, value);
    }
    Some(command.output().unwrap())
}

/// The server's key as `ssh-keygen -l` shows its fingerprint: `SHA256:…`.
fn fingerprint(public_key: &Path) -> String {
    let out = Command::new("ssh-keygen").arg("-lf").arg(public_key).output().unwrap();
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    line.split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap_or_else(|| panic!("{line}"))
        .to_string()
}

#[test]
#[ignore = "needs /usr/sbin/sshd and root; .ci/run runs it"]
fn a_first_connection_at_a_terminal_asks_and_remembers_the_key() {
    let sshd = Sshd::start();
    let home = sshd.path("home");
    let (_dir, site) = new_site(&home, &sshd.target());
    let key = sshd.path("user_key");
    let www = sshd.path("www");
    let known = sshd.path("empty_known_hosts");
    fs::write(&known, "").unwrap();
    let env = [
        ("TONGXIN_DEPLOY_KEY", key.as_path()),
        ("TONGXIN_DEPLOY_KNOWN_HOSTS", known.as_path()),
    ];
    let fingerprint = fingerprint(&sshd.path("host_key.pub"));

    // Answered no: nothing sent, nothing remembered, and it says why.
    let Some(out) = deploy_at_a_terminal(&site, &home, &env, "no") else {
        return;
    };
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains(&format!("第一次连接服务器 127.0.0.1:{}", sshd.port)),
        "{shown}"
    );
    assert!(shown.contains(&fingerprint), "{fingerprint} not in {shown}");
    assert!(
        shown.contains(&format!("没有确认服务器 127.0.0.1:{} 的密钥，没有连接", sshd.port)),
        "{shown}"
    );
    assert!(shown.contains("发布没有完成"), "{shown}");
    assert!(!shown.contains("发布完成"), "{shown}");
    assert!(!www.exists());
    assert_eq!(fs::read_to_string(&known).unwrap(), "");

    // Answered 是 (yes): the deploy completes and the key is written down.
    let out = deploy_at_a_terminal(&site, &home, &env, "是").unwrap();
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains(&fingerprint), "{fingerprint} not in {shown}");
    assert!(shown.contains("发布完成"), "{shown}");
    assert_eq!(site_files(&www), site_files(&site.join("public")));
    let host_key = fs::read_to_string(sshd.path("host_key.pub")).unwrap();
    let host_key: Vec<&str> = host_key.split_whitespace().take(2).collect();
    let remembered = fs::read_to_string(&known).unwrap();
    assert!(
        remembered.contains(&format!("[127.0.0.1]:{}", sshd.port)) && remembered.contains(host_key[1]),
        "{remembered}"
    );

    // Remembered: the next deploy, without a terminal, asks nothing.
    let out = tongxin(&site, &home, &["deploy"], &env);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已是最新"), "{}", text(&out));
}
