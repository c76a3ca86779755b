//! Photos in a Markdown body: `![说明](photo.jpg)` and ```` ```gallery ````
//! blocks; videos in ```` ```video ```` blocks.
//!
//! The Markdown is rendered before the photos are processed, so each photo is
//! written as plain `<img>` markup between two markers and remembered as a
//! [`Figure`]. The image stage of the build (`output::images`) then replaces the
//! marked span with markup that has `srcset`, `width` and `height`. Without that
//! stage (`tongxin check`) the plain markup stays, and still works.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::text::escape_html;
use crate::diagnostics::Diagnostic;

/// A photo as published: resized copies for `srcset`, smallest first.
#[derive(Debug, Clone, Serialize)]
pub struct Picture {
    /// Site path (below the base path) of the largest copy.
    pub src: String,
    /// (site path, width in pixels), smallest first; the last one is `src`.
    pub candidates: Vec<(String, u32)>,
    /// Size of the largest copy, after EXIF rotation.
    pub width: u32,
    pub height: u32,
}

impl Picture {
    /// The `srcset` value, with every path under `base_path`.
    pub fn srcset(&self, base_path: &str) -> String {
        let mut out = String::new();
        for (path, width) in &self.candidates {
            if !out.is_empty() {
                out.push_str(", ");
            }
            let _ = write!(out, "{}{} {width}w", base_path, url_path(path));
        }
        out
    }
}

/// A photo or a gallery found in a body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Figure {
    Image(BodyImage),
    Gallery(Gallery),
    /// An `<img>` in HTML pasted into the Markdown. It is published as
    /// written (it has no marked span), but its file must exist like any
    /// photo's.
    Pasted(BodyImage),
    Video(VideoBlock),
}

/// A ```` ```video ```` block: one or more videos of the post's folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VideoBlock {
    pub entries: Vec<VideoEntry>,
    /// Line of the opening fence.
    pub line: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VideoEntry {
    /// The video file (`huiyi.mp4`), as written.
    pub src: String,
    pub caption: String,
    pub line: usize,
    /// The poster image as written (`封面: huiyi.jpg` on the next line), and its line.
    pub poster: Option<(String, usize)>,
}

/// Video files a page may show, with their MIME types.
pub const VIDEO_TYPES: &[(&str, &str)] = &[("mp4", "video/mp4"), ("webm", "video/webm")];

/// What the build knows of a published video file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoInfo {
    pub bytes: u64,
    /// From the file's header, when it says.
    pub seconds: Option<f64>,
}

/// The captions of a video, looked for beside it: `huiyi.zh.vtt`, then `huiyi.vtt`.
pub fn caption_candidates(video: &str) -> [String; 2] {
    let stem = video.rsplit_once('.').map_or(video, |(stem, _)| stem);
    [format!("{stem}.zh.vtt"), format!("{stem}.vtt")]
}

/// `1分05秒`, `1小时2分3秒`, `8秒`: a duration as Chinese readers say it,
/// rounded to the second.
pub fn duration_text(seconds: f64) -> String {
    let total = seconds.round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    match (h, m) {
        (0, 0) => format!("{s}秒"),
        (0, m) => format!("{m}分{s:02}秒"),
        (h, m) => format!("{h}小时{m:02}分{s:02}秒"),
    }
}

/// A block line's file name and caption: `会场.jpg 全体会议现场`, or
/// `<会场 1.jpg> 说明` for a name with spaces; `None` when a `<` is not closed.
fn name_and_caption(item: &str) -> Option<(&str, &str)> {
    match item.strip_prefix('<') {
        Some(rest) => rest.split_once('>').map(|(name, caption)| (name.trim(), caption)),
        None => Some(item.split_once([' ', '\t', '\u{3000}']).unwrap_or((item, ""))),
    }
}

/// The error for a `<` without its `>` on line `n` of a `block` (图集, 视频块).
fn unpaired_brackets(block: &str, example: &str, n: usize, line: usize, file: &std::path::Path) -> Diagnostic {
    Diagnostic::error(file, format!("{block}第 {n} 行的尖括号没有配对"))
        .at_line(line)
        .hint(format!("文件名里有空格时写成“<{example}> 说明”"))
}

