//! `tongxin build` run again in the site folder, as the README shows it: what
//! an incremental build writes, keeps and tells. (`tests/incremental.rs`
//! checks that its output equals a clean build; this file checks what users
//! and upload tools see.)

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Output};

use common::{copy_dir, repo};

/// The sample site in a temporary folder, as a user would have it.
fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "themes", "static"] {
        copy_dir(&repo().join(part), &dir.path().join(part));
    }
    fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    dir
}

/// `tongxin build` with `args`, started in `site`.
fn tongxin_build(site: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .arg("build")
        .args(args)
        .current_dir(site)
        .env_remove("TONGXIN_NO_SEARCH")
        .output()
        .unwrap()
}

fn succeeded(output: &Output) -> (String, String) {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "build failed:\n{stdout}\n{stderr}");
    (stdout, stderr)
}

/// Every file of the output: path → (inode, modification time, bytes).
type Snapshot = BTreeMap<String, (u64, (i64, i64), Vec<u8>)>;

fn snapshot(public: &Path) -> Snapshot {
    walkdir::WalkDir::new(public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            let rel = e.path().strip_prefix(public).unwrap().to_string_lossy().into_owned();
            (
                rel,
                (
                    meta.ino(),
                    (meta.mtime(), meta.mtime_nsec()),
                    fs::read(e.path()).unwrap(),
                ),
            )
        })
        .collect()
}

/// The hidden folders a build left beside `public/` in `site`.
fn left_beside_output(site: &Path) -> Vec<String> {
    fs::read_dir(site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect()
}

/// Paths whose file was written again (another inode or time) or is new.
fn rewritten(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    after
        .iter()
        .filter(|(path, (ino, time, _))| before.get(*path).is_none_or(|(i, t, _)| i != ino || t != time))
        .map(|(path, _)| path.clone())
        .collect()
}

fn bytes(snapshot: &Snapshot) -> BTreeMap<&str, &[u8]> {
    snapshot
        .iter()
        .map(|(p, (_, _, b))| (p.as_str(), b.as_slice()))
        .collect()
}

/// A site as its readers get it: every file outside the search index's data
/// by its bytes, and the index by what it answers (an incremental build keeps
/// recent pages in shards of their own).
fn as_published(public: &Path) -> (BTreeMap<String, Vec<u8>>, tongxin::output::search::read::Answers) {
    let mut files = common::folder_files(public);
    files.retain(|p, _| !p.starts_with("search/data/"));
    let answers = tongxin::output::search::read::read(&public.join("search/data"))
        .unwrap()
        .answers();
    (files, answers)
}

const ARTICLE: &str = "content/yaowen/2026-11-12-changweihui-nongwenlv.md";
const ARTICLE_PAGE: &str = "yaowen/2026-11-12-changweihui-nongwenlv/index.html";

/// Adds `lines` (Markdown) at the end of the article, as its writer would.
fn add_to_article(site: &Path, lines: &str) {
    let path = site.join(ARTICLE);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}\n{lines}\n")).unwrap();
}

/// The sample site built, then built again after an edit: the second build
/// went on from the first, so the output has its standby folder.
fn built_and_edited() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = sample_site();
    let public = site.path().join("public");
    succeeded(&tongxin_build(site.path(), &[]));
    add_to_article(site.path(), "新的一句。");
    succeeded(&tongxin_build(site.path(), &[]));
    (site, public)
}

/// The files outside the search index written again (see [`rewritten`]).
fn rewritten_outside_search(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    rewritten(before, after)
        .into_iter()
        .filter(|p| !p.starts_with("search/"))
        .collect()
}

