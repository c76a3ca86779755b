//! `tongxin deploy` to a folder, run in the site folder as the README shows
//! it: everything arrives, a second deploy sends nothing, an edit sends only
//! what changed, removed pages go, files others put there stay, a failed build
//! or a failed check sends nothing, and a deploy cut off part way completes on
//! the next run. A target whose disk fills up is said plainly and leaves no
//! part-written files; that test mounts a small tmpfs, so it needs root and
//! `cargo test` skips it (`.ci/run` runs it with `-- --ignored`).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::SystemTime;

/// `tongxin ARGS` started in `dir`.
fn tongxin(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .args(args)
        .current_dir(dir)
        .env_remove("TONGXIN_NO_SEARCH")
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A new site made by `tongxin init 我的网站` in a temporary folder; returns
/// the folder and the site inside it.
fn new_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = tongxin(dir.path(), &["init", "我的网站"]);
    assert!(out.status.success(), "{}", text(&out));
    let site = dir.path().join("我的网站");
    (dir, site)
}

/// Every file below `dir` (but the deploy manifest and the output marker),
/// with its bytes and modification time.
fn files(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    bytes_of_folder(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let time = fs::metadata(dir.join(&rel)).unwrap().modified().unwrap();
            (rel, (bytes, time))
        })
        .collect()
}

/// Every file below `dir` with its bytes, but the deploy manifest and the
/// output marker.
fn bytes_of_folder(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = common::folder_files(dir);
    files.remove(".tongxin-deploy.json");
    files.remove(".tongxin-output");
    files
}

fn bytes_of(files: &BTreeMap<String, (Vec<u8>, SystemTime)>) -> BTreeMap<String, Vec<u8>> {
    files.iter().map(|(k, (b, _))| (k.clone(), b.clone())).collect()
}

