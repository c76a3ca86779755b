//! `tongxin init <文件夹>`: a new, small, working site to start from.
//!
//! It has site.yaml with every setting explained in Chinese, one column of each
//! kind with one example each (dated the day of `init`, so that `check` finds
//! the site fresh), and the default theme, which is built into the binary (see
//! build.rs) so that `init` works from any folder. The new site builds and
//! passes `tongxin check` with no findings as it is.

use std::path::PathBuf;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::diagnostics::{Diagnostic, display_path, io_reason};

/// The default theme, embedded at compile time.
pub mod theme {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// The time zone written into the new site.
const TIMEZONE: &str = "Asia/Shanghai";

#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The folder to create the site in: missing or empty.
    pub dir: PathBuf,
    /// The day the examples are dated; tests fix it, users never set it.
    pub now: Option<Timestamp>,
}

impl InitOptions {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        InitOptions {
            dir: dir.into(),
            now: None,
        }
    }
}

/// What `init` wrote.
#[derive(Debug)]
pub struct Initialized {
    pub dir: PathBuf,
    /// Files written, theme included.
    pub files: usize,
    /// What to do next, in Chinese, for the user.
    pub next: String,
}

/// Creates the site; refuses a folder that already has something in it.
pub fn init(options: &InitOptions) -> Result<Initialized, Diagnostic> {
    let dir = &options.dir;
    let shown = display_path(dir);
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Diagnostic::error(dir, "这是一个文件，不是文件夹")
                .hint("换一个还不存在的文件夹名，例如 tongxin init xinzhan"));
        }
        let mut entries = std::fs::read_dir(dir).map_err(|e| {
            Diagnostic::error(dir, format!("无法读取这个文件夹（{}）", io_reason(&e)))
                .hint("检查文件夹的权限，或换一个文件夹")
        })?;
        if entries.next().is_some() {
            return Err(Diagnostic::error(dir, "这个文件夹里已经有文件，不能在这里新建网站")
                .hint("为了不覆盖已有的文件，新网站只能建在空文件夹或还不存在的文件夹里：换一个文件夹名，例如 tongxin init xinzhan"));
        }
    }
    let tz = crate::dates::time_zone(TIMEZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = options.now.unwrap_or_else(Timestamp::now).to_zoned(tz).date();

    let mut files: Vec<(String, Vec<u8>)> = site_files(today)
        .into_iter()
        .map(|(path, text)| (path.to_string(), text.into_bytes()))
        .collect();
    files.extend(
        theme::FILES
            .iter()
            .map(|(path, bytes)| (format!("themes/default/{path}"), bytes.to_vec())),
    );
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, bytes));
        if let Err(e) = written {
            return Err(
                Diagnostic::error(&path, format!("无法写入“{}”（{}）", display_path(&path), io_reason(&e)))
                    .hint("检查磁盘空间和文件夹的写入权限，删去写了一半的文件夹后重新运行"),
            );
        }
    }
    let cd = if shown.contains(char::is_whitespace) {
        format!("cd \"{shown}\"")
    } else {
        format!("cd {shown}")
    };
    let next = format!(
        "接下来：\n  1. {cd}\n  2. 打开 site.yaml，把网站名称、网址、主办单位、备案号等换成本单位的实际信息（每一项都有说明）\n  3. 运行 tongxin serve 在浏览器里预览（或 tongxin build 生成到 public/ 文件夹）\n  4. 文章写在 content/ 下各栏目的文件夹里，新建文章用 tongxin new 栏目 标题，例如：tongxin new yaowen 县政协召开常委会会议\n  5. 示例文章都标有“示例”，换成本单位的稿件后删去；发布前运行 tongxin check"
    );
    Ok(Initialized {
        dir: dir.clone(),
        files: files.len(),
        next,
    })
}

/// Every folder of the new site's columns: (folder, kind).
pub const COLUMNS: &[(&str, &str)] = &[
    ("yaowen", "news"),
    ("tongzhi", "notice"),
    ("lingdao", "leaders"),
    ("jianghua", "speech"),
    ("sheqing", "opinions"),
    ("weiyuan", "members"),
    ("tian", "proposals"),
    ("laixin", "letters"),
    ("zhuanti", "topic"),
    ("wenshi", "series"),
    ("xuexi", "study"),
    ("guanyu", "page"),
];

