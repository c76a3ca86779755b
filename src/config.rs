//! `site.yaml`: the site's settings, validated, with defaults.
//!
//! Every key also has a Chinese name. An unknown key is an error with a "did you
//! mean" hint: a typo in site.yaml must not pass silently.

use std::path::Path;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::dates;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::yaml::{self, read};

pub const FILE_NAME: &str = "site.yaml";

#[derive(Debug, Clone, Serialize)]
pub struct SiteConfig {
    pub title: String,
    /// Always ends with `/`, e.g. `https://www.example.cn/zx/`.
    pub base_url: String,
    /// The path part of `base_url`, e.g. `/zx/`; every internal link starts with it.
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub description: String,
    pub logo: Option<String>,
    pub organization: Organization,
    pub identity: Identity,
    /// 建言渠道: where the public sends suggestions (主席信箱, 委员建言…).
    pub suggestion: Option<Suggestion>,
    pub nav: Vec<String>,
    /// The line of `nav` in site.yaml, to point at it when it names a missing column.
    #[serde(skip)]
    pub nav_line: Option<usize>,
    #[serde(skip)]
    pub mourning: Mourning,
    pub timezone: String,
    #[serde(skip)]
    pub tz: TimeZone,
    pub extra: Map<String, Value>,
    /// Settings of `tongxin check`.
    #[serde(skip)]
    pub check: CheckSettings,
    /// What `tongxin new` writes into a new post when its column does not say.
    #[serde(skip)]
    pub defaults: PostDefaults,
    /// How photos are resized and encoded.
    #[serde(skip)]
    pub images: ImageSettings,
    /// Where `tongxin deploy` publishes.
    #[serde(skip)]
    pub deploy: DeploySettings,
    /// The rows of `redirects.csv` / `redirects.yaml` (旧网址 → 新网址), read
    /// beside site.yaml by the engine (`old_urls::load_tables`).
    #[serde(skip)]
    pub redirects: Vec<crate::old_urls::TableRow>,
}

/// The `deploy` section (发布): where `tongxin deploy` publishes. Secrets
/// (passwords, keys) never live here: they come from the environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeploySettings {
    /// A folder (relative to the site folder, or absolute), or
    /// `s3://bucket/prefix`.
    pub target: Option<String>,
    /// For `s3://`: the storage service's address (服务地址), e.g.
    /// `https://oss-cn-beijing.aliyuncs.com`.
    pub endpoint: Option<String>,
    /// For `s3://`: the region signed for (地域), e.g. `oss-cn-beijing`.
    pub region: Option<String>,
}

/// The `defaults` section (新文章默认值): author and source that `tongxin new`
/// fills into new posts. A column's own `author` / `source` in its `_index.md`
/// win over these. Posts already written are not changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostDefaults {
    pub author: Option<String>,
    pub source: Option<String>,
}

/// The `images` section of site.yaml: the widths the theme shows photos at,
/// and the JPEG quality.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageSettings {
    /// Ascending, without repeats.
    pub widths: Vec<u32>,
    /// JPEG quality, 1–100.
    pub quality: u8,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![480, 960, 1600],
            quality: 80,
        }
    }
}

/// Widths beyond this are never needed on a web page and would cost memory.
pub const MAX_IMAGE_WIDTH: u32 = 4096;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Organization {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Identity {
    pub icp: String,
    pub police: String,
    pub site_code: String,
}

/// The online channel for suggestions, as written in site.yaml.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// What the link says, “意见建议” by default.
    pub title: String,
    /// A full URL, a `mailto:` address, or a site path such as `/guanyu/lianxi/`.
    pub url: String,
}

pub const DEFAULT_SUGGESTION_TITLE: &str = "意见建议";

/// The `check` section of site.yaml (see docs/发布前检查.md).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckSettings {
    /// Rule ids (or families, or Chinese rule names) never reported for this site.
    pub ignore: Vec<String>,
    /// Severity overrides: (rule, `error` / `warning` / `info` / `off`).
    pub levels: Vec<(String, String)>,
    pub wording: WordingSettings,
    pub external: ExternalSettings,
    /// Attachments larger than this many MB are a warning (`attachment-size`);
    /// 20 when not set.
    pub attachment_max_mb: Option<u64>,
    /// Videos larger than this many MB are a warning (`meta-video-size`);
    /// 200 when not set.
    pub video_max_mb: Option<u64>,
}

impl CheckSettings {
    pub const DEFAULT_ATTACHMENT_MAX_MB: u64 = 20;

    pub fn attachment_max_mb(&self) -> u64 {
        self.attachment_max_mb.unwrap_or(Self::DEFAULT_ATTACHMENT_MAX_MB)
    }