/// Reads the text of a ```` ```video ```` block whose first line (after the
/// fence) is `first_line`: each line a video file and, after a space, its
/// caption (`huiyi.mp4 常委会会议实况`); a line `封面: huiyi.jpg` gives the
/// video above it a poster image.
pub fn parse_video(
    text: &str,
    first_line: usize,
    fence_line: usize,
    file: &std::path::Path,
) -> Result<VideoBlock, Vec<Diagnostic>> {
    let mut entries: Vec<VideoEntry> = Vec::new();
    let mut problems = Vec::new();
    let how = "视频块里每行写一个视频文件名，后面空一格写说明，例如“huiyi.mp4 常委会会议实况”；需要封面时在下一行写“封面: huiyi.jpg”";
    let types = VIDEO_TYPES
        .iter()
        .map(|(e, _)| e.to_uppercase())
        .collect::<Vec<_>>()
        .join(" 或 ");
    for (i, raw) in text.lines().enumerate() {
        let line = first_line + i;
        let item = raw.trim_matches([' ', '\t', '\u{3000}', '\r']);
        if item.is_empty() {
            continue;
        }
        let poster = ["封面", "poster"].iter().find_map(|key| {
            let rest = item.strip_prefix(key)?;
            let rest = rest.trim_start_matches([' ', '\t', '\u{3000}']);
            rest.strip_prefix([':', '：'])
        });
        if let Some(poster) = poster {
            let poster = poster.trim_matches([' ', '\t', '\u{3000}', '<', '>']);
            let Some(video) = entries.last_mut().filter(|v| v.poster.is_none()) else {
                problems.push(
                    Diagnostic::error(file, "视频封面前面没有对应的视频")
                        .at_line(line)
                        .hint(format!("{how}；每个视频只能有一个封面")),
                );
                continue;
            };
            if poster.is_empty() || !GALLERY_EXTENSIONS.contains(&extension(poster).as_str()) || is_external(poster) {
                problems.push(
                    Diagnostic::error(file, format!("视频封面“{poster}”不是本站的图片文件"))
                        .at_line(line)
                        .hint("封面写文章文件夹里的一张图片，例如“封面: huiyi.jpg”（JPG、PNG 或 WebP）"),
                );
                continue;
            }
            video.poster = Some((poster.to_string(), line));
            continue;
        }
        let Some((src, caption)) = name_and_caption(item) else {
            problems.push(unpaired_brackets("视频块", "文件 名.mp4", i + 1, line, file));
            continue;
        };
        if is_external(src) {
            problems.push(
                Diagnostic::error(file, format!("视频“{src}”是其他网站的文件"))
                    .at_line(line)
                    .hint("网站不引用外部的视频和播放器：把视频文件放进文章的文件夹，再写文件名"),
            );
            continue;
        }
        if !VIDEO_TYPES.iter().any(|(e, _)| *e == extension(src)) {
            problems.push(
                Diagnostic::error(file, format!("“{src}”不是网页能播放的视频文件"))
                    .at_line(line)
                    .hint(format!(
                        "{how}。视频要是 {types} 格式；其他格式请先用格式工厂等软件转换成 MP4（H.264 编码）"
                    )),
            );
            continue;
        }
        entries.push(VideoEntry {
            src: src.to_string(),
            caption: caption.trim_matches([' ', '\t', '\u{3000}']).to_string(),
            line,
            poster: None,
        });
    }
    if entries.is_empty() && problems.is_empty() {
        problems.push(
            Diagnostic::error(file, "视频块里没有列出视频")
                .at_line(fence_line)
                .hint(how),
        );
    }
    if problems.is_empty() {
        Ok(VideoBlock {
            entries,
            line: fence_line,
        })
    } else {
        Err(problems)
    }
}

/// One video, ready to show.
pub struct VideoItem<'a> {
    pub url: String,
    pub mime: &'static str,
    pub poster: Option<String>,
    pub captions: Option<String>,
    pub caption: &'a str,
    /// `MP4`, `WEBM`.
    pub format: String,
    /// `1.2 MB`, when known.
    pub size: Option<String>,
    pub duration: Option<String>,
}

