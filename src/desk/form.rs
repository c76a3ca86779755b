//! The desk's form: which settings a column's kind has, how each is edited,
//! and the values a file holds for them. The same reading turns the file on
//! disk and the submitted form into values, so a setting counts as changed
//! only when the user changed it — and only changed lines are rewritten
//! (see [`crate::content::edit`]).

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::content::SourceFile;
use crate::content::front_matter::FrontMatter;
use crate::model::column::ColumnKind;
use crate::yaml::read;

/// How a setting is edited (see the desk's API in ARCHITECTURE.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Input {
    /// One line of text.
    Text,
    /// Several lines.
    Textarea,
    /// `YYYY-MM-DD HH:MM`.
    Datetime,
    Bool,
    /// Short texts, e.g. tags.
    List,
    Number,
    /// One of `options`, or empty.
    Select,
    /// Member ids or names.
    Members,
    /// A file in the post's folder.
    Image,
    /// `{file, title}` items, files in the post's folder.
    Attachments,
}

/// One setting of the form.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    #[serde(rename = "type")]
    pub input: Input,
    pub required: bool,
    pub hint: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub options: &'static [&'static str],
}

const fn field(key: &'static str, label: &'static str, input: Input, hint: &'static str) -> Field {
    Field {
        key,
        label,
        input,
        required: false,
        hint,
        options: &[],
    }
}

const fn required(mut f: Field) -> Field {
    f.required = true;
    f
}

const fn select(mut f: Field, options: &'static [&'static str]) -> Field {
    f.input = Input::Select;
    f.options = options;
    f
}

const TITLE: Field = required(field("title", "标题", Input::Text, ""));
const DATE: Field = field(
    "date",
    "日期",
    Input::Datetime,
    "发布时间；晚于现在的文章到时才出现在网站上",
);
const AUTHOR: Field = field("author", "作者", Input::Text, "例如 区政协办公室");
const SOURCE: Field = field("source", "来源", Input::Text, "");
const TAGS: Field = field(
    "tags",
    "标签",
    Input::List,
    "几个词，用顿号隔开，例如 协商议政、民主监督",
);
const TOPICS: Field = field("topics", "专题", Input::List, "所属专题，用顿号隔开");
const MEMBERS: Field = field("members", "涉及委员", Input::Members, "本文涉及的委员");
const SUMMARY: Field = field("summary", "摘要", Input::Textarea, "不写时自动取正文开头约 120 个字");
const COVER: Field = field("cover", "封面", Input::Image, "列表和首页上显示的图片");
const FEATURED: Field = field("featured", "首页焦点", Input::Bool, "出现在首页焦点区");
const DRAFT: Field = field("draft", "草稿", Input::Bool, "草稿不出现在网站上");
const ATTACHMENTS: Field = field("attachments", "附件", Input::Attachments, "PDF、Word、Excel 等文件");
const WEIGHT: Field = field("weight", "排序", Input::Number, "数字小的排在前面");

/// A notice's validity (see [`crate::model::validity`]).
const DOCUMENT_STATUS: [Field; 3] = [
    select(
        field(
            "status",
            "文件效力",
            Input::Select,
            "文件被修改、废止或失效时选择；仍然有效可不选",
        ),
        &["有效", "已修改", "已废止", "已失效"],
    ),
    field(
        "status_date",
        "变更日期",
        Input::Text,
        "修改、废止或失效的日期，例如 2026-05-01",
    ),
    field(
        "replaced_by",
        "替代文件",
        Input::Text,
        "现行文件：本站文章写 @/栏目文件夹/文件名.md，其他网站写网址",
    ),
];

