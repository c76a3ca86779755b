//! Photos: resized copies with srcset, EXIF rotation, no metadata in anything
//! published, galleries, the cache, bad files, and the attachment size check.

mod common;

use std::fs;

use common::{Fixture, messages};

/// An element's attributes and text, out of the parsed page.
struct El {
    attrs: std::collections::HashMap<String, String>,
    text: String,
}

impl El {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }
}

fn select(html: &str, selector: &str) -> Vec<El> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| El {
            attrs: e.value().attrs().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            text: e.text().collect(),
        })
        .collect()
}
/// A photo-like JPEG (smooth colours with detail) of the given size.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    common::jpeg_of(width, height, |x, y| {
        let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 23;
        [(x * 255 / width) as u8, (y * 255 / height) as u8, (120 + n * 3) as u8]
    })
}

/// An EXIF block (big-endian TIFF) with an orientation and a GPS position,
/// written by hand as a phone writes it: APP1 "Exif\0\0", IFD0 with
/// Orientation and a pointer to the GPS IFD, which holds GPSLatitudeRef and a
/// camera serial-like string.
fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8: two entries.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    let gps_offset: u32 = 8 + 2 + 2 * 12 + 4;
    tiff.extend_from_slice(&[0x88, 0x25, 0x00, 0x04, 0, 0, 0, 1]);
    tiff.extend_from_slice(&gps_offset.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD: GPSLatitudeRef "N".
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x00, 0x01, 0x00, 0x02, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(b"GPSSECRET-SERIAL-0042");
    let mut app1 = vec![0xFF, 0xE1];
    let len = (2 + 6 + tiff.len()) as u16;
    app1.extend_from_slice(&len.to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    app1
}

/// `jpeg` with an EXIF block right after the start marker.
fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&exif_app1(orientation));
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn news_site() -> Fixture {
    let f = Fixture::new();
    f.column("huodong", "委员活动", "news", 20);
    f
}

#[test]
fn body_photos_get_srcset_sizes_dimensions_and_lazy_loading() {
    let f = news_site();
    f.write_bytes("content/huodong/2025-03-02-a/huichang.jpg", &jpeg(1200, 800));
    f.write_bytes("content/huodong/2025-03-02-a/hezhao.jpg", &jpeg(2000, 1000));
    f.write(
        "content/huodong/2025-03-02-a/plan.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450"><rect width="800" height="450"/></svg>"#,
    );
    f.write(
        "content/huodong/2025-03-02-a.md",
        "---\ntitle: 调研活动\ndate: 2025-03-02\n---\n![会议现场](huichang.jpg)\n\n正文。\n\n![委员合影](hezhao.jpg \"合影\")\n\n![外部](https://example.cn/x.jpg)\n\n![会场示意图](plan.svg)\n",
    );
    f.build();
    let html = f.read("huodong/2025-03-02-a/index.html");
    let imgs = select(&html, ".article-body img");
    assert_eq!(imgs.len(), 4);
    let first = &imgs[0];
    assert_eq!(first.attr("alt"), Some("会议现场"));
    assert_eq!(first.attr("width"), Some("1200"));
    assert_eq!(first.attr("height"), Some("800"));
    assert_eq!(
        first.attr("srcset"),
        Some(
            "/huodong/2025-03-02-a/huichang-480w.jpg 480w, /huodong/2025-03-02-a/huichang-960w.jpg 960w, /huodong/2025-03-02-a/huichang.jpg 1200w"
        )
    );
    assert_eq!(first.attr("src"), Some("/huodong/2025-03-02-a/huichang.jpg"));
    assert!(first.attr("sizes").is_some_and(|s| s.contains("100vw")));
    assert_eq!(
        first.attr("loading"),
        None,
        "the first photo at the top is loaded at once"
    );
    assert_eq!(first.attr("decoding"), Some("async"));
    let second = &imgs[1];
    assert_eq!(second.attr("loading"), Some("lazy"));
    assert_eq!(second.attr("title"), Some("合影"));
    // Never enlarged: the 2000 px photo stops at the largest width, 1600.
    assert_eq!(second.attr("width"), Some("1600"));
    assert_eq!(second.attr("height"), Some("800"));
    // Other sites' images are left as they are.
    assert_eq!(imgs[2].attr("src"), Some("https://example.cn/x.jpg"));
    assert_eq!(imgs[2].attr("srcset"), None);
    // SVG is published as it is, with the size its file states.
    let svg = &imgs[3];
    assert_eq!(svg.attr("src"), Some("/huodong/2025-03-02-a/plan.svg"));
    assert_eq!((svg.attr("width"), svg.attr("height")), (Some("800"), Some("450")));
    assert_eq!(svg.attr("srcset"), None);
    assert_eq!(svg.attr("loading"), Some("lazy"));
    assert!(f.read("huodong/2025-03-02-a/plan.svg").contains("viewBox"));

    let out = f.root().join("public/huodong/2025-03-02-a");
    let (width, height, _) = common::jpeg_info(&fs::read(out.join("huichang-480w.jpg")).unwrap());
    assert_eq!((width, height), (480, 320));
    assert!(fs::metadata(out.join("hezhao.jpg")).unwrap().len() < jpeg(2000, 1000).len() as u64);
    assert!(
        !out.join("hezhao-1600w.jpg").exists(),
        "the largest copy is published under the photo's own name"
    );
}