/// A video with the browser's own controls: nothing loads before the reader
/// presses play, captions are on when a `.vtt` file is beside it, and a
/// download link stands in where the browser cannot play it.
pub fn video_html(item: &VideoItem) -> String {
    let url = escape_html(&item.url);
    let mut out = String::from("<figure class=\"video\">\n<video controls preload=\"none\"");
    if let Some(poster) = &item.poster {
        let _ = write!(out, " poster=\"{}\"", escape_html(poster));
    }
    if !item.caption.is_empty() {
        let _ = write!(out, " aria-label=\"{}\"", escape_html(item.caption));
    }
    let _ = write!(out, ">\n<source src=\"{url}\" type=\"{}\">\n", item.mime);
    if let Some(captions) = &item.captions {
        let _ = writeln!(
            out,
            "<track kind=\"captions\" src=\"{}\" srclang=\"zh\" label=\"中文字幕\" default>",
            escape_html(captions)
        );
    }
    let _ = writeln!(
        out,
        "<p>您的浏览器无法直接播放这段视频，请<a href=\"{url}\" download>下载视频</a>后观看。</p>\n</video>"
    );
    let mut facts = vec![format!("{} 视频", item.format)];
    if let Some(d) = &item.duration {
        facts.push(format!("时长{d}"));
    }
    if let Some(s) = &item.size {
        facts.push(s.clone());
    }
    out.push_str("<figcaption>");
    if !item.caption.is_empty() {
        let _ = write!(out, "<span class=\"video-title\">{}</span>", escape_html(item.caption));
    }
    let _ = write!(
        out,
        "<span class=\"video-meta\">{}，<a href=\"{url}\" download>下载</a></span></figcaption>\n</figure>\n",
        escape_html(&facts.join("，"))
    );
    out
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BodyImage {
    /// As written in the Markdown (`photo.jpg`, `/images/a.png`).
    pub src: String,
    pub alt: String,
    pub title: String,
    /// Line and column in the source file.
    pub line: usize,
    pub column: usize,
    /// Near the top of the text, so probably on screen at once: not lazy.
    pub eager: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gallery {
    pub entries: Vec<GalleryEntry>,
    /// Line of the opening ```` ```gallery ````.
    pub line: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GalleryEntry {
    /// A file (`a.jpg`) or a folder (`photos/`), as written.
    pub src: String,
    pub caption: String,
    pub line: usize,
}

impl GalleryEntry {
    pub fn is_folder(&self) -> bool {
        self.src.ends_with('/')
    }
}

/// Image files a gallery may list; `.svg` and `.gif` are shown as they are.
/// HEIC and AVIF are listed so that the build can say how to convert them.
pub const GALLERY_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "gif", "svg", "heic", "heif", "avif"];

/// The lower-case extension of a path, without query or fragment.
pub fn extension(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default()
}

/// Whether a Markdown image source is another site's (left alone).
pub fn is_external(src: &str) -> bool {
    let lower = src.trim().to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("//")
        || lower.starts_with("data:")
}

/// Reads the text of a ```` ```gallery ```` block whose first line (after the
/// fence) is `first_line`. Each line names one photo and, after a space, its
/// caption (`会场.jpg 全体会议现场`), or a folder ending in `/` whose photos are
/// all shown. A name with spaces is written in angle brackets.
pub fn parse_gallery(
    text: &str,
    first_line: usize,
    fence_line: usize,
    file: &std::path::Path,
) -> Result<Gallery, Vec<Diagnostic>> {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let how = "图集里每行写一个照片文件名，后面空一格写说明，例如“huichang.jpg 全体会议现场”；或写一个以 / 结尾的文件夹名，例如“photos/”，显示其中全部照片";
    for (i, raw) in text.lines().enumerate() {
        let line = first_line + i;
        let item = raw.trim_matches([' ', '\t', '\u{3000}', '\r']);
        if item.is_empty() {
            continue;
        }
        let Some((src, caption)) = name_and_caption(item) else {
            problems.push(unpaired_brackets("图集", "文件 名.jpg", i + 1, line, file));
            continue;
        };
        let caption = caption.trim_matches([' ', '\t', '\u{3000}']).to_string();
        if is_external(src) {
            problems.push(
                Diagnostic::error(file, format!("图集里的“{src}”是其他网站的图片"))
                    .at_line(line)
                    .hint("图集只显示本站的照片：把照片下载下来放进文章的文件夹，再写文件名"),
            );
            continue;
        }
        let entry = GalleryEntry {
            src: src.to_string(),
            caption,
            line,
        };
        if entry.is_folder() {
            if !entry.caption.is_empty() {
                problems.push(
                    Diagnostic::error(file, format!("图集里的文件夹“{src}”后面不能写说明"))
                        .at_line(line)
                        .hint("说明写在每张照片后面：把这些照片逐行列出，每行“文件名 说明”"),
                );
                continue;
            }
        } else if !GALLERY_EXTENSIONS.contains(&extension(src).as_str()) {
            problems.push(
                Diagnostic::error(file, format!("图集里的“{src}”不是照片文件"))
                    .at_line(line)
                    .hint(format!("{how}。照片要是 JPG、PNG、WebP、GIF 或 SVG 格式")),
            );
            continue;
        }
        entries.push(entry);
    }
    if entries.is_empty() && problems.is_empty() {
        problems.push(
            Diagnostic::error(file, "图集里没有列出照片")
                .at_line(fence_line)
                .hint(how),
        );
    }
    if problems.is_empty() {
        Ok(Gallery {
            entries,
            line: fence_line,
        })
    } else {
        Err(problems)
    }
}

/// The marker before figure `n` in rendered HTML.
pub fn start_marker(n: usize) -> String {
    format!("<!--tongxin-figure {n}-->")
}

/// The marker after figure `n`.
pub fn end_marker(n: usize) -> String {
    format!("<!--/tongxin-figure {n}-->")
}

/// Replaces the marked span of each figure with what `markup` returns for it;
/// `None` keeps the plain markup inside the span. The markers never remain.
pub fn replace(html: &str, count: usize, mut markup: impl FnMut(usize) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len() + count * 256);
    let mut rest = html;
    for n in 0..count {
        let (start, end) = (start_marker(n), end_marker(n));
        let Some(a) = rest.find(&start) else { continue };
        let Some(b) = rest[a..].find(&end).map(|b| a + b + end.len()) else {
            continue;
        };
        out.push_str(&rest[..a]);
        match markup(n) {
            Some(new) => out.push_str(&new),
            None => out.push_str(&rest[a + start.len()..b - end.len()]),
        }
        rest = &rest[b..];
    }
    out.push_str(rest);
    out
}

/// `sizes` of a photo in the article text: the text column is 848 px wide on
/// screens of 960 px and more, else the screen less the page margins.
pub const BODY_SIZES: &str = "(min-width: 960px) 848px, calc(100vw - 2rem)";
/// `sizes` of a gallery thumbnail: four to a row on wide screens, two on phones.
pub const GALLERY_SIZES: &str = "(min-width: 960px) 200px, calc(50vw - 1.5rem)";

/// Percent-encodes what may not stand in a URL as it is (spaces, quotes); keeps
/// Chinese, which browsers accept.
pub fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// One `<img>`: with `picture`, responsive and with its size; without, as
/// written, with `size` when it is known (SVG, GIF).
#[allow(clippy::too_many_arguments)]
pub fn img_html(
    src_as_written: &str,
    alt: &str,
    title: &str,
    picture: Option<&Picture>,
    size: Option<(u32, u32)>,
    sizes: &str,
    eager: bool,
    base_path: &str,
) -> String {
    let mut out = String::from("<img");
    match picture {
        Some(p) => {
            let _ = write!(
                out,
                " src=\"{}{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\"",
                base_path,
                escape_html(&url_path(&p.src)),
                escape_html(&p.srcset(base_path)),
                p.width,
                p.height
            );
        }
        None => {
            let _ = write!(out, " src=\"{}\"", escape_html(src_as_written));
            if let Some((w, h)) = size {
                let _ = write!(out, " width=\"{w}\" height=\"{h}\"");
            }
        }
    }
    let _ = write!(out, " alt=\"{}\"", escape_html(alt));
    if !title.is_empty() {
        let _ = write!(out, " title=\"{}\"", escape_html(title));
    }
    if !eager {
        out.push_str(" loading=\"lazy\"");
    }
    out.push_str(" decoding=\"async\">");
    out
}

/// One photo of a gallery, ready to show.
pub struct GalleryItem<'a> {
    /// The URL to use when there is no picture (SVG, GIF, or no image stage).
    pub url: String,
    pub picture: Option<&'a Picture>,
    /// The size of an image published as it is.
    pub size: Option<(u32, u32)>,
    pub caption: &'a str,
}