/// The site's own files (not the theme), dated `today`.
fn site_files(today: Date) -> Vec<(&'static str, String)> {
    let d = today.to_string();
    let year = today.year();
    let cn = crate::dates::chinese(today);
    let month_day = format!("{}月{}日", today.month(), today.day());
    vec![
        ("site.yaml", SITE_YAML.to_string()),
        (
            "content/_index.md",
            "---\ntitle: 首页\n# 首页各板块的条数和栏目可以调整，见同心说明文档 docs/栏目类型.md 的“首页”一节，例如：\n# 新闻条数: 8\n---\n\n欢迎访问示例县政协网站。这段欢迎文字写在 content/_index.md 里，请换成本单位的介绍。\n"
                .to_string(),
        ),
        (
            "content/yaowen/_index.md",
            "---\ntitle: 政协要闻\nkind: news          # 栏目类型：新闻\nweight: 1           # 在导航中的顺序\npage_size: 20       # 每页条数\ndescription: 县政协重要会议和重点工作动态。\nsource: 示例县政协   # 用 tongxin new 新建本栏目文章时自动填入的来源\nauthor: 县政协办公室  # 用 tongxin new 新建本栏目文章时自动填入的作者\n---\n\n本栏目发布县政协全体会议、常委会会议等重要会议和活动的报道。\n".to_string(),
        ),
        (
            "content/yaowen/changweihui-zhaokai.md",
            format!(
                "---\n# 示例文章：换成本单位的稿件后删去\ntitle: 示例县政协召开常委会会议\ndate: {d}\nauthor: 县政协办公室\nsource: 示例县政协\ntags: [协商议政]\ntopics: [示例专题]   # 专题：写上专题的名称，文章就汇集到专题页上\nmembers: [shili-weiyuan]\n---\n\n这是一篇示例文章，演示新闻类栏目的写法，请换成本单位的稿件。\n\n{month_day}，示例县政协召开常委会会议，围绕全县中心工作协商议政。示例委员在会上作了发言。\n\n## 会议议程\n\n正文可以从 Word、WPS 直接粘贴。小标题写成“## 小标题”，图片放在与文章同名的文件夹里。\n"
            ),
        ),
        (
            "content/tongzhi/_index.md",
            "---\ntitle: 通知公告\nkind: notice        # 栏目类型：通知公告，更新周期按 180 天计\nweight: 2\ndescription: 县政协发布的会议通知和公告。\nsource: 示例县政协\n---\n".to_string(),
        ),
        (
            "content/tongzhi/huiyi-tongzhi.md",
            format!(
                "---\n# 示例文章：换成本单位的稿件后删去\ntitle: 关于召开示例县政协常委会会议的通知\ndate: {d}\nsource: 示例县政协\n---\n\n这是一篇示例通知，请换成本单位的稿件。\n\n各位常委：\n\n县政协定于{cn}召开常委会会议，请准时参加。\n"
            ),
        ),
        (
            "content/lingdao/_index.md",
            "---\ntitle: 领导之窗\nkind: leaders       # 栏目类型：领导之窗，每位领导一个文件，按 weight 排列\nweight: 2\ndescription: 县政协主席会议成员的职务、分工和简历。\n---\n".to_string(),
        ),
        (
            "content/lingdao/shili-zhuxi.md",
            "---\n# 示例领导：换成本单位主席会议成员的资料后删去\nname: 示例委员\nroles: 县政协主席         # 职务\nduties: 主持县政协全面工作   # 分工\nmember: shili-weiyuan     # 委员编号：也是本站委员时写，两页互相链接\nweight: 1                 # 排序：数字小的在前\n---\n\n这是一位示例领导，正文写简历，请换成本单位的资料。讲话人写他的姓名或文件名的讲话、涉及委员里写他的文章，会自动列在这个页面上。\n".to_string(),
        ),
        (
            "content/jianghua/_index.md",
            "---\ntitle: 领导讲话\nkind: speech        # 栏目类型：领导讲话，显示讲话人和场合\nweight: 3\ndescription: 县政协领导在重要会议上的讲话。\n---\n".to_string(),
        ),
        (
            "content/jianghua/changweihui-jianghua.md",
            format!(
                "---\n# 示例文章：换成本单位的稿件后删去\ntitle: 在示例县政协常委会会议上的讲话\ndate: {d}\nspeaker: shili-weiyuan    # 讲话人：委员编号或姓名；是本站委员时链接到委员页\noccasion: 示例县政协常委会会议\nsource: 示例县政协\n---\n\n这是一篇示例讲话，请换成本单位的讲话稿。\n\n同志们：这次常委会会议的主要任务是围绕全县中心工作协商议政。\n"
            ),
        ),
        (
            "content/sheqing/_index.md",
            "---\ntitle: 社情民意\nkind: opinions      # 栏目类型：社情民意，显示议题\nweight: 4\ndescription: 委员和各界群众反映的社情民意信息。\n---\n".to_string(),
        ),
        (
            "content/sheqing/yanglao-fuwu.md",
            format!(
                "---\n# 示例文章：换成本单位的稿件后删去\ntitle: 关于完善社区养老服务的建议\ndate: {d}\ntopic: 养老服务\ntopics: [示例专题]\nsource: 示例县政协\nmembers: [shili-weiyuan]\n---\n\n这是一篇示例社情民意信息，请换成本单位的稿件。\n\n示例委员反映，部分社区养老服务设施利用率不高，建议因地制宜完善助餐、助医等服务。\n"
            ),
        ),
        (
            "content/weiyuan/_index.md",
            "---\ntitle: 委员风采\nkind: members       # 栏目类型：委员风采，每位委员一个文件，文件名就是委员编号\nweight: 5\ndescription: 县政协委员的基本情况和履职记录。\n---\n".to_string(),
        ),
        (
            "content/weiyuan/shili-weiyuan.md",
            "---\n# 示例委员：换成本单位委员的资料后删去；委员编号就是文件名 shili-weiyuan\nname: 示例委员\nsector: 经济界\ncommittee: [经济委员会]\nroles: [县政协常委]\nparty: 中国民主建国会\nemployer: 示例县某企业负责人\nterm: 第十届\n---\n\n这是一位示例委员，请换成本单位委员的简介；新增委员可运行 `tongxin new 委员风采 姓名`。委员的提案、讲话和参加的活动会自动汇集在这个页面上。\n".to_string(),
        ),
        (
            "content/tian/_index.md",
            "---\ntitle: 提案工作\nkind: proposals     # 栏目类型：提案工作，按会议自动统计\nweight: 6\ndescription: 县政协委员提案及其办理情况。\n---\n".to_string(),
        ),
        (
            "content/tian/10-1-001-yanglao-fuwu.md",
            format!(
                "---\n# 示例提案：换成本单位的提案后删去\ntitle: 关于完善社区养老服务设施的提案\ndate: {d}\nnumber: \"10-1-001\"\nsession: 十届一次会议\nproposers: [shili-weiyuan]\ncategory: 社会事业\nstatus: 办理中       # 立案、不予立案、办理中、已办复\nhandler: 县民政局\n---\n\n这是一件示例提案，请换成本单位的提案。\n\n建议统筹规划社区养老服务设施，提高助餐、助医等服务的覆盖面。\n"
            ),
        ),
        (
            "content/laixin/_index.md",
            "---\ntitle: 来信选登\nkind: letters       # 栏目类型：来信选登，按年份统计受理和答复\nweight: 6\nreply_days: 15      # 答复时限（天）：用时超过它的答复单独统计\ndescription: 选登主席信箱来信和有关单位的答复。\n---\n".to_string(),
        ),
        (
            "content/laixin/gongjiao-banci.md",
            format!(
                "---\n# 示例来信：换成本单位选登的来信后删去\ntitle: 关于增开早班公交的建议\ndate: {d}\nreceived: {d}       # 受理日期\nletter: 来信建议增开乡镇到县城的早班公交。   # 来信摘要：不写来信人的姓名、电话、住址\nreplied: {d}        # 答复日期：还没有答复时删去这一行，正文留空\nreplier: 县交通运输局   # 答复单位\nsource: 示例县政协\n---\n\n这是一封示例来信的答复，请换成本单位选登的来信。正文写答复内容。\n\n来信收悉。经调查，县交通运输局已会同公交公司调整早高峰班次。\n"
            ),
        ),
        (
            "content/zhuanti/_index.md",
            format!(
                "---\n# 示例专题：换成本单位的专题后删去（或把它当作第一个专题来改）\ntitle: 示例专题\nkind: topic         # 栏目类型：专题，汇集各栏目“专题”写了它的文章\nstart: {d}     # 开始日期：从这天起首页显示本专题\n# end: {year}-12-31     # 结束日期：这天过后专题离开首页，进入“往期专题”\n# banner: hengfu.jpg   # 横幅图片，放在本文件夹里\ndescription: 示例专题的一句话介绍。\nsections:           # 分栏：文章按所在栏目（或标签）归入，按这里的顺序显示\n  - name: 专题报道\n    columns: [yaowen]\n  - name: 委员建言\n    columns: [sheqing]\n---\n\n这是一个示例专题，正文写专题介绍，请换成本单位的专题。其他栏目的文章在“topics”（专题）里写上“示例专题”，就会出现在这里。\n"
            ),
        ),
        (
            "content/wenshi/_index.md",
            "---\ntitle: 文史资料\nkind: series        # 栏目类型：文史资料，每本书一个文件夹\nweight: 7\ndescription: 县政协征集编印的地方文史资料。\n---\n".to_string(),
        ),
        (
            "content/wenshi/shili-wenshi/_index.md",
            format!(
                "---\n# 示例书：换成本单位的文史资料后删去\ntitle: 示例文史资料\neditor: 县政协文史委员会\nyear: {year}\npublisher: 示例县政协编印\n---\n\n这是一本示例书，书的前言写在这里，请换成本单位的文史资料。\n"
            ),
        ),
        (
            "content/wenshi/shili-wenshi/01-laojie-yishi.md",
            "---\n# 示例章节：换成本单位的文章后删去\ntitle: 老街忆事\nauthor: 县政协文史委员会\n---\n\n这是一篇示例章节，请换成本单位征集的文史文章。各章按文件名或 weight 排序。\n".to_string(),
        ),
        (
            "content/xuexi/_index.md",
            "---\ntitle: 学习园地\nkind: study         # 栏目类型：学习园地，按期号分组\nweight: 8\ndescription: 县政协按期编发的学习资料。\n---\n".to_string(),
        ),
        (
            "content/xuexi/xingzhi-dingwei.md",
            format!(
                "---\n# 示例学习材料：换成本单位的材料后删去\ntitle: 学习人民政协的性质定位\ndate: {d}\nissue: {year}年第1期\nsource: 示例县政协\n---\n\n这是一篇示例学习材料，请换成本单位的学习资料。附件（PDF、Word 文件）可以用 attachments 列出。\n"
            ),
        ),
        (
            "content/guanyu/_index.md",
            "---\ntitle: 关于我们\nkind: page          # 栏目类型：单页\nweight: 9\ndescription: 县政协简介和联系方式。\n---\n".to_string(),
        ),
        (
            "content/guanyu/lianxi.md",
            "---\n# 示例页面：换成本单位的实际信息\ntitle: 联系我们\nweight: 1\n---\n\n这是一个示例页面，请换成本单位的联系方式。site.yaml 的建言渠道指向这个页面。\n\n- 地址：示例县人民路1号\n- 电话：0000-12345678\n- 邮箱：bgs@example.cn\n".to_string(),
        ),
    ]
}