#[test]
fn a_second_build_writes_only_what_changed() {
    let site = sample_site();
    let public = site.path().join("public");
    let (first, _) = succeeded(&tongxin_build(site.path(), &[]));
    assert!(first.contains("生成完成"), "{first}");
    let built = snapshot(&public);
    assert!(built.len() > 100);

    // Nothing changed: not one file touched, and the build says so.
    let (again, _) = succeeded(&tongxin_build(site.path(), &[]));
    assert!(again.contains("网站没有变化"), "{again}");
    assert_eq!(rewritten(&built, &snapshot(&public)), Vec::<String>::new());

    // One sentence added to an article: its page and the few that show its
    // text are written, every other file keeps its time.
    add_to_article(site.path(), "会后，委员们还到田间地头看了秋收。");
    let (edited, _) = succeeded(&tongxin_build(site.path(), &[]));
    let after = snapshot(&public);
    let written = rewritten(&built, &after);
    assert!(written.contains(&ARTICLE_PAGE.to_string()), "{written:?}");
    assert!(
        String::from_utf8_lossy(&after[ARTICLE_PAGE].2).contains("田间地头"),
        "the page shows the new sentence"
    );
    let (index_files, site_files): (Vec<_>, Vec<_>) = written.iter().partition(|p| p.starts_with("search/"));
    assert!(
        site_files.len() <= 10,
        "only the article and the lists showing it: {site_files:?}"
    );
    // The search index: the recent shard with the article's postings, the
    // texts if the start changed, the table and meta.json; the big shards
    // stay as they are.
    assert!(index_files.len() <= 5, "{index_files:?}");
    assert!(
        index_files.iter().any(|p| p.starts_with("search/data/r/")),
        "{index_files:?}"
    );
    assert!(edited.contains("改动了"), "{edited}");
    let answers = || {
        tongxin::output::search::read::read(&public.join("search/data"))
            .unwrap()
            .answers()
    };
    let incremental_answers = answers();

    // And the result is what a build from nothing makes: the same files, the
    // index written whole but answering every query the same.
    let (_, _) = succeeded(&tongxin_build(site.path(), &["--clean"]));
    let clean = snapshot(&public);
    let (mut clean_bytes, mut after_bytes) = (bytes(&clean), bytes(&after));
    clean_bytes.retain(|p, _| !p.starts_with("search/data/"));
    after_bytes.retain(|p, _| !p.starts_with("search/data/"));
    assert_eq!(clean_bytes, after_bytes);
    assert_eq!(answers(), incremental_answers);
    // Even from nothing, a page whose bytes are the same is the same file.
    let anew: Vec<_> = rewritten(&after, &clean)
        .into_iter()
        .filter(|p| !p.starts_with("search/data/"))
        .collect();
    assert_eq!(
        anew,
        Vec::<String>::new(),
        "--clean keeps the files it would write the same"
    );
}

/// A build from nothing (`--clean`, and every build where the output and the
/// folder beside it cannot change places in one step: Windows, macOS, shared
/// folders) puts in the new output the previous output's very file wherever
/// the bytes are the same, so upload tools that go by time send only what
/// changed.
#[test]
fn a_build_from_nothing_keeps_the_time_of_files_that_did_not_change() {
    let site = sample_site();
    let public = site.path().join("public");
    succeeded(&tongxin_build(site.path(), &[]));
    let built = snapshot(&public);
    add_to_article(site.path(), "会后，委员们还到田间地头看了秋收。");
    fs::write(site.path().join("static/robots-note.txt"), "新加的静态文件").unwrap();
    succeeded(&tongxin_build(site.path(), &["--clean"]));
    let after = snapshot(&public);
    let written = rewritten_outside_search(&built, &after);
    assert!(written.contains(&ARTICLE_PAGE.to_string()), "{written:?}");
    assert!(written.contains(&"robots-note.txt".to_string()), "{written:?}");
    assert!(
        written.len() <= 11,
        "only the article, the lists showing it and the new file: {written:?}"
    );
    for (path, (_, time, bytes)) in &after {
        if !written.contains(path) && !path.starts_with("search/") {
            assert_eq!(built[path].1, *time, "{path} keeps its time");
            assert_eq!(&built[path].2, bytes, "{path}");
        }
    }
    assert!(String::from_utf8_lossy(&after[ARTICLE_PAGE].2).contains("田间地头"));
    // Nothing is left beside the output.
    assert_eq!(left_beside_output(site.path()), Vec::<String>::new());
}

