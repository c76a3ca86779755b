//! `tongxin import`: Word files made by python-docx
//! (`tests/fixtures/docx/make.py`) and by hand become posts that build, with
//! their headings, lists, tables, links and pictures; bad files get a
//! Chinese message and leave nothing behind.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use common::*;
use jiff::Timestamp;
use tongxin::import::{ImportError, import_post, read_docx};

/// 2026-12-02 14:30 in Shanghai.
fn clock() -> Timestamp {
    "2026-12-02T06:30:00Z".parse().unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    fs::read(repo().join("tests/fixtures/docx").join(name)).unwrap()
}

/// A site with a news column, as a user would have it.
fn site() -> Fixture {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    f.column("guanyu", "关于我们", "page", 20);
    f
}

/// `tongxin import` with `args`, started in the site folder.
fn tongxin_import(site: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .arg("import")
        .args(args)
        .current_dir(site)
        .output()
        .unwrap()
}

fn markdown(bytes: &[u8]) -> String {
    read_docx(bytes).unwrap_or_else(|e| panic!("{e}")).markdown
}

/// Every file below `content/<folder>` other than the column's `_index.md`.
fn posts_in(root: &Path, folder: &str) -> Vec<String> {
    folder_files(&root.join("content").join(folder))
        .into_keys()
        .filter(|k| k != "_index.md")
        .collect()
}