/// site.yaml of a new site: every setting, with what it does.
const SITE_YAML: &str = r#"# 网站设置。每一项都可以用中文名，例如“网站名称: 示例县政协”与“title: 示例县政协”相同。
# 冒号用半角，冒号后面加一个空格；写错或不认识的设置名会报错并提示正确写法。
# 下面的值都是示例，请换成本单位的实际信息。

title: 示例县政协                      # 网站名称：显示在页头和浏览器标签上
base_url: https://www.example.cn/      # 网址：网站发布后的完整网址，可以带子路径，如 https://www.example.cn/zx/
description: 示例县政协门户网站        # 网站简介：搜索引擎和分享时显示
language: zh-CN                        # 语言：一般不用改
theme: default                         # 主题：themes/ 下的文件夹名
timezone: Asia/Shanghai                # 时区：发布时间按这个时区计算，一般不用改
# logo: /img/logo.png                  # 标志：页头的徽标图片，放在 static/ 里；不写时用网站名称的第一个字

organization:                          # 主办单位：显示在页脚，检查时必查
  name: 中国人民政治协商会议示例县委员会   # 名称
  address: 示例县人民路1号                # 地址
  phone: 0000-12345678                    # 电话（电话和邮箱至少写一项）
  email: bgs@example.cn                   # 邮箱