/// A gallery: a grid of thumbnails, each a link to the larger photo, so that it
/// works without JavaScript; `site.js` turns the links into a lightbox.
pub fn gallery_html(items: &[GalleryItem], base_path: &str) -> String {
    let mut out = String::from("<div class=\"gallery\" data-gallery>\n<ul class=\"gallery-grid\">\n");
    for (i, item) in items.iter().enumerate() {
        let alt = if item.caption.is_empty() {
            format!("活动照片 {}", i + 1)
        } else {
            item.caption.to_string()
        };
        let large = match item.picture {
            Some(p) => format!("{base_path}{}", url_path(&p.src)),
            None => item.url.clone(),
        };
        let _ = write!(
            out,
            "<li><figure class=\"gallery-item\"><a class=\"gallery-link\" href=\"{}\" data-caption=\"{}\">{}</a>",
            escape_html(&large),
            escape_html(item.caption),
            img_html(
                &item.url,
                &alt,
                "",
                item.picture,
                item.size,
                GALLERY_SIZES,
                false,
                base_path
            )
        );
        if !item.caption.is_empty() {
            let _ = write!(out, "<figcaption>{}</figcaption>", escape_html(item.caption));
        }
        out.push_str("</figure></li>\n");
    }
    out.push_str("</ul>\n</div>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn gallery_lines_files_folders_and_captions() {
        let g = parse_gallery(
            "huichang.jpg 全体会议现场\n\n<合影 1.jpg>　委员合影\nphotos/\nb.PNG\n",
            11,
            10,
            Path::new("a.md"),
        )
        .unwrap();
        let got: Vec<(&str, &str, usize)> = g
            .entries
            .iter()
            .map(|e| (e.src.as_str(), e.caption.as_str(), e.line))
            .collect();
        assert_eq!(
            got,
            [
                ("huichang.jpg", "全体会议现场", 11),
                ("合影 1.jpg", "委员合影", 13),
                ("photos/", "", 14),
                ("b.PNG", "", 15)
            ]
        );
    }

    #[test]
    fn bad_gallery_lines_are_errors_with_lines() {
        let errors = parse_gallery(
            "会议纪要.docx 说明\nphotos/ 说明\nhttps://x.cn/a.jpg\n<a.jpg 说明\n",
            5,
            4,
            Path::new("a.md"),
        )
        .unwrap_err();
        let lines: Vec<Option<usize>> = errors.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(5), Some(6), Some(7), Some(8)]);
        assert!(errors[0].message.contains("不是照片文件"));
        let empty = parse_gallery("\n  \n", 5, 4, Path::new("a.md")).unwrap_err();
        assert_eq!(empty[0].message, "图集里没有列出照片");
        assert_eq!(empty[0].line, Some(4));
    }

    #[test]
    fn video_lines_with_posters_and_their_errors() {
        let v = parse_video(
            "huiyi.mp4 常委会会议实况\n封面：huiyi.jpg\n\n<会议 2.webm>\n",
            3,
            2,
            Path::new("a.md"),
        )
        .unwrap();
        assert_eq!(v.entries.len(), 2);
        assert_eq!(v.entries[0].caption, "常委会会议实况");
        assert_eq!(v.entries[0].poster, Some(("huiyi.jpg".to_string(), 4)));
        assert_eq!((v.entries[1].src.as_str(), v.entries[1].line), ("会议 2.webm", 6));

        let errors = parse_video(
            "封面: a.jpg\nhuiyi.avi 说明\nhttps://x.cn/a.mp4\na.mp4\n封面: a.docx\n",
            5,
            4,
            Path::new("a.md"),
        )
        .unwrap_err();
        let lines: Vec<Option<usize>> = errors.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(5), Some(6), Some(7), Some(9)]);
        assert!(errors[1].message.contains("huiyi.avi"));
        assert!(errors[1].hint.as_deref().unwrap().contains("MP4"));
        let empty = parse_video("\n", 5, 4, Path::new("a.md")).unwrap_err();
        assert_eq!(empty[0].line, Some(4));
    }

    #[test]
    fn durations_and_caption_files() {
        assert_eq!(duration_text(8.4), "8秒");
        assert_eq!(duration_text(65.5), "1分06秒");
        assert_eq!(duration_text(3723.0), "1小时02分03秒");
        assert_eq!(caption_candidates("a/huiyi.mp4"), ["a/huiyi.zh.vtt", "a/huiyi.vtt"]);
    }

    #[test]
    fn replacing_marked_spans() {
        let html = format!(
            "<p>a{}<img src=x>{}b</p>{}G{}",
            start_marker(0),
            end_marker(0),
            start_marker(1),
            end_marker(1)
        );
        let out = replace(&html, 2, |n| (n == 0).then(|| "<img src=y>".to_string()));
        assert_eq!(out, "<p>a<img src=y>b</p>G");
    }

    #[test]
    fn srcset_lists_every_width() {
        let p = Picture {
            src: "a/照片.jpg".into(),
            candidates: vec![("a/照片-480w.jpg".into(), 480), ("a/照片.jpg".into(), 960)],
            width: 960,
            height: 640,
        };
        assert_eq!(p.srcset("/zx/"), "/zx/a/照片-480w.jpg 480w, /zx/a/照片.jpg 960w");
        let img = img_html("照片.jpg", "会场", "", Some(&p), None, BODY_SIZES, false, "/");
        assert!(img.contains("width=\"960\" height=\"640\""));
        assert!(img.contains("loading=\"lazy\""));
    }
}