#[test]
fn exif_rotation_is_applied_and_gps_never_published() {
    let f = news_site();
    // Orientation 6: the camera was held upright; the pixels lie on their side.
    f.write_bytes("content/huodong/2025-03-02-a/shu.jpg", &with_exif(&jpeg(600, 400), 6));
    // Published as it is (not referenced) and from static/: stripped all the same.
    f.write_bytes("content/huodong/2025-03-02-a/extra.jpg", &with_exif(&jpeg(300, 200), 1));
    f.write_bytes("static/images/banner.jpg", &with_exif(&jpeg(300, 200), 1));
    f.write(
        "content/huodong/2025-03-02-a.md",
        "---\ntitle: 调研活动\ndate: 2025-03-02\ncover: shu.jpg\n---\n![竖拍的照片](shu.jpg)\n",
    );
    f.build();
    let html = f.read("huodong/2025-03-02-a/index.html");
    let img = &select(&html, ".article-body img")[0];
    assert_eq!(
        (img.attr("width"), img.attr("height")),
        (Some("400"), Some("600")),
        "portrait"
    );
    let published = f.root().join("public/huodong/2025-03-02-a/shu.jpg");
    let (width, height, _) = common::jpeg_info(&fs::read(&published).unwrap());
    assert!(height > width, "the pixels are upright");

    let mut checked = 0;
    for entry in walkdir::WalkDir::new(f.root().join("public")) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".jpg") {
            let bytes = fs::read(entry.path()).unwrap();
            assert!(!contains(&bytes, b"Exif"), "{name} still has EXIF");
            assert!(!contains(&bytes, b"GPSSECRET"), "{name} still has the GPS block");
            assert!(!contains(&bytes, &[0xFF, 0xE1]), "{name} has an APP1 segment");
            checked += 1;
        }
    }
    assert!(checked >= 3, "{checked} JPEGs checked");
}