identity:                              # 网站标识：显示在页脚，检查时必查
  icp: 明ICP备00000000号-1               # ICP备案号：照工信部备案系统里的写法填写
  police: 明公网安备 00000000000000号      # 公安备案号
  site_code: "0000000000"                # 网站标识码：10 位，写在英文引号里

suggestion:                            # 建言渠道：主席信箱等在线意见建议渠道，显示在页脚；没有时检查单项否决
  title: 主席信箱                        # 名称
  url: /guanyu/lianxi/                   # 网址：本站页面、mailto:邮箱或外部网址

nav: [yaowen, tongzhi, lingdao, jianghua, sheqing, weiyuan, tian, laixin, wenshi, xuexi, guanyu]   # 导航：栏目文件夹名，按显示顺序

mourning: false                        # 哀悼模式：true 全站变灰；或日期列表 [2026-04-04, 2026-12-13]，日期段写成 2026-04-04~2026-04-06

defaults:                              # 新文章默认值：tongxin new 新建文章时填入；栏目 _index.md 里的 author、source 优先
  author: 县政协办公室                   # 作者
  source: 示例县政协                     # 来源

images:                                # 图片：照片缩成哪几种宽度、用什么质量发布（手机照片可以原样放进文章文件夹）
  widths: [480, 960, 1600]               # 宽度：像素，16 到 4096；网页按访客屏幕挑合适的一张
  quality: 80                            # 质量：1 到 100，越大越清晰、文件越大