/// A build stopped before its exchange leaves the journal of what it touched
/// in the standby folder, here a page it was writing. The next build mends
/// that even when nothing changed: the output is left as it was, no journal
/// is left, and the half-written file never reaches the output.
#[test]
fn a_journal_left_by_a_stopped_build_is_dealt_with_when_nothing_changed() {
    let (site, public) = built_and_edited();
    let standby = site.path().join(".public.tongxin-standby");
    assert!(standby.is_dir());
    let built = snapshot(&public);

    // What a build killed while writing the page leaves.
    let half_written = standby.join("yaowen/2026-11-12-changweihui-nongwenlv/.index.html.tongxin-tmp");
    fs::write(&half_written, "<html>写了一半").unwrap();
    let records = site.path().join(".tongxin/build");
    let state = fs::read_dir(&records)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "state"))
        .expect("the build's state");
    fs::write(state.with_extension("journal"), format!("{ARTICLE_PAGE}\n")).unwrap();

    let (stdout, _) = succeeded(&tongxin_build(site.path(), &[]));
    assert!(stdout.contains("网站没有变化"), "{stdout}");
    assert_eq!(rewritten(&built, &snapshot(&public)), Vec::<String>::new());
    let journals: Vec<_> = fs::read_dir(&records)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".journal"))
        .collect();
    assert_eq!(journals, Vec::<String>::new(), "the journal is done with");
    assert!(!half_written.exists(), "the half-written page is removed");

    // The next change goes out through the standby folder, without it.
    add_to_article(site.path(), "大家表示要把意见带回去。");
    succeeded(&tongxin_build(site.path(), &[]));
    let after = snapshot(&public);
    assert!(after.keys().all(|p| !p.contains("tongxin-tmp")), "{:?}", after.keys());
    assert!(String::from_utf8_lossy(&after[ARTICLE_PAGE].2).contains("大家表示要把意见带回去"));
}

#[test]
fn warnings_are_told_again_until_fixed() {
    let site = sample_site();
    add_to_article(site.path(), "```\n没有结束的代码块");
    let (_, first) = succeeded(&tongxin_build(site.path(), &[]));
    assert!(first.contains("没有结束行"), "{first}");
    let (stdout, again) = succeeded(&tongxin_build(site.path(), &[]));
    assert!(stdout.contains("网站没有变化"), "{stdout}");
    assert_eq!(again, first, "the same warnings, word for word");
}

#[test]
fn a_damaged_record_is_a_one_line_notice() {
    let site = sample_site();
    let public = site.path().join("public");
    succeeded(&tongxin_build(site.path(), &[]));
    let built = snapshot(&public);
    let records = site.path().join(".tongxin/build");
    let mut damaged = 0;
    for entry in fs::read_dir(&records).unwrap() {
        let path = entry.unwrap().path();
        let len = fs::metadata(&path).unwrap().len() as usize;
        fs::write(&path, vec![0xA5; len / 2 + 1]).unwrap();
        damaged += 1;
    }
    assert!(damaged > 0, "the build keeps a record in .tongxin/build");
    let (_, stderr) = succeeded(&tongxin_build(site.path(), &[]));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("提示：") && stderr.contains("完整生成"), "{stderr}");
    assert_eq!(bytes(&snapshot(&public)), bytes(&built));
    // The record is good again.
    let (stdout, stderr) = succeeded(&tongxin_build(site.path(), &[]));
    assert!(
        stdout.contains("网站没有变化") && stderr.is_empty(),
        "{stdout}\n{stderr}"
    );
}

#[test]
fn a_failed_build_after_an_incremental_one_leaves_the_output_alone() {
    let (site, public) = built_and_edited();
    let built = snapshot(&public);

    let path = site.path().join(ARTICLE);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("title:", "title：", 1)).unwrap();
    let failed = tongxin_build(site.path(), &[]);
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("原来的输出文件夹没有改动"), "{stderr}");
    let after = snapshot(&public);
    assert_eq!(rewritten(&built, &after), Vec::<String>::new());
    assert_eq!(bytes(&after), bytes(&built));

    // Fixed: the next build goes on from the last good one.
    fs::write(&path, &text).unwrap();
    succeeded(&tongxin_build(site.path(), &[]));
    let fixed = as_published(&public);
    succeeded(&tongxin_build(site.path(), &["--clean"]));
    assert!(as_published(&public) == fixed, "the build from nothing differs");
}