/// The settings of a post in a column of `kind`, in the order shown.
pub fn fields(kind: ColumnKind) -> Vec<Field> {
    let dated = |own: &[Field]| {
        let mut list = vec![TITLE, required(DATE), AUTHOR, SOURCE];
        list.extend_from_slice(own);
        list.extend([TAGS, TOPICS, MEMBERS, SUMMARY, COVER, ATTACHMENTS, FEATURED, DRAFT]);
        list
    };
    match kind {
        // A 专题's own posts go to the sub-section their tags name.
        ColumnKind::News | ColumnKind::Topic => dated(&[]),
        ColumnKind::Notice => dated(&DOCUMENT_STATUS),
        ColumnKind::Speech => dated(&[
            field("speaker", "讲话人", Input::Text, "委员编号或姓名"),
            field("occasion", "场合", Input::Text, "例如 区政协十届五次会议开幕会"),
        ]),
        ColumnKind::Opinions => dated(&[field("topic", "议题", Input::Text, "例如 养老服务")]),
        ColumnKind::Study => {
            let mut list = vec![
                TITLE,
                DATE,
                AUTHOR,
                SOURCE,
                field(
                    "issue",
                    "期号",
                    Input::Text,
                    "同一期的材料写同样的期号，例如 2026年第1期",
                ),
            ];
            list.extend([TAGS, TOPICS, SUMMARY, COVER, ATTACHMENTS, DRAFT]);
            list
        }
        ColumnKind::Letters => vec![
            TITLE,
            required(DATE),
            required(field(
                "received",
                "受理日期",
                Input::Text,
                "收到并受理来信的日期，例如 2026-10-08",
            )),
            field(
                "letter",
                "来信摘要",
                Input::Textarea,
                "概括来信反映的问题和建议；不写来信人的姓名、电话、住址",
            ),
            field(
                "replied",
                "答复日期",
                Input::Text,
                "答复后填写，例如 2026-10-20；正文写答复内容",
            ),
            field("replier", "答复单位", Input::Text, "例如 区住房和城乡建设局"),
            TAGS,
            ATTACHMENTS,
            DRAFT,
        ],
        ColumnKind::Leaders => vec![
            required(field("name", "姓名", Input::Text, "")),
            field("roles", "职务", Input::Text, "例如 区政协副主席"),
            field(
                "duties",
                "分工",
                Input::Textarea,
                "例如 协助主席分管提案工作，联系提案委员会",
            ),
            field("photo", "照片", Input::Image, "不放照片时显示姓氏头像"),
            field(
                "member",
                "委员编号",
                Input::Text,
                "这位领导也是本站委员时写委员编号，两页互相链接",
            ),
            field("weight", "排序", Input::Number, "按职务从高到低，数字小的在前"),
            DRAFT,
        ],
        ColumnKind::Page => vec![TITLE, WEIGHT, SUMMARY, ATTACHMENTS, DRAFT],
        ColumnKind::Series => vec![
            TITLE,
            AUTHOR,
            field("weight", "章节顺序", Input::Number, "章节按它从小到大排列"),
            DRAFT,
        ],
        ColumnKind::Members => vec![
            required(field("name", "姓名", Input::Text, "")),
            field("photo", "照片", Input::Image, "不放照片时显示姓氏头像"),
            field("sector", "界别", Input::Text, "例如 经济界"),
            field("committee", "专委会", Input::List, "可写多个，用顿号隔开"),
            field("roles", "职务", Input::List, "例如 区政协常委"),
            field("party", "党派", Input::Text, "例如 中国民主建国会"),
            field("employer", "工作单位", Input::Text, "工作单位及职务"),
            field("term", "届次", Input::Text, "例如 第十届"),
            DRAFT,
        ],
        ColumnKind::Proposals => vec![
            TITLE,
            DATE,
            field("number", "提案号", Input::Text, "例如 10-5-006"),
            required(field("session", "会议", Input::Text, "例如 十届五次会议")),
            field(
                "proposers",
                "提案人",
                Input::Members,
                "选委员，或写集体名称，例如 民建区委会",
            ),
            field("category", "类别", Input::Text, "例如 经济建设"),
            required(select(
                field("status", "状态", Input::Select, ""),
                &["立案", "不予立案", "办理中", "已办复"],
            )),
            field("handler", "承办单位", Input::Text, ""),
            field("reply", "答复", Input::Textarea, "答复摘要"),
            select(
                field(
                    "result",
                    "办理结果",
                    Input::Select,
                    "已办复后填写：A 已解决或采纳，B 正在解决或列入计划，C 留作参考",
                ),
                &["A", "B", "C"],
            ),
            select(
                field("satisfaction", "满意度", Input::Select, "已办复后填写"),
                &["满意", "基本满意", "不满意"],
            ),
            TAGS,
            ATTACHMENTS,
            DRAFT,
        ],
    }
}

/// The values a file holds for `fields`, as the form shows them: texts,
/// lists of texts, true/false, numbers, attachments. Missing ones are
/// null, empty lists or false.
pub fn values(file: &SourceFile, fields: &[Field]) -> Map<String, Value> {
    let meta = &file.meta;
    fields.iter().map(|f| (f.key.to_string(), value(meta, f))).collect()
}

fn value(meta: &FrontMatter, field: &Field) -> Value {
    let text = |v: &Option<String>| v.as_ref().map_or(Value::Null, |s| json!(s));
    let list = |v: &[String]| json!(v);
    match field.key {
        "title" => text(&meta.title),
        "author" => text(&meta.author),
        "source" => text(&meta.source),
        "summary" => text(&meta.summary),
        "cover" => text(&meta.cover),
        "speaker" => text(&meta.speaker),
        "occasion" => text(&meta.occasion),
        "topic" => text(&meta.topic),
        "tags" => list(&meta.tags),
        "topics" => list(&meta.topics),
        "members" => list(&meta.members),
        "featured" => json!(meta.featured),
        "draft" => json!(meta.draft),
        "weight" => meta.weight.map_or(Value::Null, |w| json!(w)),
        "date" => meta
            .date
            .as_ref()
            .map_or(Value::Null, |d| json!(d.strftime("%Y-%m-%d %H:%M").to_string())),
        "attachments" => Value::Array(
            meta.attachments
                .iter()
                .map(|a| json!({"file": a.file, "title": a.title}))
                .collect(),
        ),
        key => {
            let raw = meta.extra.get(key).unwrap_or(&Value::Null);
            normalize(field, raw)
        }
    }
}