#[test]
fn a_gallery_shows_a_folder_and_listed_photos_with_a_lightbox() {
    let f = news_site();
    for name in ["01.jpg", "02.jpg", "03.jpg"] {
        f.write_bytes(&format!("content/huodong/2025-03-02-a/photos/{name}"), &jpeg(800, 600));
    }
    f.write_bytes("content/huodong/2025-03-02-a/hezhao.jpg", &jpeg(800, 600));
    f.write(
        "content/huodong/2025-03-02-a.md",
        "---\ntitle: 调研活动\ndate: 2025-03-02\n---\n活动照片：\n\n```gallery\nhezhao.jpg 全体委员合影\nphotos/\n```\n",
    );
    f.build();
    let html = f.read("huodong/2025-03-02-a/index.html");
    let gallery = select(&html, ".article-body .gallery[data-gallery]");
    assert_eq!(gallery.len(), 1);
    let links = select(&html, ".gallery a.gallery-link");
    assert_eq!(links.len(), 4);
    assert_eq!(links[0].attr("href"), Some("/huodong/2025-03-02-a/hezhao.jpg"));
    assert_eq!(links[1].attr("href"), Some("/huodong/2025-03-02-a/photos/01.jpg"));
    let imgs = select(&html, ".gallery img");
    let alts: Vec<&str> = imgs.iter().map(|i| i.attr("alt").unwrap()).collect();
    assert_eq!(alts, ["全体委员合影", "活动照片 2", "活动照片 3", "活动照片 4"]);
    for img in &imgs {
        assert!(img.attr("width").is_some() && img.attr("height").is_some() && img.attr("srcset").is_some());
        assert_eq!(img.attr("loading"), Some("lazy"));
    }
    let captions = select(&html, ".gallery figcaption");
    assert_eq!(captions.len(), 1);
    assert_eq!(captions[0].text, "全体委员合影");
    // The lightbox comes from the theme's own script, with the keys it answers.
    let js = f.read("js/site.js");
    assert!(js.contains("[data-gallery]") && js.contains("Escape") && js.contains("ArrowRight"));
}

#[test]
fn bad_gallery_use_is_an_error_at_its_line() {
    let f = news_site();
    f.write_bytes("content/huodong/2025-03-02-a/a.jpg", &jpeg(100, 80));
    f.write(
        "content/huodong/2025-03-02-a.md",
        "---\ntitle: 调研活动\ndate: 2025-03-02\n---\n```gallery\na.jpg 说明\n纪要.docx\nphotos/ 说明\n```\n\n```gallery\n```\n",
    );
    let failure = f.build_err();
    let text = messages(&failure);
    assert!(text.contains("图集里的“纪要.docx”不是照片文件"), "{text}");
    assert!(text.contains("图集里的文件夹“photos/”后面不能写说明"), "{text}");
    assert!(text.contains("图集里没有列出照片"), "{text}");
    let lines: Vec<Option<usize>> = failure.errors().map(|d| d.line).collect();
    assert_eq!(lines, [Some(7), Some(8), Some(11)], "{text}");

    // Well-formed, but naming what is not there.
    f.write(
        "content/huodong/2025-03-02-a.md",
        "---\ntitle: 调研活动\ndate: 2025-03-02\n---\n```gallery\na.jpg 说明\nmeiyou.jpg 不存在的照片\nkong/\n```\n",
    );
    let failure = f.build_err();
    let text = messages(&failure);
    assert!(text.contains("第 7 行：图集里的照片“meiyou.jpg”找不到"), "{text}");
    assert!(
        text.contains("第 8 行：图集里的文件夹“kong/”不存在或没有照片"),
        "{text}"
    );
    assert_eq!(failure.errors().count(), 2, "{text}");
}

#[test]
fn unchanged_photos_come_from_the_cache() {
    let f = news_site();
    f.write_bytes("content/huodong/2025-03-02-a/a.jpg", &jpeg(1000, 700));
    f.write_bytes(
        "content/huodong/2025-03-02-a/b.png",
        &common::png_of(700, 300, |_, _| [200, 0, 0]),
    );
    f.write(
        "content/huodong/2025-03-02-a.md",
        "---\ntitle: 调研活动\ndate: 2025-03-02\n---\n![a](a.jpg)\n\n![b](b.png)\n",
    );
    // The theme's own images (share.png) count too.
    let first = f.build();
    let theme = first.images.made - 2;
    assert_eq!(first.images.reused, 0);
    let cache = f.root().join(".tongxin/images");
    let mtimes = || -> Vec<std::time::SystemTime> {
        let mut v: Vec<_> = walkdir::WalkDir::new(&cache)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.metadata().unwrap().modified().unwrap())
            .collect();
        v.sort();
        v
    };
    let before = mtimes();
    assert!(before.len() >= 5, "copies and manifests are cached");
    let html_before = f.read("huodong/2025-03-02-a/index.html");

    let second = f.build();
    assert_eq!((second.images.made, second.images.reused), (0, theme + 2));
    assert_eq!(mtimes(), before, "nothing re-encoded");
    assert_eq!(f.read("huodong/2025-03-02-a/index.html"), html_before);

    // A changed photo, or changed settings, is processed again.
    f.write_bytes("content/huodong/2025-03-02-a/a.jpg", &jpeg(1001, 700));
    assert_eq!(f.build().images.made, 1);
    f.write(
        "site.yaml",
        &format!("{}images:\n  widths: [320, 640]\n  quality: 70\n", common::SITE_YAML),
    );
    let third = f.build();
    assert_eq!(third.images.made, theme + 2);
    let html = f.read("huodong/2025-03-02-a/index.html");
    let img = &select(&html, ".article-body img")[0];
    assert_eq!(img.attr("width"), Some("640"));
}