/// The remembered renderings grow by a frame per build; a frame cut short
/// (a build killed while adding it) is where reading stops, what it held is
/// rendered again, and the file is then written whole.
#[test]
fn renderings_cut_short_are_made_again() {
    let site = sample_site();
    let public = site.path().join("public");
    succeeded(&tongxin_build(site.path(), &[]));
    add_to_article(site.path(), "第一次补记。");
    succeeded(&tongxin_build(site.path(), &[]));
    let memo = fs::read_dir(site.path().join(".tongxin/build"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "memo"))
        .expect("the renderings are kept");
    let kept = fs::read(&memo).unwrap();
    fs::write(&memo, &kept[..kept.len() - 7]).unwrap();
    add_to_article(site.path(), "第二次补记。");
    succeeded(&tongxin_build(site.path(), &[]));
    // Written whole again: a frame added after the one cut short could never
    // be read back.
    assert!(
        !fs::read(&memo).unwrap().starts_with(&kept[..kept.len() - 7]),
        "the renderings were added after a frame cut short"
    );
    let incremental = as_published(&public);
    assert!(String::from_utf8_lossy(&incremental.0[ARTICLE_PAGE]).contains("第二次补记"));
    succeeded(&tongxin_build(site.path(), &["--clean"]));
    assert!(as_published(&public) == incremental, "the build from nothing differs");
}

/// An output on a file system that cannot exchange folders in one step (a
/// FUSE mount, as many network shares are): the second build used to fail
/// with “无法用新生成的网站替换输出文件夹” every time. Now every build makes a
/// new folder and only the files whose bytes changed get a new time.
#[test]
#[ignore = "mounts bindfs (FUSE), so needs root and bindfs; .ci/run runs it"]
fn an_output_on_a_share_that_cannot_exchange_folders_is_built_again() {
    let site = sample_site();
    let share = tempfile::tempdir().unwrap();
    let mounted = share.path().join("mounted");
    let _mount = match common::Bindfs::mount(&share.path().join("real"), &mounted) {
        Ok(mount) => mount,
        Err(why) => panic!("bindfs could not mount (needs root, /dev/fuse and bindfs): {why}"),
    };
    let public = mounted.join("public");
    let output = public.to_str().unwrap();
    succeeded(&tongxin_build(site.path(), &["--output", output]));
    let built = snapshot(&public);
    add_to_article(site.path(), "会后，委员们还到田间地头看了秋收。");
    succeeded(&tongxin_build(site.path(), &["--output", output]));
    let after = snapshot(&public);
    let written = rewritten_outside_search(&built, &after);
    assert!(written.contains(&ARTICLE_PAGE.to_string()), "{written:?}");
    assert!(written.len() <= 10, "{written:?}");
    assert!(String::from_utf8_lossy(&after[ARTICLE_PAGE].2).contains("田间地头"));
    // Nothing changed: the third build says so and touches nothing.
    let (same, _) = succeeded(&tongxin_build(site.path(), &["--output", output]));
    assert!(same.contains("网站没有变化"), "{same}");
    assert_eq!(rewritten(&after, &snapshot(&public)), Vec::<String>::new());
    let beside: Vec<String> = fs::read_dir(&mounted)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["public"]);
}

/// New posts that begin a new text pack of the search index (128 texts to a
/// pack; the sample site has fewer than 128 pages to search): the index goes
/// on from the last one, with the new pack written, and answers every query
/// as a whole index does.
#[test]
fn new_posts_that_begin_a_text_pack_are_added_to_the_index() {
    let site = sample_site();
    let public = site.path().join("public");
    succeeded(&tongxin_build(site.path(), &[]));
    let meta = || -> serde_json::Value {
        serde_json::from_slice(&fs::read(public.join("search/data/meta.json")).unwrap()).unwrap()
    };
    let ids = meta()["ids"].as_u64().unwrap() as usize;
    let pack = meta()["pack"].as_u64().unwrap() as usize;
    assert!(ids < pack, "the sample site fits one pack: {ids}");
    for n in 0..=(pack - ids) {
        fs::write(
            site.path().join(format!("content/yaowen/2026-11-20-buchong-{n}.md")),
            format!("---\ntitle: 第{n}篇补充报道：委员视察城东街道养老服务\ndate: 2026-11-20\n---\n\n委员们走访了{n}个社区的养老服务站。\n"),
        )
        .unwrap();
    }
    succeeded(&tongxin_build(site.path(), &[]));
    assert!(meta()["ids"].as_u64().unwrap() as usize > pack);
    assert!(
        meta().get("recentIds").is_some(),
        "the index went on from the last one: {}",
        meta()
    );
    assert!(public.join("search/data/t/1.bin").is_file());
    let (files, answers) = as_published(&public);
    succeeded(&tongxin_build(site.path(), &["--clean"]));
    let (clean_files, clean_answers) = as_published(&public);
    assert!(files == clean_files, "the pages differ from a build from nothing");
    assert!(
        answers == clean_answers,
        "the index answers differently from a whole one"
    );
}

