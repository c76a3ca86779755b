//! Videos in a post: a ```` ```video ```` block becomes a `<video>` with the
//! browser's own controls, its poster and captions, its size and duration
//! as text and a download link; the files are published beside the page;
//! mistakes are errors with the file and line; `check` warns about a video
//! over the size limit.

mod common;

use common::*;
use tongxin::diagnostics::Diagnostic;
use tongxin::{CheckOptions, rules::Rule};

const POST: &str = "content/yaowen/2025-03-01-huiyi.md";
const FOLDER: &str = "content/yaowen/2025-03-01-huiyi";

/// An MP4 of `seconds` (at a time scale of 1000) whose `moov` follows the
/// media data, `padding` bytes of it.
fn mp4(seconds: u32, padding: usize) -> Vec<u8> {
    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }
    let mut mvhd = vec![0u8; 12];
    mvhd.extend(1000u32.to_be_bytes());
    mvhd.extend((seconds * 1000).to_be_bytes());
    mvhd.extend([0u8; 80]);
    let mut file = boxed(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41");
    file.extend(boxed(b"mdat", &vec![0u8; padding]));
    file.extend(boxed(b"moov", &boxed(b"mvhd", &mvhd)));
    file
}

fn site(block: &str) -> Fixture {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    f.write(
        POST,
        &format!(
            "---\ntitle: 常委会会议召开\ndate: 2025-03-01\nsource: 测试政协\n---\n会议实况：\n\n```video\n{block}```\n"
        ),
    );
    f
}

fn errors(f: &Fixture) -> Vec<Diagnostic> {
    f.build_err()
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect()
}

#[test]
fn a_video_with_poster_and_captions() {
    let f = site("huiyi.mp4 常委会会议实况\n封面: fengmian.jpg\n");
    f.write_bytes(&format!("{FOLDER}/huiyi.mp4"), &mp4(65, 2048));
    f.write_bytes(&format!("{FOLDER}/fengmian.jpg"), &tiny_jpeg(64, 36));
    f.write(
        &format!("{FOLDER}/huiyi.zh.vtt"),
        "WEBVTT\n\n00:00.000 --> 00:02.000\n会议开始\n",
    );
    f.build();
    let page = f.html("yaowen/2025-03-01-huiyi/index.html");
    let base = "/yaowen/2025-03-01-huiyi";

    assert_eq!(attrs(&page, ".article-body figure.video video", "controls"), [""]);
    assert_eq!(attrs(&page, "video", "preload"), ["none"]);
    assert_eq!(attrs(&page, "video", "poster"), [format!("{base}/fengmian.jpg")]);
    assert_eq!(attrs(&page, "video source", "src"), [format!("{base}/huiyi.mp4")]);
    assert_eq!(attrs(&page, "video source", "type"), ["video/mp4"]);
    assert_eq!(attrs(&page, "video track", "src"), [format!("{base}/huiyi.zh.vtt")]);
    assert_eq!(attrs(&page, "video track", "kind"), ["captions"]);
    assert_eq!(attrs(&page, "video track", "srclang"), ["zh"]);
    assert_eq!(attrs(&page, "video track", "label"), ["中文字幕"]);
    assert_eq!(attrs(&page, "video track", "default").len(), 1);
    // Where the browser cannot play it, a download link.
    assert_eq!(attrs(&page, "video p a", "href"), [format!("{base}/huiyi.mp4")]);

    assert_eq!(texts(&page, "figure.video .video-title"), ["常委会会议实况"]);
    let meta = texts(&page, "figure.video .video-meta").join("");
    assert!(meta.contains("MP4 视频"), "{meta}");
    assert!(meta.contains("时长1分05秒"), "{meta}");
    assert!(meta.contains("2.2 KB"), "{meta}");
    assert_eq!(
        attrs(&page, ".video-meta a[download]", "href"),
        [format!("{base}/huiyi.mp4")]
    );

    // Published beside the page, byte for byte.
    assert_eq!(
        std::fs::read(f.public().join("yaowen/2025-03-01-huiyi/huiyi.mp4")).unwrap(),
        mp4(65, 2048)
    );
    assert!(f.exists("yaowen/2025-03-01-huiyi/huiyi.zh.vtt"));
    assert!(f.exists("yaowen/2025-03-01-huiyi/fengmian.jpg"));
}