/// A PNG header claiming `width` × `height` pixels, with a CRC the decoder accepts.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = b"IHDR".to_vec();
    chunk.extend_from_slice(&width.to_be_bytes());
    chunk.extend_from_slice(&height.to_be_bytes());
    chunk.extend_from_slice(&[8, 2, 0, 0, 0]);
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&crc32(&chunk).to_be_bytes());
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01".to_vec();
    out.extend_from_slice(&((idat.len() - 4) as u32).to_be_bytes());
    out.extend_from_slice(&idat);
    out.extend_from_slice(&crc32(&idat).to_be_bytes());
    out
}

#[test]
fn bad_photos_are_named_with_their_line_and_how_to_fix_them() {
    let f = news_site();
    let good = jpeg(400, 300);
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(&[0; 64]);
    let dir = "content/huodong/2025-03-02-a";
    f.write_bytes(&format!("{dir}/cut.jpg"), &good[..good.len() / 2]);
    f.write_bytes(&format!("{dir}/notes.jpg"), "这是会议纪要，不是照片".as_bytes());
    f.write_bytes(&format!("{dir}/IMG_0001.jpg"), &heic);
    f.write_bytes(&format!("{dir}/IMG_0002.HEIC"), &heic);
    f.write_bytes(&format!("{dir}/pano.png"), &png_header(16_000, 8_000));
    f.write_bytes(&format!("{dir}/good.jpg"), &good);
    f.write(
        &format!("{dir}.md"),
        "---\ntitle: 调研活动\ndate: 2025-03-02\n---\n![a](cut.jpg)\n\n![b](notes.jpg)\n\n![c](IMG_0001.jpg)\n\n![d](IMG_0002.HEIC)\n\n![e](pano.png)\n\n![f](good.jpg)\n",
    );
    // A previous good build, which a failed build must leave alone.
    fs::create_dir_all(f.root().join("public")).unwrap();
    fs::write(f.root().join("public/.tongxin-output"), "").unwrap();
    fs::write(f.root().join("public/old.html"), "旧").unwrap();

    let failure = f.build_err();
    let errors: Vec<_> = failure.errors().collect();
    let find = |needle: &str| {
        errors
            .iter()
            .find(|d| d.message.contains(needle))
            .unwrap_or_else(|| panic!("no error with {needle}:\n{}", messages(&failure)))
    };
    let shown = format!("{dir}.md");
    let cut = find("cut.jpg");
    assert!(cut.message.contains("不完整"), "{}", cut.message);
    assert_eq!(
        (cut.file.to_string_lossy().as_ref(), cut.line),
        (shown.as_str(), Some(5))
    );
    let notes = find("notes.jpg");
    assert!(notes.message.contains("不是图片文件"));
    assert_eq!(notes.line, Some(7));
    let renamed = find("IMG_0001.jpg");
    assert!(renamed.message.contains("HEIC"));
    assert!(renamed.hint.as_deref().unwrap().contains("兼容性最佳"));
    assert_eq!(renamed.line, Some(9));
    assert!(find("IMG_0002.HEIC").message.contains("HEIC"));
    let pano = find("pano.png");
    assert!(
        pano.message.contains("太大") && pano.message.contains("16000 × 8000"),
        "{}",
        pano.message
    );
    assert!(pano.hint.as_deref().unwrap().contains("缩小"));
    assert_eq!(errors.len(), 5, "{}", messages(&failure));
    assert!(
        f.root().join("public/old.html").exists(),
        "the previous output is untouched"
    );
    // The good photo was processed all the same, and is cached for the next build.
    assert!(f.root().join(".tongxin/images").read_dir().unwrap().count() >= 1);
}

