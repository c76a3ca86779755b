//! A build killed with SIGKILL at any moment leaves the previous output or the
//! new one in `public/`, never a mix and never nothing: the binary is killed
//! while it writes (at chosen points, watched from outside) and at spread-out
//! times across a whole build, and `public/` is compared file by file with
//! complete builds of both versions. The builds are incremental (each goes on
//! from the state the last one kept, writing into the standby folder), as a
//! user's second build is; the first is from nothing.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Fixture;

const POSTS: usize = 400;

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::folder_files(dir)
}

/// Two versions of one site that differ on every page (the site's title).
fn set_version(f: &Fixture, version: char) {
    f.write(
        "site.yaml",
        &format!(
            "title: 测试政协{version}\nbase_url: https://test.example.cn/\norganization:\n  name: 政协测试区委员会\n"
        ),
    );
}

/// Compares two snapshots, naming the files that differ (not their bytes).
fn assert_same(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>, what: &str) {
    if let Some(diff) = common::differences(got, want) {
        panic!("{what}: {diff}");
    }
}

fn build(f: &Fixture, output: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .args(["build", "--root"])
        .arg(f.root())
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn build_fully(f: &Fixture, output: &Path) -> Duration {
    let start = Instant::now();
    let done = Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .args(["build", "--root"])
        .arg(f.root())
        .arg("--output")
        .arg(output)
        .output()
        .unwrap();
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    start.elapsed()
}

/// How many files the running build has noted in its journal as it writes
/// them into the standby folder, once it has started a journal of its own
/// (after `since`).
fn staged_files(f: &Fixture, since: std::time::SystemTime) -> usize {
    let Ok(entries) = fs::read_dir(f.root().join(".tongxin/build")) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".journal"))
        .filter(|e| e.metadata().and_then(|m| m.modified()).is_ok_and(|t| t >= since))
        .map(|e| fs::read_to_string(e.path()).map_or(0, |t| t.lines().count()))
        .sum()
}

#[test]
fn a_killed_build_leaves_the_old_output_or_the_new_one() {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    for i in 0..POSTS {
        let (month, day) = (1 + i / 28 % 12, 1 + i % 28);
        f.write(
            &format!("content/yaowen/p{i}.md"),
            &format!("---\ntitle: 第{i}篇要闻\ndate: {}-{month:02}-{day:02}\ntags: [标签{}]\n---\n正文第{i}篇，委员们围绕民生问题建言献策。\n", 2000 + i / 336, i % 7),
        );
    }
    let public = f.public();
    let references = tempfile::tempdir().unwrap();
    set_version(&f, 'A');
    build_fully(&f, &references.path().join("a"));
    set_version(&f, 'B');
    build_fully(&f, &references.path().join("b"));
    let a = snapshot(&references.path().join("a"));
    let b = snapshot(&references.path().join("b"));
    assert_ne!(a, b);

    set_version(&f, 'A');
    build_fully(&f, &public);
    // Timed as the kills below will meet it: going on from the last build,
    // with every page changed.
    set_version(&f, 'B');
    let full = build_fully(&f, &public);
    set_version(&f, 'A');
    build_fully(&f, &public);
    assert!(snapshot(&public) == a, "public/ is the site of version A");

    // While writing: killed after the first pages, then halfway through.
    set_version(&f, 'B');
    for wanted in [1, POSTS / 2] {
        let since = std::time::SystemTime::now();
        let mut child = build(&f, &public);
        let deadline = Instant::now() + Duration::from_secs(60);
        while staged_files(&f, since) < wanted {
            assert!(Instant::now() < deadline, "the build never wrote {wanted} pages");
            assert!(
                child.try_wait().unwrap().is_none(),
                "the build ended before it could be killed"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            snapshot(&public) == a,
            "killed after {wanted} pages: public/ is no longer the old site"
        );
    }

    // At spread-out moments of whole builds, alternating the two versions: the
    // kill may land anywhere, the swap included.
    let (mut current, mut outcomes) = ('A', BTreeMap::new());
    for step in 0..12u32 {
        let next = if current == 'A' { 'B' } else { 'A' };
        set_version(&f, next);
        let delay = full.mul_f64(0.4 + f64::from(step) * 0.1);
        let mut child = build(&f, &public);
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        let now = snapshot(&public);
        let old = if current == 'A' { &a } else { &b };
        let new = if next == 'A' { &a } else { &b };
        if &now == new {
            current = next;
            *outcomes.entry("new").or_insert(0) += 1;
        } else {
            if &now != old {
                let counts =
                    |want: &BTreeMap<String, Vec<u8>>| now.iter().filter(|(k, v)| want.get(*k) == Some(*v)).count();
                assert_same(
                    &now,
                    old,
                    &format!(
                        "killed after {delay:?}: public/ is neither the old site nor the new one \
                         ({} files as in the old, {} as in the new)",
                        counts(old),
                        counts(new)
                    ),
                );
            }
            *outcomes.entry("old").or_insert(0) += 1;
        }
    }
    println!("killed at spread-out moments: {outcomes:?}");

    // The next build after all of that is complete and leaves nothing behind
    // but the standby folder (the output before, for the next build).
    set_version(&f, 'B');
    build_fully(&f, &public);
    assert_same(&snapshot(&public), &b, "the build after the kills");
    let names: Vec<String> = fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tongxin-") && n != ".public.tongxin-standby")
        .collect();
    assert!(names.is_empty(), "left behind: {names:?}");
    let journals = fs::read_dir(f.root().join(".tongxin/build"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".journal"))
        .count();
    assert_eq!(journals, 0, "a finished build leaves no journal");
    // And a build from nothing gives the very same output.
    let clean = references.path().join("clean");
    let done = Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .args(["build", "--clean", "--root"])
        .arg(f.root())
        .arg("--output")
        .arg(&clean)
        .output()
        .unwrap();
    assert!(done.status.success());
    assert_same(&snapshot(&clean), &b, "a build from nothing");
}