#[test]
fn a_webm_without_poster_or_captions_and_a_plain_vtt() {
    let f = site("<会议 片段.webm>\njieshao.mp4 介绍\n");
    f.write_bytes(
        &format!("{FOLDER}/会议 片段.webm"),
        b"\x1a\x45\xdf\xa3 not really a webm",
    );
    f.write_bytes(&format!("{FOLDER}/jieshao.mp4"), &mp4(8, 16));
    f.write(&format!("{FOLDER}/jieshao.vtt"), "WEBVTT\n");
    f.build();
    let page = f.html("yaowen/2025-03-01-huiyi/index.html");
    assert_eq!(attrs(&page, "video source", "type"), ["video/webm", "video/mp4"]);
    assert_eq!(
        attrs(&page, "video source", "src")[0],
        "/yaowen/2025-03-01-huiyi/会议%20片段.webm"
    );
    assert!(attrs(&page, "video", "poster").is_empty());
    // Captions only for the video that has them.
    assert_eq!(
        attrs(&page, "video track", "src"),
        ["/yaowen/2025-03-01-huiyi/jieshao.vtt"]
    );
    let meta = texts(&page, ".video-meta");
    // A file whose header cannot be read shows its size only.
    assert!(
        meta[0].starts_with("WEBM 视频，") && !meta[0].contains("时长"),
        "{meta:?}"
    );
    assert!(meta[1].contains("时长8秒"), "{meta:?}");
}

#[test]
fn the_same_output_after_a_second_build() {
    let f = site("huiyi.mp4 会议实况\n");
    f.write_bytes(&format!("{FOLDER}/huiyi.mp4"), &mp4(30, 64));
    f.build();
    let before = folder_files(&f.public());
    f.build();
    assert!(differences(&folder_files(&f.public()), &before).is_none());

    // A new file under the same name: the page says its new length.
    f.write_bytes(&format!("{FOLDER}/huiyi.mp4"), &mp4(90, 64));
    f.build();
    let meta = texts(&f.html("yaowen/2025-03-01-huiyi/index.html"), ".video-meta").join("");
    assert!(meta.contains("时长1分30秒"), "{meta}");
}

#[test]
fn mistakes_are_errors_with_file_and_line() {
    let cases: &[(&str, usize, &[&str])] = &[
        ("huiyi.mp4 会议实况\n", 9, &["huiyi.mp4", "找不到", FOLDER]),
        ("huiyi.avi 会议实况\n", 9, &["huiyi.avi", "MP4"]),
        ("huiyi.mov\n", 9, &["huiyi.mov", "转换"]),
        ("https://v.example.cn/a.mp4\n", 9, &["其他网站"]),
        ("jieshao.mp4\n封面: fengmian.jpg\n", 10, &["fengmian.jpg", "找不到"]),
        ("jieshao.mp4\n封面: fengmian.docx\n", 10, &["fengmian.docx", "图片"]),
        ("\n", 8, &["没有列出视频"]),
    ];
    for (block, line, words) in cases {
        let f = site(block);
        f.write_bytes(&format!("{FOLDER}/jieshao.mp4"), &mp4(8, 16));
        let errors = errors(&f);
        assert_eq!(errors.len(), 1, "{block}: {errors:?}");
        let e = &errors[0];
        assert_eq!(e.file.to_string_lossy().replace('\\', "/"), POST, "{block}");
        assert_eq!(e.line, Some(*line), "{block}: {e}");
        assert!(e.hint.is_some(), "{block}: says how to fix it");
        let text = format!("{} {}", e.message, e.hint.as_deref().unwrap_or(""));
        for word in *words {
            assert!(text.contains(word), "{block}: “{word}” in {text}");
        }
    }
}

#[test]
fn check_warns_about_a_video_over_the_limit() {
    let check = |f: &Fixture| {
        tongxin::check(&CheckOptions {
            now: tongxin::commands::check::parse_now("2025-03-02"),
            ..CheckOptions::new(f.root())
        })
        .findings
        .into_iter()
        .filter(|x| x.rule == Rule::MetaVideoSize)
        .collect::<Vec<_>>()
    };
    let f = site("huiyi.mp4 会议实况\n");
    f.write_bytes(&format!("{FOLDER}/huiyi.mp4"), &mp4(30, 1024 * 1024 + 10));
    assert!(check(&f).is_empty(), "under the default 200 MB");

    f.write("site.yaml", &format!("{SITE_YAML}check:\n  视频上限: 1\n"));
    let found = check(&f);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].file, POST);
    assert_eq!(found[0].line, Some(9));
    assert!(found[0].message.contains("超过 1 MB"), "{}", found[0].message);
    assert!(found[0].fix.contains("video_max_mb"), "{}", found[0].fix);

    f.write("site.yaml", &format!("{SITE_YAML}check:\n  video_max_mb: 0\n"));
    let failure = f.build_err();
    let e = &failure.diagnostics[0];
    assert!(e.message.contains("video_max_mb"), "{e}");
    assert!(e.line.is_some(), "{e}");
}