#[test]
fn a_cmyk_jpeg_is_converted_with_a_warning() {
    let f = news_site();
    let cmyk = fs::read(common::repo().join("tests/fixtures/images/cmyk.jpg")).unwrap();
    f.write_bytes("content/huodong/2025-03-02-a/print.jpg", &cmyk);
    f.write(
        "content/huodong/2025-03-02-a.md",
        "---\ntitle: 调研活动\ndate: 2025-03-02\n---\n![海报](print.jpg)\n",
    );
    let report = f.build();
    let warning = report
        .warnings
        .iter()
        .find(|d| d.message.contains("CMYK"))
        .expect("a CMYK warning");
    assert!(warning.message.contains("print.jpg"));
    let out = fs::read(f.root().join("public/huodong/2025-03-02-a/print.jpg")).unwrap();
    assert_eq!(common::jpeg_info(&out).2, 3, "RGB");
}

#[test]
fn an_unused_bad_photo_is_a_warning_and_not_published() {
    let f = news_site();
    f.write_bytes(
        "content/huodong/2025-03-02-a/IMG_0003.heic",
        b"\0\0\0\x18ftypheic\0\0\0\0",
    );
    f.write(
        "content/huodong/2025-03-02-a.md",
        "---\ntitle: 调研活动\ndate: 2025-03-02\n---\n正文。\n",
    );
    let report = f.build();
    assert!(
        report
            .warnings
            .iter()
            .any(|d| d.message.contains("IMG_0003.heic") && d.message.contains("没有发布"))
    );
    assert!(!f.root().join("public/huodong/2025-03-02-a/IMG_0003.heic").exists());
}

#[test]
fn bad_image_settings_are_reported() {
    let f = news_site();
    f.write(
        "site.yaml",
        &format!("{}images:\n  widths: [0, abc]\n  quality: 300\n", common::SITE_YAML),
    );
    let text = messages(&f.build_err());
    assert!(text.contains("图片宽度 widths"), "{text}");
    assert!(text.contains("图片质量 quality"), "{text}");
}

#[test]
fn large_attachments_are_a_check_warning() {
    let f = news_site();
    f.write(
        "site.yaml",
        &format!("{}check:\n  attachment_max_mb: 1\n", common::SITE_YAML),
    );
    f.write_bytes("content/huodong/2025-03-02-a/big.pdf", &vec![b'%'; 1536 * 1024]);
    f.write_bytes("content/huodong/2025-03-02-a/small.pdf", b"%PDF-1.4");
    f.write(
        "content/huodong/2025-03-02-a.md",
        "---\ntitle: 调研活动\ndate: 2025-03-02\nattachments:\n  - { file: big.pdf, title: 实施方案 }\n  - { file: small.pdf, title: 通知 }\n---\n正文。\n",
    );
    let report = tongxin::check(&tongxin::CheckOptions {
        now: Some("2025-03-03T12:00:00".parse().unwrap()),
        ..tongxin::CheckOptions::new(f.root())
    });
    let found: Vec<_> = report
        .findings
        .iter()
        .filter(|x| x.rule.id() == "meta-attachment-size")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("big.pdf") && found[0].message.contains("1.5 MB"));
    assert_eq!(found[0].line, Some(4));
    // The attachment list still shows type and size.
    f.build();
    let html = f.read("huodong/2025-03-02-a/index.html");
    assert!(html.contains("1.5 MB") && html.contains("PDF"));
}