    pub const DEFAULT_VIDEO_MAX_MB: u64 = 200;

    pub fn video_max_mb(&self) -> u64 {
        self.video_max_mb.unwrap_or(Self::DEFAULT_VIDEO_MAX_MB)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordingSettings {
    /// Site entries: (wrong, right); they win over built-in entries.
    pub add: Vec<(String, String)>,
    /// Built-in entries (by their wrong text) this site does not want.
    pub remove: Vec<String>,
    /// A TSV file in the site, in the format of the built-in list.
    pub file: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExternalSettings {
    /// Seconds before a request counts as failed.
    pub timeout_secs: u64,
    /// Requests at the same time to one host.
    pub per_host: usize,
    /// Days a working link is not checked again.
    pub cache_days: u64,
}

impl Default for ExternalSettings {
    fn default() -> Self {
        ExternalSettings {
            timeout_secs: 10,
            per_host: 2,
            cache_days: 7,
        }
    }
}

/// 哀悼模式: the whole site turns grey, always or on given days.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Mourning {
    #[default]
    Off,
    Always,
    /// Inclusive date ranges.
    Days(Vec<(Date, Date)>),
}

impl Mourning {
    pub fn active_on(&self, day: Date) -> bool {
        match self {
            Mourning::Off => false,
            Mourning::Always => true,
            Mourning::Days(ranges) => ranges.iter().any(|(from, to)| *from <= day && day <= *to),
        }
    }

    /// The moments mourning days begin and end (midnight in `tz`): the site
    /// turns grey and back then without any file changing.
    pub fn moments(&self, tz: &TimeZone) -> Vec<jiff::Timestamp> {
        let Mourning::Days(ranges) = self else {
            return Vec::new();
        };
        ranges
            .iter()
            .flat_map(|(from, to)| [Some(*from), to.tomorrow().ok()])
            .flatten()
            .filter_map(|day| day.to_zoned(tz.clone()).ok())
            .map(|midnight| midnight.timestamp())
            .collect()
    }
}

/// (English key, Chinese key) for the top level of site.yaml.
pub const TOP_KEYS: &[(&str, &str)] = &[
    ("title", "网站名称"),
    ("base_url", "网址"),
    ("language", "语言"),
    ("theme", "主题"),
    ("description", "网站简介"),
    ("logo", "标志"),
    ("organization", "主办单位"),
    ("identity", "网站标识"),
    ("nav", "导航"),
    ("mourning", "哀悼模式"),
    ("timezone", "时区"),
    ("extra", "扩展"),
    ("suggestion", "建言渠道"),
    ("check", "检查"),
    ("defaults", "新文章默认值"),
    ("images", "图片"),
    ("deploy", "发布"),
];
const DEFAULTS_KEYS: &[(&str, &str)] = &[("author", "作者"), ("source", "来源")];
const IMAGE_KEYS: &[(&str, &str)] = &[("widths", "宽度"), ("quality", "质量")];
const DEPLOY_KEYS: &[(&str, &str)] = &[("target", "目标"), ("endpoint", "服务地址"), ("region", "地域")];
const SUGGESTION_KEYS: &[(&str, &str)] = &[("title", "名称"), ("url", "网址")];
const CHECK_KEYS: &[(&str, &str)] = &[
    ("ignore", "忽略"),
    ("levels", "级别"),
    ("wording", "用语"),
    ("external", "外部链接"),
    ("attachment_max_mb", "附件上限"),
    ("video_max_mb", "视频上限"),
];
const WORDING_KEYS: &[(&str, &str)] = &[("add", "增加"), ("remove", "删除"), ("file", "词表")];
const EXTERNAL_KEYS: &[(&str, &str)] = &[
    ("timeout", "超时"),
    ("per_host", "每站并发"),
    ("cache_days", "缓存天数"),
];
const ORGANIZATION_KEYS: &[(&str, &str)] = &[
    ("name", "名称"),
    ("address", "地址"),
    ("phone", "电话"),
    ("email", "邮箱"),
];
const IDENTITY_KEYS: &[(&str, &str)] = &[
    ("icp", "ICP备案号"),
    ("police", "公安备案号"),
    ("site_code", "网站标识码"),
];

/// Settings given on the command line, which win over site.yaml.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
}

/// Reads and validates `<root>/site.yaml`; every problem goes to `diagnostics`.
pub fn load(root: &Path, overrides: &Overrides, diagnostics: &Diagnostics) -> Option<SiteConfig> {
    let path = root.join(FILE_NAME);
    if !path.is_file() {
        diagnostics.push(
            Diagnostic::error(FILE_NAME, format!("在 {} 找不到网站配置文件 site.yaml", root.display()))
                .hint("在网站根目录运行命令，或用 --root 指定网站所在的文件夹"),
        );
        return None;
    }
    let text = crate::encoding::read_reporting(&path, Path::new(FILE_NAME), |d| diagnostics.push(d))?;
    parse(&text, overrides)
        .map_err(|errors| diagnostics.extend(errors))
        .ok()
}

pub fn parse(text: &str, overrides: &Overrides) -> Result<SiteConfig, Vec<Diagnostic>> {
    let file = Path::new(FILE_NAME);
    let value = yaml::parse(text, file, 1)?;
    let Value::Object(map) = value else {
        return Err(vec![
            Diagnostic::error(file, "内容不是“名称: 值”的设置列表")
                .at_line(1)
                .hint("参照示例网站的 site.yaml，每行写一项设置，例如“title: 溪山区政协”"),
        ]);
    };
    let mut errors = Vec::new();
    let mut reader = Reader {
        text,
        errors: &mut errors,
    };
    let map = reader.canonical_keys(map, TOP_KEYS, "");

    let title = reader.string(&map, "title").unwrap_or_default();
    if title.is_empty() {
        reader.errors.push(
            Diagnostic::error(file, "缺少网站名称 title")
                .at_line(1)
                .hint("加一行，例如“title: 溪山区政协”"),
        );
    }
    let raw_base = overrides.base_url.clone().or_else(|| reader.string(&map, "base_url"));
    let (base_url, base_path) = match raw_base.as_deref().map(normalize_base_url) {
        Some(Some(pair)) => pair,
        Some(None) => {
            reader.error_at(
                "base_url",
                format!("网址“{}”不是完整的网址", raw_base.unwrap_or_default()),
                "写成以 http:// 或 https:// 开头的完整网址，例如“base_url: https://www.example.cn/”",
            );
            ("/".into(), "/".into())
        }
        None => {
            reader.errors.push(
                Diagnostic::error(file, "缺少网站网址 base_url")
                    .at_line(1)
                    .hint("加一行，例如“base_url: https://www.example.cn/”；订阅、站点地图和分享二维码需要完整网址"),
            );
            ("/".into(), "/".into())
        }
    };

    let organization = match map.get("organization") {
        Some(Value::Object(m)) => {
            let m = reader.canonical_keys(m.clone(), ORGANIZATION_KEYS, "organization.");
            Organization {
                name: reader.string(&m, "name").unwrap_or_default(),
                address: reader.string(&m, "address").unwrap_or_default(),
                phone: reader.string(&m, "phone").unwrap_or_default(),
                email: reader.string(&m, "email").unwrap_or_default(),
            }
        }
        Some(Value::String(name)) => Organization {
            name: name.clone(),
            ..Default::default()
        },
        Some(_) => {
            reader.error_at("organization", "主办单位的写法不对".into(), "写成下一级设置：name（名称）、address（地址）、phone（电话）、email（邮箱），每项另起一行并缩进两个空格");
            Organization::default()
        }
        None => Organization::default(),
    };
    let identity = match map.get("identity") {
        Some(Value::Object(m)) => {
            let m = reader.canonical_keys(m.clone(), IDENTITY_KEYS, "identity.");
            Identity {
                icp: reader.string(&m, "icp").unwrap_or_default(),
                police: reader.string(&m, "police").unwrap_or_default(),
                site_code: reader.string(&m, "site_code").unwrap_or_default(),
            }
        }
        Some(_) => {
            reader.error_at(
                "identity",
                "网站标识的写法不对".into(),
                "写成下一级设置：icp（ICP备案号）、police（公安备案号）、site_code（网站标识码）",
            );
            Identity::default()
        }
        None => Identity::default(),
    };
    let nav = match map.get("nav").map(read::string_list) {
        Some(Some(list)) => list,
        Some(None) => {
            reader.error_at(
                "nav",
                "导航 nav 应是栏目文件夹名的列表".into(),
                "例如“nav: [yaowen, tongzhi, guanyu]”",
            );
            Vec::new()
        }
        None => Vec::new(),
    };
    let mourning = match map.get("mourning") {
        None => Mourning::Off,
        Some(v) => match parse_mourning(v) {
            Some(m) => m,
            None => {
                reader.error_at("mourning", "哀悼模式 mourning 的写法不对".into(), "写 true（一直开启）、false，或日期列表，例如“mourning: [2026-04-04, 2026-12-13]”，日期段写成“2026-04-04~2026-04-06”");
                Mourning::Off
            }
        },
    };
    let timezone = reader
        .string(&map, "timezone")
        .unwrap_or_else(|| "Asia/Shanghai".into());
    let tz = match dates::time_zone(&timezone) {
        Some(tz) => tz,
        None => {
            reader.error_at(
                "timezone",
                format!("不认识的时区“{timezone}”"),
                "一般不用设置；需要时写“timezone: Asia/Shanghai”",
            );
            TimeZone::fixed(jiff::tz::offset(8))
        }
    };
    let extra = match map.get("extra") {
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            reader.error_at(
                "extra",
                "extra 应是下一级设置".into(),
                "每项另起一行并缩进两个空格，例如“extra:\\n  hotline: 12345”",
            );
            Map::new()
        }
        None => Map::new(),
    };
    let suggestion = match map.get("suggestion") {
        None | Some(Value::Null) => None,
        Some(v) => reader.suggestion(v),
    };
    let check = match map.get("check") {
        None | Some(Value::Null) => CheckSettings::default(),
        Some(v) => reader.check(v),
    };
    let defaults = match map.get("defaults") {
        None | Some(Value::Null) => PostDefaults::default(),
        Some(Value::Object(m)) => {
            let m = reader.canonical_keys(m.clone(), DEFAULTS_KEYS, "defaults.");
            PostDefaults {
                author: reader.string(&m, "author").filter(|s| !s.is_empty()),
                source: reader.string(&m, "source").filter(|s| !s.is_empty()),
            }
        }
        Some(_) => {
            reader.error_at(
                "defaults",
                "新文章默认值 defaults 的写法不对".into(),
                "写成下一级设置：author（作者）、source（来源），每项另起一行并缩进两个空格，例如“defaults:\n  source: 溪山区政协”",
            );
            PostDefaults::default()
        }
    };
    let images = match map.get("images") {
        None | Some(Value::Null) => ImageSettings::default(),
        Some(v) => reader.images(v),
    };
    let deploy = match map.get("deploy") {
        None | Some(Value::Null) => DeploySettings::default(),
        Some(Value::Object(m)) => {
            let m = reader.canonical_keys(m.clone(), DEPLOY_KEYS, "deploy.");
            let mut text = |key: &str| {
                reader
                    .string(&m, key)
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
            };
            DeploySettings {
                target: text("target"),
                endpoint: text("endpoint"),
                region: text("region"),
            }
        }
        Some(_) => {
            reader.error_at(
                "deploy",
                "发布设置 deploy 的写法不对".into(),
                "写成下一级设置 target（目标），另起一行并缩进两个空格，例如“deploy:\n  target: /var/www/zx”",
            );
            DeploySettings::default()
        }
    };
    let config = SiteConfig {
        title,
        base_url,
        base_path,
        language: reader.string(&map, "language").unwrap_or_else(|| "zh-CN".into()),
        theme: reader.string(&map, "theme").unwrap_or_else(|| "default".into()),
        description: reader.string(&map, "description").unwrap_or_default(),
        logo: reader.string(&map, "logo").filter(|s| !s.is_empty()),
        organization,
        identity,
        suggestion,
        nav,
        nav_line: yaml::key_line(text, "nav").or_else(|| yaml::key_line(text, "导航")),
        mourning,
        timezone,
        tz,
        extra,
        check,
        defaults,
        images,
        deploy,
        redirects: Vec::new(),
    };
    if errors.is_empty() { Ok(config) } else { Err(errors) }
}

