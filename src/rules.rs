//! The rules of `tongxin check`: each one's stable id, Chinese name and
//! default severity, in one table. Every stage may file a problem it reports
//! under one (a missing photo is `link-image` in `build` and in `check`);
//! `check` and docs/发布前检查.md are where users meet them.

use serde::Serialize;

/// How serious a finding is. Errors make `check` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    pub fn chinese(self) -> &'static str {
        match self {
            Level::Error => "错误",
            Level::Warning => "警告",
            Level::Info => "提示",
        }
    }

    /// `错误` / `error` …; `None` for anything else.
    pub fn parse(text: &str) -> Option<Level> {
        match crate::config::normalize_level(text)? {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            _ => None,
        }
    }
}

/// Declares [`Rule`] from one table, so that a rule's id, name and level are
/// written once and every `match` on a rule is exhaustive.
macro_rules! rules {
    ($($variant:ident => ($id:literal, $name:literal, $level:ident),)*) => {
        /// A rule of `tongxin check`. Ids are what users write in `ignore`
        /// and what the JSON report carries; they never change meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            /// Every rule, in the order reports list them.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable id, e.g. `link-image`.
            pub const fn id(self) -> &'static str {
                match self {
                    $(Rule::$variant => $id,)*
                }
            }

            /// What users call it; also accepted wherever an id is.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)*
                }
            }

            /// The default level.
            pub const fn level(self) -> Level {
                match self {
                    $(Rule::$variant => Level::$level,)*
                }
            }
        }
    };
}

rules! {
    FreshHome => ("fresh-home", "首页更新", Error),
    FreshColumn => ("fresh-column", "栏目更新", Warning),
    FreshEmpty => ("fresh-empty", "空白栏目", Warning),
    FreshVeto => ("fresh-veto", "单项否决", Error),
    FreshReply => ("fresh-reply", "来信答复", Warning),
    LinkInternal => ("link-internal", "站内链接", Error),
    LinkImage => ("link-image", "图片", Error),
    LinkAttachment => ("link-attachment", "附件", Error),
    LinkAnchor => ("link-anchor", "锚点", Warning),
    LinkTheme => ("link-theme", "模板链接", Error),
    LinkExternal => ("link-external", "外部链接", Warning),
    LinkScript => ("link-script", "脚本链接", Error),
    Placeholder => ("placeholder", "占位符", Error),
    Wording => ("wording", "用语", Error),
    TextSpace => ("text-space", "多余空格", Warning),
    TextPunct => ("text-punct", "半角标点", Warning),
    TextDigits => ("text-digits", "全角数字", Warning),
    TextRepeat => ("text-repeat", "重复标点", Warning),
    TextPair => ("text-pair", "引号括号配对", Warning),
    MetaDate => ("meta-date", "发布日期", Error),
    MetaFuture => ("meta-future", "未来日期", Warning),
    MetaTitleDup => ("meta-title-dup", "标题重复", Warning),
    MetaSource => ("meta-source", "信息来源", Warning),
    MetaAuthor => ("meta-author", "作者", Warning),
    MetaAlt => ("meta-alt", "图片说明", Warning),
    MetaAttachmentSize => ("meta-attachment-size", "附件大小", Warning),
    MetaVideoSize => ("meta-video-size", "视频大小", Warning),
    MetaTopic => ("meta-topic", "专题名称", Warning),
    IdentityIcp => ("identity-icp", "ICP备案号", Error),
    IdentityPolice => ("identity-police", "公安备案号", Error),
    IdentitySiteCode => ("identity-site-code", "网站标识码", Error),
    IdentityOrganization => ("identity-organization", "主办单位", Error),
    IdentityContact => ("identity-contact", "联系方式", Warning),
    IdentitySuggestion => ("identity-suggestion", "建言渠道", Error),
    IdentitySecret => ("identity-secret", "设置里的密码", Error),
    EncodingLegacy => ("encoding-legacy", "文件编码", Warning),
    EncodingBom => ("encoding-bom", "BOM", Info),
    Build => ("build", "生成", Error),
    CheckConfig => ("check-config", "检查设置", Warning),
}

impl Rule {
    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// The family: the part of the id before its first `-`.
    pub fn family(self) -> &'static str {
        let id = self.id();
        id.split('-').next().unwrap_or(id)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> serde::Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Rule::from_id(&id).ok_or_else(|| serde::de::Error::custom(format!("unknown rule {id}")))
    }
}
