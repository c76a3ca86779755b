//! The engine's incremental paths against a build from nothing, by random
//! edits: from the sample site and from a generated 1,000-post site, random
//! sequences of edits of every kind (a body, a title, a date, tags, members,
//! posts added, deleted and renamed, photos added and removed, a column's
//! `_index.md`, a template, a static file, `site.yaml`). After every edit,
//! `tongxin build` going on from its last state and `tongxin serve`'s folder
//! must hold byte for byte what `tongxin build --clean` writes.
//!
//! `TONGXIN_SEQUENCES=a,b` sets how many sequences run on each site (sample,
//! generated); `cargo test` runs a few, CI (`.ci/run`) runs 150 and 50 in
//! release mode. `TONGXIN_SEED` starts the random walk elsewhere; a failure
//! names the seed and the edits that led to it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_dir, differences, folder_files, repo, tiny_jpeg};
use jiff::Timestamp;
use tongxin::BuildOptions;
use tongxin::commands::serve::session::{Outcome, Session, SessionOptions, Touched};

/// CI runs this test on the static Linux build (musl), to reuse the
/// dependencies compiled for the download; with musl's own allocator the
/// builds here would take twice as long (see Cargo.toml).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BASE: &str = "http://127.0.0.1:1111/";

fn now() -> Timestamp {
    "2026-12-01T04:00:00Z".parse().unwrap()
}

/// A small, seeded random number generator (xorshift64*): the same seed
/// gives the same edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.below(list.len())]
    }
}

/// One edit, as a user makes it, and what a watcher would report of it.
struct Edit {
    what: String,
    touched: Touched,
}

fn content(rel: &str) -> Touched {
    Touched {
        content: true,
        files: vec![rel.to_string()],
        ..Touched::default()
    }
}

/// A site being edited: its folder, the posts the edits may change freely
/// (no `@/` link points at them) and the photos added.
struct Walk {
    root: PathBuf,
    posts: Vec<String>,
    photos: Vec<(String, String)>,
    counter: usize,
}