/// Default settings, used to keep checking content when site.yaml is unusable
/// (its own errors are already reported).
pub fn fallback() -> SiteConfig {
    parse("title: _\nbase_url: http://localhost/\n", &Overrides::default())
        .expect("the built-in fallback settings are valid")
}

/// `https://x.cn/zx` → (`https://x.cn/zx/`, `/zx/`).
fn normalize_base_url(raw: &str) -> Option<(String, String)> {
    let raw = raw.trim();
    let rest = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    let path = path.trim_matches('/');
    let base_path = if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    };
    let scheme_len = raw.len() - rest.len();
    Some((format!("{}{host}{base_path}", &raw[..scheme_len]), base_path))
}

fn parse_mourning(v: &Value) -> Option<Mourning> {
    if let Some(b) = read::boolean(v) {
        return Some(if b { Mourning::Always } else { Mourning::Off });
    }
    let items = match v {
        Value::Array(items) => items.clone(),
        Value::String(_) => vec![v.clone()],
        _ => return None,
    };
    let tz = TimeZone::UTC;
    let day = |s: &str| dates::parse(s, &tz).map(|z| z.date());
    let mut ranges = Vec::new();
    for item in items {
        let text = read::string(&item)?;
        let range = match text.split_once(['~', '～']) {
            Some((a, b)) => (day(a)?, day(b)?),
            None => (day(&text)?, day(&text)?),
        };
        ranges.push(range);
    }
    Some(Mourning::Days(ranges))
}