/// A submitted or stored value in the form's shape for `field`; `None` when
/// it cannot have that shape (a list where one text belongs).
pub fn normalize(field: &Field, v: &Value) -> Value {
    match field.input {
        Input::Text | Input::Textarea | Input::Datetime | Input::Select | Input::Image => read::string(v)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .map_or(Value::Null, Value::String),
        Input::Bool => Value::Bool(read::boolean(v).unwrap_or(false)),
        Input::Number => read::integer(v).map_or(Value::Null, |n| json!(n)),
        Input::List | Input::Members => {
            let items: Vec<String> = match v {
                Value::String(s) => s
                    .split(['、', '，', ',', ';', '；', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                other => read::string_list(other)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            };
            json!(items)
        }
        Input::Attachments => {
            let items = match v {
                Value::Array(items) => items.clone(),
                _ => Vec::new(),
            };
            Value::Array(
                items
                    .iter()
                    .filter_map(|item| {
                        let file = item.get("file").and_then(read::string)?.trim().to_string();
                        if file.is_empty() {
                            return None;
                        }
                        let title = item.get("title").and_then(read::string).unwrap_or_default();
                        Some(json!({"file": file, "title": title.trim()}))
                    })
                    .collect(),
            )
        }
    }
}

/// The settings whose submitted value differs from the file's, with the new
/// values in the shape the file is written in.
pub fn changes(fields: &[Field], old: &Map<String, Value>, submitted: &Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for field in fields {
        let Some(raw) = submitted.get(field.key) else {
            continue;
        };
        let new = normalize(field, raw);
        let before = old.get(field.key).cloned().unwrap_or(Value::Null);
        if new != before {
            // An unticked box is written `false` only where it was written before.
            out.push((field.key.to_string(), new));
        }
    }
    out
}

/// The required settings left empty, as (key, message).
pub fn missing(fields: &[Field], submitted: &Map<String, Value>) -> Vec<(&'static str, String)> {
    fields
        .iter()
        .filter(|f| f.required)
        .filter(|f| {
            let v = normalize(f, submitted.get(f.key).unwrap_or(&Value::Null));
            v.is_null() || v.as_array().is_some_and(Vec::is_empty)
        })
        .map(|f| (f.key, format!("“{}”必须填写", f.label)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceFile {
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        crate::content::parse_text("yaowen/a.md".into(), text.into(), &tz)
            .0
            .unwrap()
    }

    #[test]
    fn a_file_and_its_form_agree_until_the_user_changes_something() {
        let file = source(
            "---\n标题: 会议\ndate: 2026-01-02 09:00\ntags: 甲、乙\nfeatured: 是\n附件:\n  - file: a.pdf\n    title: 方案\n---\n正文\n",
        );
        let fields = fields(ColumnKind::News);
        let old = values(&file, &fields);
        assert_eq!(old["title"], json!("会议"));
        assert_eq!(old["date"], json!("2026-01-02 09:00"));
        assert_eq!(old["tags"], json!(["甲", "乙"]));
        assert_eq!(old["featured"], json!(true));
        assert_eq!(old["attachments"], json!([{"file": "a.pdf", "title": "方案"}]));
        assert!(changes(&fields, &old, &old).is_empty());

        let mut form = old.clone();
        form.insert("tags".into(), json!("甲，乙"));
        form.insert("author".into(), json!("  "));
        assert!(
            changes(&fields, &old, &form).is_empty(),
            "same values written differently"
        );
        form.insert("title".into(), json!("会议召开"));
        assert_eq!(
            changes(&fields, &old, &form),
            vec![("title".to_string(), json!("会议召开"))]
        );
    }

    #[test]
    fn required_settings_are_named() {
        let fields = fields(ColumnKind::News);
        let form: Map<String, Value> = serde_json::from_value(json!({"title": "甲", "date": ""})).unwrap();
        let missing = missing(&fields, &form);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].0, "date");
        assert!(missing[0].1.contains("日期"));
    }

    #[test]
    fn a_notice_has_its_validity_with_the_fixed_choices() {
        let file = source("---\n标题: 通知\n状态: 已废止\n替代文件: \"@/tongzhi/b.md\"\n---\n");
        let fields = fields(ColumnKind::Notice);
        let status = fields.iter().find(|f| f.key == "status").unwrap();
        assert_eq!(status.input, Input::Select);
        assert_eq!(status.options, ["有效", "已修改", "已废止", "已失效"]);
        let v = values(&file, &fields);
        assert_eq!(v["status"], json!("已废止"));
        assert_eq!(v["replaced_by"], json!("@/tongzhi/b.md"));
        assert_eq!(v["status_date"], Value::Null);
        assert!(super::fields(ColumnKind::News).iter().all(|f| f.key != "status"));
    }

    #[test]
    fn kind_settings_come_from_the_extra_map() {
        let file = source("---\nname: 张伟\n届次: 第十届\ncommittee: [经济委员会]\n---\n");
        let v = values(&file, &fields(ColumnKind::Members));
        assert_eq!(v["name"], json!("张伟"));
        assert_eq!(v["term"], json!("第十届"));
        assert_eq!(v["committee"], json!(["经济委员会"]));
        assert_eq!(v["photo"], Value::Null);
    }
}