impl Walk {
    fn new(root: &Path) -> Self {
        let linked: Vec<String> = walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
            .flat_map(|e| {
                let text = fs::read_to_string(e.path()).unwrap_or_default();
                text.match_indices("@/")
                    .map(|(i, _)| {
                        // `[..](@/a.md)` in the text, `replaced_by: "@/a.md"` in the settings.
                        text[i + 2..]
                            .split([')', '#', '"', '\'', ' ', '\n'])
                            .next()
                            .unwrap_or("")
                            .to_string()
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut posts: Vec<String> = ["yaowen", "lvzhi", "tongzhi", "sheqing"]
            .iter()
            .flat_map(|column| fs::read_dir(root.join("content").join(column)).into_iter().flatten())
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md"))
            .map(|p| {
                p.strip_prefix(root.join("content"))
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .filter(|rel| !linked.contains(rel))
            .collect();
        posts.sort();
        Walk {
            root: root.to_path_buf(),
            posts,
            photos: Vec::new(),
            counter: 0,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join("content").join(rel)
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        fs::write(self.path(rel), text).unwrap();
    }

    /// Replaces the value of a front matter key (adding the key if missing).
    fn set_key(&self, rel: &str, key: &str, value: &str) {
        let text = self.read(rel);
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let close = lines
            .iter()
            .skip(1)
            .position(|l| l.trim() == "---")
            .map_or(1, |p| p + 1);
        // A key may be written by its Chinese name.
        let chinese = match key {
            "title" => "标题",
            "date" => "日期",
            "tags" => "标签",
            "members" => "委员",
            "description" => "说明",
            "page_size" => "每页条数",
            other => other,
        };
        let written = |l: &String| l.starts_with(&format!("{key}:")) || l.starts_with(&format!("{chinese}:"));
        match lines[..close].iter().position(written) {
            Some(i) => lines[i] = format!("{key}: {value}"),
            None => lines.insert(close, format!("{key}: {value}")),
        }
        self.write(rel, &(lines.join("\n") + "\n"));
    }

    /// Makes one random edit.
    fn edit(&mut self, rng: &mut Rng) -> Edit {
        self.counter += 1;
        let n = self.counter;
        let post = rng.pick(&self.posts).clone();
        match rng.below(17) {
            0 => {
                let text = self.read(&post);
                self.write(&post, &format!("{text}\n第{n}次补充的一段正文，说明后续安排。\n"));
                Edit {
                    what: format!("body of {post}"),
                    touched: content(&post),
                }
            }
            1 => {
                self.set_key(&post, "title", &format!("改过的标题第{n}号"));
                Edit {
                    what: format!("title of {post}"),
                    touched: content(&post),
                }
            }
            2 => {
                let date = format!("2026-{:02}-{:02}", 1 + rng.below(11), 1 + rng.below(28));
                self.set_key(&post, "date", &date);
                Edit {
                    what: format!("date of {post} to {date}"),
                    touched: content(&post),
                }
            }
            3 => {
                let tags = ["协商议政", "民主监督", "乡村振兴", "新标签甲", "新标签乙"];
                let chosen = format!("[{}, {}]", rng.pick(&tags), rng.pick(&tags));
                // Topics too: the sample site's 专题 gather posts by them.
                let key = if rng.below(3) == 0 { "topics" } else { "tags" };
                self.set_key(&post, key, &chosen);
                Edit {
                    what: format!("tags of {post}: {chosen}"),
                    touched: content(&post),
                }
            }
            4 => {
                let members: Vec<String> = fs::read_dir(self.path("weiyuan"))
                    .unwrap()
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".md") && n != "_index.md")
                    .map(|n| n.trim_end_matches(".md").to_string())
                    .collect();
                let member = rng.pick(&members).clone();
                self.set_key(&post, "members", &format!("[{member}]"));
                Edit {
                    what: format!("members of {post}: {member}"),
                    touched: content(&post),
                }
            }
            5 => {
                let column = rng.pick(&["yaowen", "lvzhi", "tongzhi"]).to_string();
                let rel = format!("{column}/2026-11-{:02}-xinjian-{n}.md", 1 + rng.below(28));
                fs::write(
                    self.path(&rel),
                    format!("---\ntitle: 新建的第{n}篇\ndate: 2026-11-20\nsource: 测试政协\nauthor: 办公室\ntags: [新标签甲]\n---\n新建文章的正文。\n"),
                )
                .unwrap();
                self.posts.push(rel.clone());
                Edit {
                    what: format!("new post {rel}"),
                    touched: content(&rel),
                }
            }
            6 if self.posts.len() > 3 => {
                let i = rng.below(self.posts.len());
                let rel = self.posts.remove(i);
                let _ = fs::remove_dir_all(self.path(rel.trim_end_matches(".md")));
                self.photos.retain(|(p, _)| *p != rel);
                fs::remove_file(self.path(&rel)).unwrap();
                Edit {
                    what: format!("deleted {rel}"),
                    touched: Touched {
                        content: true,
                        files: vec![rel],
                        rescan: true,
                        ..Touched::default()
                    },
                }
            }
            7 => {
                let i = rng.below(self.posts.len());
                let old = self.posts[i].clone();
                let (dir, _) = old.rsplit_once('/').unwrap();
                let new = format!("{dir}/2026-10-{:02}-gaiming-{n}.md", 1 + rng.below(28));
                if self.path(old.trim_end_matches(".md")).exists() {
                    fs::rename(
                        self.path(old.trim_end_matches(".md")),
                        self.path(new.trim_end_matches(".md")),
                    )
                    .unwrap();
                }
                fs::rename(self.path(&old), self.path(&new)).unwrap();
                // Photos named from the Markdown file's folder (Typora's way)
                // move with it, as the person renaming would fix them.
                let stem = |rel: &str| rel.trim_end_matches(".md").rsplit('/').next().unwrap().to_string();
                let text = self.read(&new);
                let moved = text.replace(&format!("]({}/", stem(&old)), &format!("]({}/", stem(&new)));
                if moved != text {
                    self.write(&new, &moved);
                }
                self.posts[i] = new.clone();
                let (old_folder, new_folder) = (old.trim_end_matches(".md"), new.trim_end_matches(".md"));
                for (owner, photo) in &mut self.photos {
                    if *owner == old {
                        owner.clone_from(&new);
                        *photo = photo.replacen(old_folder, new_folder, 1);
                    }
                }
                Edit {
                    what: format!("renamed {old} to {new}"),
                    touched: Touched {
                        content: true,
                        files: vec![old, new],
                        rescan: true,
                        ..Touched::default()
                    },
                }
            }
            8 => {
                // A photo beside the post, named from the Markdown file's folder or its own.
                let stem = post.trim_end_matches(".md").rsplit('/').next().unwrap().to_string();
                let name = format!("zhaopian-{n}.jpg");
                fs::create_dir_all(self.path(post.trim_end_matches(".md"))).unwrap();
                let size = 40 + rng.below(600) as u32;
                fs::write(
                    self.path(&format!("{}/{name}", post.trim_end_matches(".md"))),
                    tiny_jpeg(size, size / 2 + 1),
                )
                .unwrap();
                let src = if n.is_multiple_of(2) {
                    format!("{stem}/{name}")
                } else {
                    name.clone()
                };
                let text = self.read(&post);
                self.write(&post, &format!("{text}\n![现场照片{n}]({src})\n"));
                self.photos
                    .push((post.clone(), format!("{}/{name}", post.trim_end_matches(".md"))));
                Edit {
                    what: format!("photo {name} added to {post}"),
                    touched: Touched {
                        content: true,
                        files: vec![post.clone(), format!("{}/{name}", post.trim_end_matches(".md"))],
                        rescan: true,
                        ..Touched::default()
                    },
                }
            }
            9 if !self.photos.is_empty() => {
                let i = rng.below(self.photos.len());
                let (owner, photo) = self.photos.remove(i);
                let name = photo.rsplit('/').next().unwrap();
                let text: String = self
                    .read(&owner)
                    .lines()
                    .filter(|l| !l.contains(name))
                    .map(|l| format!("{l}\n"))
                    .collect();
                self.write(&owner, &text);
                fs::remove_file(self.path(&photo)).unwrap();
                Edit {
                    what: format!("photo {photo} removed"),
                    touched: Touched {
                        content: true,
                        files: vec![owner, photo],
                        rescan: true,
                        ..Touched::default()
                    },
                }
            }
            10 => {
                let column = rng
                    .pick(&["yaowen", "lvzhi", "tongzhi", "zhuanti-xiangcun"])
                    .to_string();
                let rel = format!("{column}/_index.md");
                if !self.path(&rel).exists() {
                    return self.edit(rng);
                }
                self.set_key(&rel, "description", &format!("栏目说明第{n}版"));
                // A 专题's window: closed before the build's day, or still open.
                if column.starts_with("zhuanti") && rng.below(2) == 0 {
                    // Its start is 2026-10-01; the build's day is 2026-12-01.
                    let end = format!("2026-{:02}-{:02}", 10 + rng.below(3), 1 + rng.below(28));
                    self.set_key(&rel, "end", &end);
                }
                if rng.below(2) == 0 {
                    self.set_key(&rel, "page_size", &format!("{}", 5 + rng.below(20)));
                }
                Edit {
                    what: format!("column settings {rel}"),
                    touched: content(&rel),
                }
            }
            11 => {
                let base = self.root.join("themes/default/templates/base.html");
                let text = fs::read_to_string(&base).unwrap();
                fs::write(
                    &base,
                    text.replacen("</footer>", &format!("<p hidden>模板第{n}版</p></footer>"), 1),
                )
                .unwrap();
                Edit {
                    what: "template base.html".into(),
                    touched: Touched {
                        templates: true,
                        ..Touched::default()
                    },
                }
            }
            12 => {
                let dir = self.root.join("static/files");
                fs::create_dir_all(&dir).unwrap();
                fs::write(
                    dir.join(format!("shuoming-{}.txt", rng.below(3))),
                    format!("说明第{n}版"),
                )
                .unwrap();
                Edit {
                    what: "a static file".into(),
                    touched: Touched {
                        statics: true,
                        ..Touched::default()
                    },
                }
            }
            13 => {
                // A document's validity: the page shows a banner naming its
                // replacement (a member page, which no edit moves, or a web
                // address), and every list that shows the page a mark.
                let status = rng.pick(&["已修改", "已废止", "repealed", "已失效"]).to_string();
                let replacement = if rng.below(2) == 0 {
                    "https://www.gov.cn/zhengce/".to_string()
                } else {
                    let member = fs::read_dir(self.path("weiyuan"))
                        .unwrap()
                        .filter_map(Result::ok)
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|n| n.ends_with(".md") && n != "_index.md")
                        .min()
                        .unwrap();
                    format!("\"@/weiyuan/{member}\"")
                };
                self.set_key(&post, "status", &status);
                self.set_key(&post, "status_date", &format!("2026-10-{:02}", 1 + rng.below(28)));
                self.set_key(&post, "replaced_by", &replacement);
                Edit {
                    what: format!("status of {post}: {status}, replaced by {replacement}"),
                    touched: content(&post),
                }
            }
            14 => {
                // Old addresses (旧网址): one, or a list with a folder and a query string.
                let value = if rng.below(2) == 0 {
                    format!("/html/2019/{n}.html")
                } else {
                    format!("[/zxyw/{n}/, \"/news/show.asp?id={n}\"]")
                };
                self.set_key(&post, "aliases", &value);
                Edit {
                    what: format!("aliases of {post}: {value}"),
                    touched: content(&post),
                }
            }
            15 => {
                // The table of old addresses, read with site.yaml.
                let column = rng.pick(&["yaowen", "lvzhi", "tongzhi"]).to_string();
                let text =
                    format!("旧网址,新网址\n/lanmu/{n}.asp,/{column}/\n/list.asp?cls={n},@/{column}/_index.md\n");
                fs::write(self.root.join("redirects.csv"), text).unwrap();
                Edit {
                    what: format!("redirects.csv to {column}"),
                    touched: Touched {
                        config: true,
                        ..Touched::default()
                    },
                }
            }
            _ => {
                let yaml = self.root.join("site.yaml");
                let text = fs::read_to_string(&yaml).unwrap();
                let kept: String = text
                    .lines()
                    .filter(|l| !l.starts_with("description:"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                fs::write(&yaml, format!("{kept}description: 网站说明第{n}版\n")).unwrap();
                Edit {
                    what: "site.yaml".into(),
                    touched: Touched {
                        config: true,
                        ..Touched::default()
                    },
                }
            }
        }
    }
}

fn build_options(root: &Path, output: &Path, clean: bool) -> BuildOptions {
    BuildOptions {
        output: Some(output.to_path_buf()),
        base_url: Some(BASE.into()),
        now: Some(now()),
        clean,
        ..BuildOptions::new(root)
    }
}

/// Options for an incremental build as on Windows and macOS, where the
/// output cannot change places with the folder beside it in one step.
fn options_without_exchange(root: &Path, output: &Path) -> BuildOptions {
    BuildOptions {
        without_exchange: true,
        ..build_options(root, output, false)
    }
}

/// Runs `sequences` random sequences of edits on the site at `root`,
/// comparing after every edit.
fn walk(root: &Path, sequences: usize, seed: u64, label: &str) {
    let work = root.parent().unwrap();
    let public = root.join("public");
    // Gone on from as where folders cannot be exchanged (Windows, macOS).
    let beside = work.join(format!("{label}-beside"));
    let clean = work.join(format!("{label}-clean"));
    let served = work.join(format!("{label}-served"));
    tongxin::build(&build_options(root, &public, false))
        .unwrap_or_else(|f| panic!("{label}: first build: {:?}", f.diagnostics));
    tongxin::build(&options_without_exchange(root, &beside))
        .unwrap_or_else(|f| panic!("{label}: first build beside: {:?}", f.diagnostics));
    let mut session = Session::new(SessionOptions {
        root: root.to_path_buf(),
        output: served.clone(),
        base_url: BASE.into(),
        drafts: false,
        now: Some(now()),
    });
    assert!(matches!(session.rebuild(Touched::everything()), Outcome::Built(_)));
    let mut rng = Rng(seed);
    let mut site = Walk::new(root);
    let mut history: Vec<String> = Vec::new();
    let mut steps = 0;
    // Steps after which the index had recent shards (an edit kept local).
    let mut recent_steps = 0;
    for sequence in 0..sequences {
        let length = 1 + rng.below(4);
        for _ in 0..length {
            let edit = site.edit(&mut rng);
            history.push(edit.what.clone());
            steps += 1;
            let context = || {
                format!(
                    "{label}, seed {seed}, sequence {sequence}, edits:\n  {}",
                    history.join("\n  ")
                )
            };
            let _ = fs::remove_dir_all(&clean);
            if let Err(f) = tongxin::build(&build_options(root, &clean, true)) {
                panic!("{}\nthe build from nothing failed: {:?}", context(), f.diagnostics);
            }
            let want = folder_files(&clean);
            let (want_site, want_index) = without_index(want.clone());
            let want_answers = answers(&clean);
            for (how, output, options) in [
                ("", &public, build_options(root, &public, false)),
                (" without exchange", &beside, options_without_exchange(root, &beside)),
            ] {
                match tongxin::build(&options) {
                    Err(f) => panic!("{}\nthe incremental build{how} failed: {:?}", context(), f.diagnostics),
                    Ok(report) => assert!(report.incremental, "{}\nthe build{how} was not incremental", context()),
                }
                // The search index goes on from the last one in its own way
                // (recent shards): it must answer every query as the clean one.
                let (got, index) = without_index(folder_files(output));
                if let Some(diff) = differences(&got, &want_site) {
                    panic!(
                        "{}\nthe incremental build{how} differs from a build from nothing:\n{diff}",
                        context()
                    );
                }
                let got_answers = answers(output);
                if index != want_index || got_answers != want_answers {
                    panic!(
                        "{}\nthe incremental build{how}'s search index answers differently from a build from nothing's: {}",
                        context(),
                        first_difference(&got_answers, &want_answers)
                    );
                }
            }
            if fs::read_to_string(public.join("search/data/meta.json")).is_ok_and(|m| m.contains("recentIds")) {
                recent_steps += 1;
            }
            match session.rebuild(edit.touched) {
                Outcome::Built(_) => {}
                Outcome::Failed { diagnostics } => panic!("{}\nserve failed: {diagnostics:?}", context()),
            }
            session.write_search();
            if let Some(diff) = differences(&folder_files(&served), &want) {
                panic!(
                    "{}\nserve's folder differs from a build from nothing:\n{diff}",
                    context()
                );
            }
        }
    }
    println!(
        "{label}: {sequences} sequences, {steps} edits ({recent_steps} with recent index shards), all identical to builds from nothing"
    );
    assert!(
        steps < 4 || recent_steps > 0,
        "{label}: no edit went to the recent shards of the index"
    );
    drop(session);
    let _ = fs::remove_dir_all(&served);
    let _ = fs::remove_dir_all(&beside);
    let _ = fs::remove_dir_all(&clean);
}

/// The files outside the search index's data, and whether there is an index.
fn without_index(
    mut files: std::collections::BTreeMap<String, Vec<u8>>,
) -> (std::collections::BTreeMap<String, Vec<u8>>, bool) {
    let before = files.len();
    files.retain(|path, _| !path.starts_with("search/data/"));
    let had = files.len() != before;
    (files, had)
}

/// What the search index of the site in `folder` answers, if it has one.
fn answers(folder: &Path) -> Option<tongxin::output::search::read::Answers> {
    let data = folder.join("search/data");
    data.exists().then(|| {
        tongxin::output::search::read::read(&data)
            .unwrap_or_else(|e| panic!("the index in {}: {e}", folder.display()))
            .answers()
    })
}

/// Where two indexes' answers part, for the failure message.
fn first_difference(
    got: &Option<tongxin::output::search::read::Answers>,
    want: &Option<tongxin::output::search::read::Answers>,
) -> String {
    let (Some(got), Some(want)) = (got, want) else {
        return "one has no index".into();
    };
    if got.meta != want.meta {
        return format!("meta {:?} against {:?}", got.meta, want.meta);
    }
    if let Some(n) = (0..got.docs.len().max(want.docs.len())).find(|&n| got.docs.get(n) != want.docs.get(n)) {
        return format!("document {n}: {:?}\nagainst {:?}", got.docs.get(n), want.docs.get(n));
    }
    let term = want
        .terms
        .iter()
        .find(|(t, list)| got.terms.get(*t) != Some(list))
        .or_else(|| got.terms.iter().find(|(t, _)| !want.terms.contains_key(*t)));
    match term {
        Some((t, _)) => format!("term {t}: {:?} against {:?}", got.terms.get(t), want.terms.get(t)),
        None => "nothing".into(),
    }
}

/// How many sequences to run on each site.
fn sequences() -> (usize, usize) {
    let text = std::env::var("TONGXIN_SEQUENCES").unwrap_or_default();
    let mut parts = text.split(',').map(|p| p.trim().parse::<usize>().ok());
    (parts.next().flatten().unwrap_or(6), parts.next().flatten().unwrap_or(2))
}

fn seed() -> u64 {
    std::env::var("TONGXIN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_203)
}

#[test]
fn random_edits_of_the_sample_site_build_as_from_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    fs::create_dir_all(&root).unwrap();
    fs::copy(repo().join("site.yaml"), root.join("site.yaml")).unwrap();
    for folder in ["content", "themes/default", "static"] {
        copy_dir(&repo().join(folder), &root.join(folder));
    }
    walk(&root, sequences().0, seed(), "sample");
}

/// A site of `posts` news posts over three columns, with members, tags,
/// proposals (some undated) and a book, as publicity offices have them.
fn generated_site(root: &Path, posts: usize) {
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(
        "site.yaml",
        "title: 生成的政协网站\nbase_url: https://zx.example.cn/\norganization:\n  name: 政协生成区委员会\n",
    );
    copy_dir(&repo().join("themes/default"), &root.join("themes/default"));
    for (folder, title, kind) in [
        ("yaowen", "政协要闻", "news"),
        ("lvzhi", "履职动态", "news"),
        ("tongzhi", "通知公告", "notice"),
        ("sheqing", "社情民意", "opinions"),
        ("weiyuan", "委员风采", "members"),
        ("tian", "提案工作", "proposals"),
    ] {
        write(
            &format!("content/{folder}/_index.md"),
            &format!("---\ntitle: {title}\nkind: {kind}\n---\n"),
        );
    }
    let members = ["zhang-wei", "li-na", "wang-fang", "liu-yang", "chen-jing"];
    for (i, id) in members.iter().enumerate() {
        write(
            &format!("content/weiyuan/{id}.md"),
            &format!("---\nname: 委员{i}号\nsector: 界别{}\n---\n简介。\n", i % 3),
        );
    }
    for i in 0..24 {
        let date = if i % 3 == 0 {
            String::new()
        } else {
            format!("date: 2026-01-{:02}\n", 1 + i % 28)
        };
        write(
            &format!("content/tian/t{i:02}.md"),
            &format!(
                "---\ntitle: 第{i}号提案\n{date}number: \"10-5-{i:03}\"\nsession: 十届五次会议\nproposers: [{}]\nstatus: 立案\n---\n案由。\n",
                members[i % 5]
            ),
        );
    }
    let columns = ["yaowen", "lvzhi", "tongzhi", "sheqing"];
    for i in 0..posts {
        let column = columns[i % 4];
        let (month, day) = (1 + i / 28 % 11, 1 + i % 28);
        let topic = if column == "sheqing" { "topic: 民生\n" } else { "" };
        write(
            &format!("content/{column}/2026-{month:02}-{day:02}-p{i}.md"),
            &format!(
                "---\ntitle: 第{i}篇稿件\ndate: 2026-{month:02}-{day:02}\nsource: 测试政协\nauthor: 办公室\ntags: [标签{}, 标签{}]\nmembers: [{}]\n{topic}---\n正文第{i}篇，委员们围绕民生问题建言献策。\n\n## 会议议程\n\n议程内容。\n",
                i % 7,
                i % 11,
                members[i % 5]
            ),
        );
    }
}

#[test]
fn random_edits_of_a_thousand_post_site_build_as_from_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    generated_site(&root, 1000);
    walk(&root, sequences().1, seed() ^ 0x5EED, "generated");
}