struct Reader<'a> {
    text: &'a str,
    errors: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    /// Renames Chinese keys to their English names; unknown keys are errors.
    fn canonical_keys(&mut self, map: Map<String, Value>, keys: &[(&str, &str)], prefix: &str) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, value) in map {
            let canonical = keys.iter().find(|(en, zh)| key == *en || key == *zh).map(|(en, _)| *en);
            match canonical {
                Some(en) => {
                    out.insert(en.to_string(), value);
                }
                None => {
                    let names = keys.iter().flat_map(|(en, zh)| [*en, *zh]);
                    let hint = match did_you_mean(&key, names) {
                        Some(close) => format!("是不是想写“{close}”？"),
                        None => format!(
                            "可用的设置有：{}",
                            keys.iter()
                                .map(|(en, zh)| format!("{en}（{zh}）"))
                                .collect::<Vec<_>>()
                                .join("、")
                        ),
                    };
                    let line = yaml::key_line(self.text, &key).or_else(|| find_nested_key_line(self.text, &key));
                    let mut d = Diagnostic::error(FILE_NAME, format!("不认识的设置“{prefix}{key}”")).hint(hint);
                    if let Some(line) = line {
                        d = d.at_line(line);
                    }
                    self.errors.push(d);
                }
            }
        }
        out
    }

    fn string(&mut self, map: &Map<String, Value>, key: &str) -> Option<String> {
        let v = map.get(key)?;
        if v.is_null() {
            return None;
        }
        let s = read::string(v);
        if s.is_none() {
            self.error_at(
                key,
                format!("设置“{key}”应是一段文字"),
                "在冒号后面直接写文字，例如“title: 溪山区政协”",
            );
        }
        s
    }

    fn suggestion(&mut self, v: &Value) -> Option<Suggestion> {
        const HINT: &str = "写一个网址、mailto: 邮箱或本站页面路径，例如“suggestion: /guanyu/lianxi/”；也可以写成下一级设置 title（名称）和 url（网址）";
        let (title, url) = match v {
            Value::String(url) => (None, url.trim().to_string()),
            Value::Object(m) => {
                let m = self.canonical_keys(m.clone(), SUGGESTION_KEYS, "suggestion.");
                (self.string(&m, "title"), self.string(&m, "url").unwrap_or_default())
            }
            _ => {
                self.error_at("suggestion", "建言渠道 suggestion 的写法不对".into(), HINT);
                return None;
            }
        };
        let well_formed = url.starts_with("http://")
            || url.starts_with("https://")
            || url.strip_prefix("mailto:").is_some_and(|a| a.contains('@'))
            || url.starts_with('/');
        if !well_formed || url.contains(char::is_whitespace) {
            let message = if url.is_empty() {
                "建言渠道 suggestion 缺少网址 url".to_string()
            } else {
                format!("建言渠道的网址“{url}”写法不对")
            };
            self.error_at("suggestion", message, HINT);
            return None;
        }
        Some(Suggestion {
            title: title
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| DEFAULT_SUGGESTION_TITLE.to_string()),
            url,
        })
    }

    fn check(&mut self, v: &Value) -> CheckSettings {
        let mut settings = CheckSettings::default();
        let Value::Object(m) = v else {
            self.error_at(
                "check",
                "检查设置 check 的写法不对".into(),
                "写成下一级设置：ignore（忽略）、levels（级别）、wording（用语）、external（外部链接），详见 docs/发布前检查.md",
            );
            return settings;
        };
        let m = self.canonical_keys(m.clone(), CHECK_KEYS, "check.");
        settings.ignore = self.list(&m, "ignore", "check.ignore", "例如“ignore: [text-space, meta-author]”");
        if let Some(v) = m.get("attachment_max_mb") {
            match read::integer(v) {
                Some(n) if n >= 1 => settings.attachment_max_mb = Some(n as u64),
                _ => self.error_at(
                    "attachment_max_mb",
                    "附件大小上限 attachment_max_mb 应是不小于 1 的整数（单位 MB）".into(),
                    "例如“attachment_max_mb: 20”",
                ),
            }
        }
        if let Some(v) = m.get("video_max_mb") {
            match read::integer(v) {
                Some(n) if n >= 1 => settings.video_max_mb = Some(n as u64),
                _ => self.error_at(
                    "video_max_mb",
                    "视频大小上限 video_max_mb 应是不小于 1 的整数（单位 MB）".into(),
                    "例如“video_max_mb: 200”",
                ),
            }
        }
        match m.get("levels") {
            None | Some(Value::Null) => {}
            Some(Value::Object(levels)) => {
                for (rule, level) in levels {
                    let normalized = read::string(level).and_then(|l| normalize_level(&l));
                    match normalized {
                        Some(l) => settings.levels.push((rule.clone(), l.to_string())),
                        None => self.error_at(
                            rule,
                            format!("检查级别“{rule}”的值不对"),
                            "级别写 错误、警告、提示 或 关闭（也可写 error、warning、info、off）",
                        ),
                    }
                }
            }
            Some(_) => self.error_at(
                "levels",
                "检查级别 levels 的写法不对".into(),
                "写成下一级设置“规则: 级别”，例如“levels: { meta-author: 提示 }”",
            ),
        }
        match m.get("wording") {
            None | Some(Value::Null) => {}
            Some(Value::Object(w)) => {
                let w = self.canonical_keys(w.clone(), WORDING_KEYS, "check.wording.");
                match w.get("add") {
                    None | Some(Value::Null) => {}
                    Some(Value::Object(add)) => {
                        for (wrong, right) in add {
                            match read::string(right) {
                                Some(right) if !wrong.trim().is_empty() => {
                                    settings.wording.add.push((wrong.trim().to_string(), right))
                                }
                                _ => self.error_at(
                                    wrong,
                                    format!("用语“{wrong}”的正确写法应是一段文字"),
                                    "写成“错误写法: 正确写法”，例如“林震华: 林振华”",
                                ),
                            }
                        }
                    }
                    Some(_) => self.error_at(
                        "add",
                        "用语增加 add 的写法不对".into(),
                        "每行写“错误写法: 正确写法”，例如\n    add:\n      林震华: 林振华",
                    ),
                }
                settings.wording.remove = self.list(&w, "remove", "check.wording.remove", "例如“remove: [其它]”");
                settings.wording.file = self.string(&w, "file").filter(|f| !f.is_empty());
            }
            Some(_) => self.error_at(
                "wording",
                "用语设置 wording 的写法不对".into(),
                "写成下一级设置：add（增加）、remove（删除）、file（词表）",
            ),
        }
        match m.get("external") {
            None | Some(Value::Null) => {}
            Some(Value::Object(e)) => {
                let e = self.canonical_keys(e.clone(), EXTERNAL_KEYS, "check.external.");
                let mut number = |key: &str, min: u64, into: &mut u64| {
                    if let Some(v) = e.get(key) {
                        match read::integer(v) {
                            Some(n) if n >= min as i64 => *into = n as u64,
                            _ => self.error_at(
                                key,
                                format!("外部链接设置“{key}”应是不小于 {min} 的整数"),
                                "例如“timeout: 10”（秒）、“per_host: 2”、“cache_days: 7”",
                            ),
                        }
                    }
                };
                let mut per_host = settings.external.per_host as u64;
                number("timeout", 1, &mut settings.external.timeout_secs);
                number("per_host", 1, &mut per_host);
                number("cache_days", 0, &mut settings.external.cache_days);
                settings.external.per_host = per_host as usize;
            }
            Some(_) => self.error_at(
                "external",
                "外部链接设置 external 的写法不对".into(),
                "写成下一级设置：timeout（超时秒数）、per_host（每站并发）、cache_days（缓存天数）",
            ),
        }
        settings
    }

    fn images(&mut self, v: &Value) -> ImageSettings {
        let mut settings = ImageSettings::default();
        let Value::Object(m) = v else {
            self.error_at(
                "images",
                "图片设置 images 的写法不对".into(),
                "写成下一级设置，例如“images: { widths: [480, 960, 1600], quality: 80 }”",
            );
            return settings;
        };
        let m = self.canonical_keys(m.clone(), IMAGE_KEYS, "images.");
        if let Some(v) = m.get("widths") {
            let widths: Option<Vec<u32>> = match v {
                Value::Array(items) if !items.is_empty() => items
                    .iter()
                    .map(|w| {
                        read::integer(w)
                            .filter(|&n| (16..=MAX_IMAGE_WIDTH as i64).contains(&n))
                            .map(|n| n as u32)
                    })
                    .collect(),
                _ => None,
            };
            match widths {
                Some(mut widths) => {
                    widths.sort_unstable();
                    widths.dedup();
                    settings.widths = widths;
                }
                None => self.error_at(
                    "widths",
                    format!("图片宽度 widths 应是一组 16 到 {MAX_IMAGE_WIDTH} 之间的整数（像素）"),
                    "例如“widths: [480, 960, 1600]”：手机、平板、电脑各用一种宽度",
                ),
            }
        }
        if let Some(v) = m.get("quality") {
            match read::integer(v) {
                Some(n) if (1..=100).contains(&n) => settings.quality = n as u8,
                _ => self.error_at(
                    "quality",
                    "图片质量 quality 应是 1 到 100 之间的整数".into(),
                    "一般写 80：照片清晰，文件也小；数值越大文件越大",
                ),
            }
        }
        settings
    }

    fn list(&mut self, map: &Map<String, Value>, key: &str, shown: &str, example: &str) -> Vec<String> {
        match map.get(key).map(read::string_list) {
            None => Vec::new(),
            Some(Some(list)) => list,
            Some(None) => {
                self.error_at(key, format!("“{shown}”应是一组文字"), example);
                Vec::new()
            }
        }
    }

    fn error_at(&mut self, key: &str, message: String, hint: &str) {
        let mut d = Diagnostic::error(FILE_NAME, message).hint(hint);
        if let Some(line) = yaml::key_line(self.text, key).or_else(|| find_nested_key_line(self.text, key)) {
            d = d.at_line(line);
        }
        self.errors.push(d);
    }
}