fn first_news_post(site: &Path) -> std::path::PathBuf {
    fs::read_dir(site.join("content/yaowen"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap() != "_index.md")
        .unwrap()
}

#[test]
fn deploy_to_a_folder_as_the_readme_shows() {
    let (dir, site) = new_site();
    let www = dir.path().join("www");

    // First deploy: the whole site.
    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("发布完成"), "{}", text(&out));
    let public = files(&site.join("public"));
    assert_eq!(bytes_of(&files(&www)), bytes_of(&public));
    assert!(www.join(".tongxin-deploy.json").is_file());
    fs::write(www.join("keep.txt"), "服务器上原有的文件").unwrap();

    // Nothing changed: nothing sent, nothing touched.
    let before = files(&www);
    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已是最新"), "{}", text(&out));
    assert_eq!(files(&www), before);

    // A new title: a dry run lists the post's page and the home page and
    // writes nothing; the deploy then sends only changed files.
    let post = first_news_post(&site);
    let source = fs::read_to_string(&post).unwrap();
    let edited: Vec<String> = source
        .lines()
        .map(|l| {
            if l.starts_with("title:") {
                "title: 发布测试的新标题".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(&post, edited.join("\n") + "\n").unwrap();
    let out = tongxin(&site, &["deploy", "--target", "../www", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    let listed = text(&out);
    assert!(listed.contains("上传 index.html"), "{listed}");
    assert!(listed.contains("试发布"), "{listed}");
    assert_eq!(files(&www), before);
    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    assert!(out.status.success(), "{}", text(&out));
    let after = files(&www);
    let mut expected = bytes_of(&files(&site.join("public")));
    expected.insert("keep.txt".into(), "服务器上原有的文件".into());
    assert_eq!(bytes_of(&after), expected);
    let rewritten: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k).map(|b| &b.1) != Some(&after[*k].1))
        .collect();
    assert!(rewritten.len() < public.len() / 2, "{rewritten:?}");
    assert!(rewritten.iter().any(|k| *k == "index.html"));
    assert!(
        !rewritten.iter().any(|k| *k == "keep.txt" || k.starts_with("css/")),
        "{rewritten:?}"
    );

    // A removed post: its page goes, the server's own file stays.
    let page = format!("yaowen/{}/index.html", post.file_stem().unwrap().to_string_lossy());
    assert!(www.join(&page).is_file(), "{page}");
    fs::remove_file(&post).unwrap();
    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!www.join(&page).exists());
    assert!(www.join("keep.txt").is_file());
    let mut expected = bytes_of(&files(&site.join("public")));
    expected.insert("keep.txt".into(), "服务器上原有的文件".into());
    assert_eq!(bytes_of(&files(&www)), expected);
}

#[test]
fn the_target_can_live_in_site_yaml_in_chinese() {
    let (dir, site) = new_site();
    let out = tongxin(&site, &["deploy"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("没有设置发布目标"), "{}", text(&out));
    let yaml = fs::read_to_string(site.join("site.yaml")).unwrap();
    fs::write(site.join("site.yaml"), yaml + "\n发布:\n  目标: ../服务器目录\n").unwrap();
    let out = tongxin(&site, &["deploy"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(dir.path().join("服务器目录/index.html").is_file());

    // A password among the template's values: check finds it, and nothing
    // more is sent.
    let yaml = fs::read_to_string(site.join("site.yaml")).unwrap();
    let yaml = yaml.replace("extra: {}", "extra:\n  服务器密码: abc123");
    assert!(yaml.contains("服务器密码"));
    fs::write(site.join("site.yaml"), yaml).unwrap();
    let out = tongxin(&site, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("identity-secret"), "{}", text(&out));
    // The site itself is unchanged: the target has it all, there is nothing
    // to send and so nothing to check.
    let out = tongxin(&site, &["deploy"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已是最新"), "{}", text(&out));
    // A post edited: now there is something to send, and the check stops it.
    let post = first_news_post(&site);
    let source = fs::read_to_string(&post).unwrap();
    fs::write(
        &post,
        format!(
            "{source}
新加的一段。
"
        ),
    )
    .unwrap();
    let out = tongxin(&site, &["deploy"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("没有发布任何文件"), "{}", text(&out));
}

#[test]
fn a_failed_build_or_check_sends_nothing_unless_forced() {
    let (dir, site) = new_site();
    let www = dir.path().join("www");
    let post = first_news_post(&site);
    let good = fs::read_to_string(&post).unwrap();

    // A placeholder left in: check finds an error.
    fs::write(&post, format!("{good}\n会议由【此处填写主持人】主持。\n")).unwrap();
    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("没有发布任何文件"), "{}", text(&out));
    assert!(text(&out).contains("--force"), "{}", text(&out));
    assert!(!www.exists());
    let out = tongxin(&site, &["deploy", "--target", "../www", "--force"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(www.join("index.html").is_file());

    // Front matter that does not parse: the build fails, nothing is sent.
    let before = files(&www);
    fs::write(&post, good.replacen("---", "--- \n标题 没有冒号", 1)).unwrap();
    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("生成失败，没有发布任何文件"), "{}", text(&out));
    assert_eq!(files(&www), before);
}

#[test]
fn deploy_from_the_parent_folder_with_root() {
    let (dir, _site) = new_site();
    let out = tongxin(dir.path(), &["deploy", "--root", "我的网站", "--target", "www"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        bytes_of_folder(&dir.path().join("www")),
        bytes_of_folder(&dir.path().join("我的网站/public"))
    );
}

#[test]
fn a_target_that_is_a_file_is_a_clear_message() {
    let (dir, site) = new_site();
    fs::write(dir.path().join("www"), "不是文件夹").unwrap();
    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("不是文件夹"), "{said}");
    assert!(said.contains("www"), "{said}");
    assert!(said.contains("发布没有完成"), "{said}");
    assert_eq!(fs::read_to_string(dir.path().join("www")).unwrap(), "不是文件夹");

    // A damaged manifest: named, with the way out.
    fs::remove_file(dir.path().join("www")).unwrap();
    fs::create_dir(dir.path().join("www")).unwrap();
    fs::write(dir.path().join("www/.tongxin-deploy.json"), "{坏了").unwrap();
    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains(".tongxin-deploy.json 已损坏"), "{said}");
    assert!(said.contains("删掉它"), "{said}");
}

/// A folder that fails after a number of files, like a network cut.
struct Flaky {
    inner: tongxin::deploy::folder::Folder,
    left: usize,
}

impl tongxin::deploy::Destination for Flaky {
    fn name(&self) -> String {
        self.inner.name()
    }
    fn manifest(&mut self) -> std::io::Result<tongxin::deploy::Manifest> {
        self.inner.manifest()
    }
    fn put(&mut self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        if self.left == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "连接断了"));
        }
        self.left -= 1;
        self.inner.put(path, bytes)
    }
    fn delete(&mut self, path: &str) -> std::io::Result<()> {
        self.inner.delete(path)
    }
    fn save_manifest(&mut self, manifest: &tongxin::deploy::Manifest) -> std::io::Result<()> {
        self.inner.save_manifest(manifest)
    }
}

#[test]
fn a_deploy_cut_off_completes_next_time_without_sending_again() {
    use tongxin::deploy::{self, Destination};
    let (dir, site) = new_site();
    let out = tongxin(&site, &["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = site.join("public");
    let www = dir.path().join("www");
    let site_files = deploy::site_files(&public).unwrap();
    let mut flaky = Flaky {
        inner: deploy::folder::Folder::new(www.clone()),
        left: 20,
    };
    let plan = deploy::plan(&site_files, &flaky.manifest().unwrap());
    let cut = deploy::send(&public, &plan, flaky.manifest().unwrap(), &mut flaky, &mut |_, _| {});
    let problem = cut.unwrap_err();
    assert!(problem.message.contains("连接断了"), "{problem:?}");
    assert!(problem.hint.unwrap().contains("不会重复上传"));

    // The next deploy sends only what did not arrive.
    let out = tongxin(&site, &["deploy", "--target", "../www", "--dry-run"]);
    let listed = text(&out);
    let to_send = listed.lines().filter(|l| l.trim_start().starts_with("上传 ")).count();
    assert_eq!(to_send, site_files.len() - 20, "{listed}");
    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(bytes_of(&files(&www)), bytes_of(&files(&public)));
}

/// Mounts a tmpfs on `dir`; `None` (said why) when this is not root and so
/// the test cannot run. Root that cannot mount is a failure.
fn small_disk(dir: &Path, size: u64) -> Option<common::Tmpfs> {
    match common::Tmpfs::mount(dir, size) {
        Ok(disk) => Some(disk),
        Err(why) if !common::is_root() => {
            eprintln!("跳过：挂载 tmpfs 需要 root（{why}）");
            None
        }
        Err(why) => panic!("mount -t tmpfs failed as root: {why}"),
    }
}

/// Temporary files a deploy writes before renaming them into place.
fn leftovers(dir: &Path) -> Vec<String> {
    common::folder_files(dir)
        .into_keys()
        .filter(|k| k.ends_with(".tongxin-deploy"))
        .collect()
}

#[test]
#[ignore = "mounts a tmpfs, so needs root; .ci/run runs it"]
fn a_full_disk_on_the_target_is_said_plainly_and_the_next_deploy_completes() {
    let (dir, site) = new_site();
    let out = tongxin(&site, &["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = site.join("public");
    let need = common::pages_of(&bytes_of_folder(&public));
    let www = dir.path().join("www");
    let Some(disk) = small_disk(&www, 2 * need + (1 << 20)) else {
        return;
    };
    // Room for half the site.
    let ballast = disk.leave_free(need / 2);

    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(!said.contains("发布完成"), "{said}");
    assert!(said.contains("发布没有完成"), "{said}");
    assert!(said.contains("磁盘空间已满"), "{said}");
    assert!(said.contains("删掉那里用不着的文件"), "{said}");
    assert!(said.contains(&www.display().to_string()), "{said}");
    assert!(!said.contains("系统提示"), "{said}");
    assert_eq!(leftovers(&www), Vec::<String>::new());
    let arrived = bytes_of_folder(&www).into_keys().filter(|k| k != "ballast").count();
    assert!(arrived > 0, "nothing arrived before the disk was full");

    // Space freed: the next deploy completes, and the target holds the site.
    fs::remove_file(ballast).unwrap();
    let out = tongxin(&site, &["deploy", "--target", "../www"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("发布完成"), "{}", text(&out));
    let got = bytes_of_folder(&www);
    let want = bytes_of_folder(&public);
    assert_eq!(common::differences(&got, &want), None);
    assert_eq!(leftovers(&www), Vec::<String>::new());
    drop(disk);
}