/// Where folders cannot be exchanged in one step (Windows, macOS), the next
/// build still goes on from the last: only what changed is written into a new
/// folder, which takes the other files over. Files changed or removed in the
/// output by someone else are written again, not taken over.
#[test]
fn without_exchange_a_build_goes_on_and_mends_what_someone_else_changed() {
    let site = sample_site();
    let public = site.path().join("public");
    let options = tongxin::BuildOptions {
        without_exchange: true,
        ..tongxin::BuildOptions::new(site.path())
    };
    let build = || tongxin::build(&options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    assert!(!build().incremental, "the first build is from nothing");
    let built = snapshot(&public);

    let again = build();
    assert!(again.incremental && again.changed == 0, "{again:?}");
    assert_eq!(rewritten(&built, &snapshot(&public)), Vec::<String>::new());

    add_to_article(site.path(), "会后，委员们还到田间地头看了秋收。");
    fs::write(public.join("index.html"), "别人改过的首页").unwrap();
    fs::remove_file(public.join("404.html")).unwrap();
    let edited = build();
    assert!(edited.incremental, "{edited:?}");
    let after = snapshot(&public);
    let written = rewritten_outside_search(&built, &after);
    assert!(written.contains(&ARTICLE_PAGE.to_string()), "{written:?}");
    assert!(written.len() <= 12, "{written:?}");
    assert!(String::from_utf8_lossy(&after[ARTICLE_PAGE].2).contains("田间地头"));
    // No new folder is left beside the output.
    assert_eq!(left_beside_output(site.path()), Vec::<String>::new());
    let (files, answers) = as_published(&public);

    succeeded(&tongxin_build(site.path(), &["--clean"]));
    let (clean_files, clean_answers) = as_published(&public);
    assert!(files == clean_files, "the pages differ from a build from nothing");
    assert!(answers == clean_answers, "the index answers differently");
}

/// A state left by a build into another output folder that no build has
/// used for a month is removed by the next build in the site folder, even
/// one that finds nothing changed; the state of `public/` stays.
#[test]
fn states_of_other_output_folders_unused_for_a_month_are_removed() {
    let site = sample_site();
    succeeded(&tongxin_build(site.path(), &["--output", "try-out"]));
    succeeded(&tongxin_build(site.path(), &[]));
    let states = site.path().join(".tongxin/build");
    let names = || -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&states)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let both = names();
    assert_eq!(both.iter().filter(|n| n.ends_with(".state")).count(), 2, "{both:?}");
    // Both states age by 40 days; then `tongxin build` finds nothing changed.
    let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 24 * 60 * 60);
    for name in &both {
        fs::File::options()
            .write(true)
            .open(states.join(name))
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
    }
    let (stdout, _) = succeeded(&tongxin_build(site.path(), &[]));
    assert!(stdout.contains("网站没有变化"), "{stdout}");
    let left = names();
    assert_eq!(left.iter().filter(|n| n.ends_with(".state")).count(), 1, "{left:?}");
    assert!(left.len() < both.len(), "{left:?}");
    // What is left is the state of public/: the next build still goes on from it.
    let (stdout, _) = succeeded(&tongxin_build(site.path(), &[]));
    assert!(stdout.contains("网站没有变化"), "{stdout}");
}