#[test]
fn the_command_imports_a_word_file_and_the_post_builds_with_its_picture() {
    let f = site();
    f.write_bytes("会议报道.docx", &fixture("huiyi.docx"));
    let out = tongxin_import(f.root(), &["会议报道.docx", "--column", "yaowen"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let created = stdout
        .lines()
        .find_map(|l| l.strip_prefix("已创建："))
        .unwrap_or_else(|| panic!("{stdout}"));
    let (path, column) = created.split_once('（').unwrap();
    assert_eq!(column, "政协要闻）");
    assert!(path.starts_with("content/yaowen/") && path.ends_with("-qu-zhengxie-zhaokai-shijie-changweihui.md"));
    let folder = path.trim_end_matches(".md");
    assert!(
        stdout.contains(&format!("保存了 1 张图片到 {folder}/（tu-1.png）")),
        "{stdout}"
    );
    assert!(stdout.contains("BMP 格式"), "{stdout}");

    let text = fs::read_to_string(f.root().join(path)).unwrap();
    assert!(
        text.starts_with("---\ntitle: 区政协召开十届常委会第十五次会议    # 标题\n"),
        "{text}"
    );
    // The date written at the end of the document, not the file's own (2019).
    assert!(text.contains("\ndate: 2026-03-02    # 发布时间\n"), "{text}");
    assert!(text.contains("source: 测试政协"), "{text}");
    assert_eq!(
        fs::read(f.root().join(folder).join("tu-1.png")).unwrap()[..4],
        *b"\x89PNG"
    );

    f.build();
    let url = format!("yaowen/{}/", Path::new(folder).file_name().unwrap().to_string_lossy());
    let page = f.html(&format!("{url}index.html"));
    assert!(texts(&page, "h1").contains(&"区政协召开十届常委会第十五次会议".to_string()));
    assert!(texts(&page, "h2").contains(&"会议议程".to_string()));
    assert_eq!(texts(&page, "table th"), ["界别", "人数", "备注"]);
    assert!(texts(&page, "strong").contains(&"全体常委".to_string()));
    assert_eq!(attrs(&page, "a[href^='https://www.example.gov.cn']", "href").len(), 1);
    let alts = attrs(&page, "img[src*='tu-1']", "alt");
    assert_eq!(alts, ["图为会议现场"]);
    assert!(f.exists(&format!("{url}tu-1.png")), "the picture is published");
}

#[test]
fn the_markdown_keeps_what_word_shows_and_drops_the_rest() {
    let md = markdown(&fixture("huiyi.docx"));
    let has = |part: &str| assert!(md.contains(part), "missing:\n{part}\n\nin:\n{md}");
    // Paragraphs: full-width and first-line indents gone, bold kept next to
    // Chinese punctuation, punctuation as typed.
    assert!(
        md.starts_with("3月2日上午，区政协召开十届常委会第十五次会议。\n\n"),
        "{md}"
    );
    has("会议由区政协主席王明主持，**全体常委**出席会议。\n");
    has("**一、坚持党的领导**。会议指出，要把“两个维护”落到实处；要聚焦《政协章程》，做到：学习、领会、落实！\n");
    // The title is not repeated; headings start at ##.
    assert!(!md.contains("# 区政协召开"), "{md}");
    has("\n## 会议议程\n");
    has("\n### 协商重点\n");
    has("\n#### 附：参会名单\n");
    has("\n### 分组讨论\n");
    // Nested lists, bullets and numbers.
    has("- 听取专题报告\n  - 报告一：民生实事\n- 审议工作要点\n1. 第一项\n2. 第二项\n");
    has("1. 深化专题协商\n   - 聚焦养老服务\n     1. 社区食堂\\*试点\\*\n2. 加强民主监督\n");
    // Chinese numbering is written as Word shows it.
    has("\n一、提高站位\n\n（1）统一思想\n\n二、改进作风\n");
    // Merged cells: the text in the first cell, the others empty.
    has(
        "| 界别 | 人数 | 备注 |\n| --- | --- | --- |\n| 经济界 | 12 | 均已报到 |\n| 农业\\|林业界 | 8 |  |\n| 合计 20 人 |  |  |\n",
    );
    // The picture with its caption as description; the caption stays as text.
    has("会场照片如下：\n\n![图为会议现场](tu-1.png)\n\n图为会议现场\n");
    // A link, and a field's result without its code.
    has("详见[区政府网站](https://www.example.gov.cn/zx/2026/0302.html)；全文共3页。\n");
    // Tracked changes accepted, comments dropped.
    has("会议强调，要抓好落实。\n");
    for gone in ["这段已删除", "批注", "请核实", "NUMPAGES", "MERGEFORMAT"] {
        assert!(!md.contains(gone), "{gone} in:\n{md}");
    }
    assert!(md.ends_with("溪山区政协办公室\n\n2026年3月2日\n"), "{md}");
    assert!(!md.contains("\n\n\n"), "{md}");
}

#[test]
fn the_library_names_the_column_by_title_and_takes_the_title_from_the_file_name() {
    let f = site();
    let created = import_post(
        f.root(),
        "政协要闻",
        "D:\\下载\\关于召开主席会议的通知.docx",
        &fixture("关于召开主席会议的通知.docx"),
        Some(clock()),
    )
    .unwrap_or_else(|d| panic!("{d:?}"));
    let path = created.path.to_string_lossy().replace('\\', "/");
    assert_eq!(path, "content/yaowen/2026-12-02-guanyu-zhaokai-zhuxi-huiyi.md");
    let text = fs::read_to_string(f.root().join(&path)).unwrap();
    assert!(
        text.starts_with("---\ntitle: 关于召开主席会议的通知    # 标题\ndate: 2026-12-02 14:30    # 发布时间\n"),
        "{text}"
    );
    assert!(
        text.ends_with("---\n\n各委员：\n\n定于下周召开主席会议，请准时参加。\n"),
        "{text}"
    );
    assert!(created.next.contains("没有找到日期"), "{}", created.next);
    assert!(created.next.contains("没有可导入的图片"), "{}", created.next);
    f.build();
}

#[test]
fn bad_files_get_a_chinese_message_and_nothing_is_written() {
    let f = site();
    let cases = [
        ("old.doc", "这是旧版 Word 文档（.doc），无法直接导入", "另存为"),
        ("wendang.wps", "这是 WPS 文字的 .wps 文档", "另存为"),
        ("mima.docx", "设置了打开密码", "取消打开密码"),
        ("truncated.docx", "文件已损坏或不完整", "另存为一个新的 .docx"),
        ("no-document.docx", "不是 Word 文档（.docx）", ".docx"),
        ("empty.docx", "没有文字，也没有图片", "确认选对了文件"),
    ];
    for (name, message, hint) in cases {
        let problems = import_post(f.root(), "yaowen", name, &fixture(name), Some(clock()))
            .map(|c| panic!("{name} was imported as {}", c.path.display()))
            .unwrap_err();
        assert_eq!(problems.len(), 1, "{name}");
        let shown = problems[0].to_string();
        assert!(shown.starts_with(&format!("错误：{name}：")), "{shown}");
        assert!(shown.contains(message), "{name}: {shown}");
        assert!(
            problems[0].hint.as_deref().is_some_and(|h| h.contains(hint)),
            "{name}: {shown}"
        );
    }
    assert!(posts_in(f.root(), "yaowen").is_empty());

    // From the command line: the message on stderr, exit code 1.
    f.write_bytes("旧文件.doc", &fixture("old.doc"));
    let out = tongxin_import(f.root(), &["旧文件.doc", "--column", "yaowen"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("错误：旧文件.doc：这是旧版 Word 文档（.doc）"),
        "{stderr}"
    );
    assert!(stderr.contains("没有导入。"), "{stderr}");
    let out = tongxin_import(f.root(), &["没有这个文件.docx", "--column", "yaowen"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("错误：没有这个文件.docx：无法读取这个文件"));
    assert!(posts_in(f.root(), "yaowen").is_empty());
}

#[test]
fn library_errors_are_typed() {
    assert_eq!(read_docx(&fixture("old.doc")).unwrap_err(), ImportError::OldDoc);
    assert_eq!(read_docx(&fixture("mima.docx")).unwrap_err(), ImportError::Encrypted);
    assert_eq!(read_docx(&fixture("empty.docx")).unwrap_err(), ImportError::Empty);
    assert_eq!(
        read_docx(&fixture("no-document.docx")).unwrap_err(),
        ImportError::NotDocument
    );
    assert!(matches!(
        read_docx(&fixture("truncated.docx")),
        Err(ImportError::Damaged(_))
    ));
    assert_eq!(
        read_docx(b"%PDF-1.4").unwrap_err().message(),
        "这是PDF 文件，不是 Word 文档（.docx），无法导入"
    );
}

#[test]
fn an_unknown_column_is_refused_before_anything_is_written() {
    let f = site();
    let problems = import_post(f.root(), "xinwen", "a.docx", &fixture("huiyi.docx"), Some(clock())).unwrap_err();
    let shown = problems[0].to_string();
    assert!(shown.contains("没有叫“xinwen”的栏目"), "{shown}");
    assert!(shown.contains("yaowen"), "{shown}");
    assert!(posts_in(f.root(), "yaowen").is_empty());
}

#[test]
fn nothing_existing_is_overwritten() {
    let f = site();
    let post = "content/yaowen/2026-12-02-qu-zhengxie-zhaokai-shijie-changweihui";
    // A picture left in the post's folder keeps its name and bytes.
    f.write_bytes(&format!("{post}/tu-1.png"), b"kept");
    let created = import_post(f.root(), "yaowen", "a.docx", &fixture("huiyi.docx"), Some(clock())).unwrap();
    assert_eq!(created.path.to_string_lossy(), format!("{post}.md"));
    assert_eq!(fs::read(f.root().join(post).join("tu-1.png")).unwrap(), b"kept");
    let text = fs::read_to_string(f.root().join(format!("{post}.md"))).unwrap();
    assert!(text.contains("![图为会议现场](tu-2.png)"), "{text}");
    assert!(f.root().join(post).join("tu-2.png").is_file());

    // The same document again at the same minute: refused, nothing added.
    let before = folder_files(&f.root().join("content"));
    let problems = import_post(f.root(), "yaowen", "a.docx", &fixture("huiyi.docx"), Some(clock())).unwrap_err();
    assert!(problems[0].message.contains("已经存在"), "{problems:?}");
    assert!(differences(&before, &folder_files(&f.root().join("content"))).is_none());
}

#[test]
fn a_page_column_gets_no_date_line() {
    let f = site();
    let created = import_post(f.root(), "guanyu", "a.docx", &fixture("huiyi.docx"), Some(clock())).unwrap();
    let text = fs::read_to_string(f.root().join(&created.path)).unwrap();
    assert!(!text.contains("date:"), "{text}");
    assert!(!created.next.contains("没有找到日期"), "{}", created.next);
    f.build();
}

/// A `.docx` made by hand: `body` inside `w:body`, with the namespaces Word
/// declares, and extra parts (`word/_rels/document.xml.rels`, pictures).
fn handmade(body: &str, styles: Option<&str>, parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut add = |name: &str, bytes: &[u8]| {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(bytes).unwrap();
    };
    add(
        "[Content_Types].xml",
        br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
    );
    add(
        "_rels/.rels",
        br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
    );
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
 xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
<w:body>{body}</w:body></w:document>"#
    );
    add("word/document.xml", document.as_bytes());
    if let Some(styles) = styles {
        add(
            "word/styles.xml",
            format!(r#"<?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{styles}</w:styles>"#).as_bytes(),
        );
    }
    for (name, bytes) in parts {
        add(name, bytes);
    }
    zip.finish().unwrap().into_inner()
}

const PICTURE_RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdP" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.jpeg"/><Relationship Id="rIdL" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="javascript:alert(1)" TargetMode="External"/></Relationships>"#;

fn drawing(descr: &str) -> String {
    format!(
        r#"<w:r><w:drawing><wp:inline><wp:docPr id="1" name="图片 1" descr="{descr}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:embed="rIdP"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
    )
}

#[test]
fn documents_from_wps_and_newer_word_read_the_same() {
    // WPS names heading styles by number ids with Chinese or English names.
    let styles = r#"<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/><w:basedOn w:val="a"/></w:style>
<w:style w:type="paragraph" w:styleId="3"><w:name w:val="标题 2"/></w:style>
<w:style w:type="paragraph" w:styleId="10"><w:name w:val="toc 1"/></w:style>
<w:style w:type="character" w:styleId="a5"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>"#;
    // Newer Word writes a picture twice, new and old style: one is read.
    let picture = r#"<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline><wp:docPr id="2" name="图片 2" descr="会场全景"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:embed="rIdP"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:imagedata r:id="rIdP" o:title=""/></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#;
    let body = format!(
        r#"<w:p><w:pPr><w:pStyle w:val="10"/></w:pPr><w:r><w:t>目录第一项……1</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="2"/></w:pPr><w:r><w:t>委员视察养老服务中心</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="3"/></w:pPr><w:r><w:t>视察情况</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">  看得见</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>看不见</w:t></w:r><w:r><w:rPr><w:rStyle w:val="a5"/></w:rPr><w:t>加粗样式</w:t></w:r></w:p>
<w:sdt><w:sdtContent><w:p><w:r><w:t>内容控件里的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>
<w:p><w:fldSimple w:instr=" HYPERLINK &quot;https://www.example.gov.cn/&quot; "><w:r><w:t>政府网站</w:t></w:r></w:fldSimple><w:hyperlink r:id="rIdL"><w:r><w:t>脚本链接</w:t></w:r></w:hyperlink></w:p>
{picture}
<w:p>{auto}</w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>照片</w:t></w:r></w:p></w:tc><w:tc><w:p>{cell}</w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:drawing><wp:anchor><wp:docPr id="9" name="文本框 9"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框里的字</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r><w:r><w:t>正文</w:t></w:r></w:p>
<w:p><w:r><w:t>2026年4月8日</w:t></w:r></w:p>"#,
        auto = drawing("图片包含 室内, 人员 描述已自动生成"),
        cell = drawing("表格里的照片"),
    );
    let jpeg = tiny_jpeg(40, 30);
    let bytes = handmade(
        &body,
        Some(styles),
        &[
            ("word/_rels/document.xml.rels", PICTURE_RELS.as_bytes()),
            ("word/media/image1.jpeg", &jpeg),
        ],
    );
    let imported = read_docx(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(imported.title.as_deref(), Some("委员视察养老服务中心"));
    assert_eq!(
        imported.date.map(|d| d.to_string()).as_deref(),
        Some("2026-04-08T00:00:00")
    );
    // One picture part, shown three times: saved once.
    assert_eq!(imported.images.len(), 1);
    assert_eq!(imported.images[0].name, "tu-1.jpg");
    assert_eq!(imported.images[0].bytes, jpeg);
    assert_eq!(imported.images[0].alt, "会场全景");
    assert_eq!(
        imported.markdown,
        "## 视察情况\n\n看得见**加粗样式**\n\n内容控件里的段落\n\n[政府网站](https://www.example.gov.cn/)脚本链接\n\n\
         ![会场全景](tu-1.jpg)\n\n![](tu-1.jpg)\n\n| 照片 | ![表格里的照片](tu-1.jpg) |\n| --- | --- |\n\n\
         正文\n\n文本框里的字\n\n2026年4月8日\n"
    );
}

#[test]
fn the_strict_format_and_other_prefixes_read_the_same() {
    let document = r#"<?xml version="1.0"?>
<x:document xmlns:x="http://purl.oclc.org/ooxml/wordprocessingml/main"><x:body>
<x:p><x:pPr><x:outlineLvl x:val="0"/></x:pPr><x:r><x:t>严格格式的标题</x:t></x:r></x:p>
<x:p><x:r><x:t>正文&amp;内容</x:t></x:r></x:p></x:body></x:document>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("word/document.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(document.as_bytes()).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let imported = read_docx(&bytes).unwrap();
    assert_eq!(imported.title.as_deref(), Some("严格格式的标题"));
    assert_eq!(imported.markdown, "正文&内容\n");
}

#[test]
fn damaged_parts_inside_a_good_zip_are_reported_not_panicked_on() {
    for body in ["<w:p><w:r><w:t>未闭合", "<w:p></w:r>", "&bad;"] {
        let bytes = handmade(body, None, &[]);
        let e = read_docx(&bytes).unwrap_err();
        assert!(matches!(e, ImportError::Damaged(_)), "{body}: {e:?}");
        assert!(e.message().contains("word/document.xml"), "{}", e.message());
    }
    // Missing pictures and styles are not fatal.
    let bytes = handmade(
        &format!("<w:p>{}<w:r><w:t>有字</w:t></w:r></w:p>", drawing("说明")),
        None,
        &[],
    );
    let imported = read_docx(&bytes).unwrap();
    assert_eq!(imported.markdown, "有字\n");
    assert!(
        imported.warnings.iter().any(|w| w.contains("读不出来")),
        "{:?}",
        imported.warnings
    );
}