# deploy:                              # 发布：tongxin deploy 把网站复制到哪里；去掉这两行开头的“#”再改成实际的文件夹
#   target: /var/www/zx                #   目标：网站服务器的目录或共享文件夹（Windows 上如 Z:/zx），密码不要写在这里
#                                      #   SFTP 服务器写 sftp://用户名@服务器地址/文件夹，密码放在环境变量 TONGXIN_DEPLOY_PASSWORD 里
#                                      #   对象存储（OSS、COS、OBS）写 s3://存储桶名/文件夹，另加下面两行；
#   endpoint: https://oss-cn-beijing.aliyuncs.com   #   服务地址：存储桶概览里的“地域节点”或访问域名
#   region: oss-cn-beijing             #   地域；访问密钥放在环境变量 AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY 里

extra: {}                              # 扩展：给模板用的自定义值，例如换成下面两行
#   hotline: 0000-12345678               #   模板里用 site.extra.hotline 取到

check:                                 # 检查：tongxin check 发布前检查的设置，详见 docs/发布前检查.md
  ignore: []                             # 忽略：不查的规则，例如 [text-space]
  attachment_max_mb: 20                  # 附件上限：附件超过多少 MB 时提醒（手机上下载太慢）
  # levels: { meta-author: 提示 }        # 级别：改变规则的级别（错误、警告、提示、关闭）
  # wording:                             # 用语：扩充或删减用语词表
  #   add: { 错误写法: 正确写法 }
  #   remove: [其它]
  #   file: yongyu.tsv                   # 网站自己的词表文件
  # external:                            # 外部链接（--external 时）
  #   timeout: 10                        # 超时秒数
  #   per_host: 2                        # 每站并发
  #   cache_days: 7                      # 缓存天数
"#;