/// `错误` / `error` … → `error`, `warning`, `info` or `off`.
pub fn normalize_level(text: &str) -> Option<&'static str> {
    match text.trim().to_lowercase().as_str() {
        "错误" | "error" => Some("error"),
        "警告" | "warning" => Some("warning"),
        "提示" | "info" => Some("info"),
        "关闭" | "off" | "忽略" => Some("off"),
        _ => None,
    }
}

fn find_nested_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().strip_prefix(key).is_some_and(|r| r.starts_with(':')))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> SiteConfig {
        parse(text, &Overrides::default()).unwrap()
    }

    #[test]
    fn defaults_and_chinese_keys() {
        let c = ok("网站名称: 溪山区政协\n网址: https://x.example.cn\n主办单位:\n  名称: 政协溪山区委员会\n");
        assert_eq!(c.title, "溪山区政协");
        assert_eq!(c.base_url, "https://x.example.cn/");
        assert_eq!(c.base_path, "/");
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.theme, "default");
        assert_eq!(c.organization.name, "政协溪山区委员会");
        assert_eq!(c.timezone, "Asia/Shanghai");
    }

    #[test]
    fn base_url_with_sub_path() {
        let c = ok("title: a\nbase_url: https://x.example.cn/zx\n");
        assert_eq!(c.base_url, "https://x.example.cn/zx/");
        assert_eq!(c.base_path, "/zx/");
        let o = Overrides {
            base_url: Some("http://localhost:8080/a/b/".into()),
        };
        assert_eq!(parse("title: a\n", &o).unwrap().base_path, "/a/b/");
    }

    #[test]
    fn unknown_keys_get_a_suggestion_and_a_line() {
        let errs = parse(
            "title: a\nbase_url: https://x.cn/\ntitel: b\norganization:\n  adress: 路\n",
            &Overrides::default(),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(errs[0].line, Some(3));
        assert!(errs[0].hint.as_deref().unwrap().contains("title"));
        assert!(errs[1].message.contains("organization.adress"));
        assert!(errs[1].hint.as_deref().unwrap().contains("address"));
    }

    #[test]
    fn missing_title_and_base_url_are_both_reported() {
        let errs = parse("theme: default\n", &Overrides::default()).unwrap_err();
        assert_eq!(errs.len(), 2);
    }

    #[test]
    fn fallback_settings_are_valid() {
        assert_eq!(fallback().theme, "default");
    }

    #[test]
    fn suggestion_in_every_form() {
        let c = ok("title: a\nbase_url: https://x.cn/\nsuggestion: /guanyu/lianxi/\n");
        assert_eq!(
            c.suggestion,
            Some(Suggestion {
                title: DEFAULT_SUGGESTION_TITLE.into(),
                url: "/guanyu/lianxi/".into()
            })
        );
        let c = ok("title: a\nbase_url: https://x.cn/\n建言渠道:\n  名称: 主席信箱\n  网址: mailto:zhuxi@x.cn\n");
        let s = c.suggestion.unwrap();
        assert_eq!((s.title.as_str(), s.url.as_str()), ("主席信箱", "mailto:zhuxi@x.cn"));
        assert!(ok("title: a\nbase_url: https://x.cn/\n").suggestion.is_none());
        let errs = parse(
            "title: a\nbase_url: https://x.cn/\nsuggestion:\n  titel: 主席信箱\n  url: 信箱\n",
            &Overrides::default(),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].message.contains("suggestion.titel"), "{errs:?}");
        assert!(errs[0].hint.as_deref().unwrap().contains("title"), "{errs:?}");
        assert_eq!(errs[1].line, Some(3), "{errs:?}");
    }

    #[test]
    fn check_settings_with_chinese_keys_and_typo_hints() {
        let c = ok(
            "title: a\nbase_url: https://x.cn/\n检查:\n  忽略: [text-space]\n  级别:\n    meta-author: 提示\n  用语:\n    增加:\n      林震华: 林振华\n    删除: [其它]\n  外部链接:\n    超时: 3\n",
        );
        assert_eq!(c.check.ignore, ["text-space"]);
        assert_eq!(c.check.levels, [("meta-author".to_string(), "info".to_string())]);
        assert_eq!(c.check.wording.add, [("林震华".to_string(), "林振华".to_string())]);
        assert_eq!(c.check.wording.remove, ["其它"]);
        assert_eq!(c.check.external.timeout_secs, 3);
        assert_eq!(c.check.external.per_host, 2);
        let errs = parse(
            "title: a\nbase_url: https://x.cn/\ncheck:\n  ignor: [x]\n  levels:\n    wording: 严重\n",
            &Overrides::default(),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].hint.as_deref().unwrap().contains("ignore"), "{errs:?}");
        assert_eq!(errs[0].line, Some(4));
        assert!(errs[1].message.contains("wording"), "{errs:?}");
        assert_eq!(errs[1].line, Some(6));
    }

    #[test]
    fn the_deploy_target_in_english_or_chinese() {
        let c = ok("title: a\nbase_url: https://x.cn/\n发布:\n  目标: /srv/www/zx\n");
        assert_eq!(c.deploy.target.as_deref(), Some("/srv/www/zx"));
        let c = ok("title: a\nbase_url: https://x.cn/\ndeploy:\n  target: ../www\n");
        assert_eq!(c.deploy.target.as_deref(), Some("../www"));
        let c = ok(
            "title: a\nbase_url: https://x.cn/\n发布:\n  目标: s3://zx-site/www\n  服务地址: https://oss-cn-beijing.aliyuncs.com\n  地域: oss-cn-beijing\n",
        );
        assert_eq!(c.deploy.target.as_deref(), Some("s3://zx-site/www"));
        assert_eq!(
            c.deploy.endpoint.as_deref(),
            Some("https://oss-cn-beijing.aliyuncs.com")
        );
        assert_eq!(c.deploy.region.as_deref(), Some("oss-cn-beijing"));
        assert_eq!(
            ok("title: a\nbase_url: https://x.cn/\n").deploy,
            DeploySettings::default()
        );
        let errs = parse(
            "title: a\nbase_url: https://x.cn/\ndeploy: ../www\n",
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(errs[0].message.contains("deploy"), "{errs:?}");
        assert!(errs[0].hint.as_deref().unwrap_or("").contains("target"), "{errs:?}");
    }

    #[test]
    fn post_defaults_with_chinese_keys_and_typo_hints() {
        let c = ok("title: a\nbase_url: https://x.cn/\n新文章默认值:\n  作者: 办公室\n  source: 溪山区政协\n");
        assert_eq!(c.defaults.author.as_deref(), Some("办公室"));
        assert_eq!(c.defaults.source.as_deref(), Some("溪山区政协"));
        assert_eq!(
            ok("title: a\nbase_url: https://x.cn/\n").defaults,
            PostDefaults::default()
        );
        let errs = parse(
            "title: a\nbase_url: https://x.cn/\ndefaults:\n  auther: 办公室\n",
            &Overrides::default(),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains("defaults.auther"), "{errs:?}");
        assert!(errs[0].hint.as_deref().unwrap().contains("author"), "{errs:?}");
        assert_eq!(errs[0].line, Some(4));
        let errs = parse(
            "title: a\nbase_url: https://x.cn/\ndefaults: 办公室\n",
            &Overrides::default(),
        )
        .unwrap_err();
        assert_eq!(errs[0].line, Some(3), "{errs:?}");
    }

    #[test]
    fn mourning_days() {
        let c = ok("title: a\nbase_url: https://x.cn/\nmourning: [2026-04-04~2026-04-06, 2026-12-13]\n");
        assert!(c.mourning.active_on(Date::new(2026, 4, 5).unwrap()));
        assert!(c.mourning.active_on(Date::new(2026, 12, 13).unwrap()));
        assert!(!c.mourning.active_on(Date::new(2026, 4, 7).unwrap()));
        assert_eq!(
            ok("title: a\nbase_url: https://x.cn/\nmourning: true\n").mourning,
            Mourning::Always
        );
    }
}
