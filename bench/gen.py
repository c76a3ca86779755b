#!/usr/bin/env python3
"""生成基准测试用的合成站点（Tongxin 与 Hugo 各一份，内容相同）。

用法：
    python3 bench/gen.py N OUTDIR [--seed S] [--end-date YYYY-MM-DD]

在 OUTDIR 下生成：
    OUTDIR/tongxin/   Tongxin 站点（site.yaml、content/、themes/default 符号链接）
    OUTDIR/hugo/      等价的 Hugo 站点（hugo.toml、content/、layouts/）

两个站点的文章正文与前言（front matter）逐字节相同：N 篇中文文章，
分布在 4 个栏目中。每篇约 1,500 个汉字，含 3–4 个二级标题、一个无序列表、
两个链接（一个指向另一篇文章的 URL 路径，一个指向 https://www.example.cn/...），
1–3 个标签（取自 20 个中文标签）。日期分布在截止日期前的三年内。
相同的 N、种子和截止日期生成完全相同的站点。

只用 Python 标准库。
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------------------
# 站点结构
# ---------------------------------------------------------------------------

SITE_TITLE = "基准测试政协"
BASE_URL = "https://bench.example.cn"

# (目录名, 栏目名称, 类型, 权重, 文章占比)
COLUMNS = [
    ("yaowen", "政协要闻", "news", 1, 0.40),
    ("lvzhi", "履职动态", "news", 2, 0.30),
    ("tongzhi", "通知公告", "notice", 3, 0.10),
    ("sheqing", "社情民意", "opinions", 4, 0.20),
]

PAGE_SIZE = 20

# 正文篇幅的目标（按汉字计）。段落写满目标后才停，实际会略多一些；
# BODY_CHARS 经过校准，使全文（含标题、列表、链接文字）平均约 1,500 字。
BODY_CHARS = 1100
INTRO_CHARS = 100

# ---------------------------------------------------------------------------
# 词语与短语库（自行编写）
# ---------------------------------------------------------------------------

TAGS = [
    "乡村振兴", "民主监督", "协商议政", "提案工作", "委员履职",
    "基层治理", "民生保障", "生态环境", "营商环境", "教育发展",
    "医疗卫生", "养老服务", "文化传承", "科技创新", "城市更新",
    "界别活动", "调查研究", "社情民意", "团结联谊", "自身建设",
]

ORGS = [
    "区政协", "市政协", "县政协", "政协常委会", "政协主席会议",
    "提案委员会", "经济委员会", "社会和法制委员会", "文化文史和学习委员会",
    "人口资源环境委员会", "农业和农村委员会", "政协机关", "街道政协工委",
    "各民主党派区委", "区工商联", "政协委员联络组",
]

LEADERS = [
    "区政协主席", "区政协党组书记、主席", "区政协副主席", "区政协秘书长",
    "市政协副主席", "县政协主席", "政协党组副书记", "专委会主任",
]

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉玲红梅林波宁斌鹏宇浩凯健俊帆")

TOPICS = [
    "乡村振兴", "基层社会治理", "生态环境保护", "养老服务体系建设",
    "义务教育优质均衡发展", "优化营商环境", "老旧小区改造", "文化和旅游融合发展",
    "数字经济发展", "农村人居环境整治", "基层医疗卫生服务能力提升", "稳就业促创业",
    "科技创新平台建设", "城市更新", "食品安全监管", "防汛抗旱和防灾减灾",
    "民营经济高质量发展", "非物质文化遗产保护", "社区嵌入式服务设施建设",
    "中小学生心理健康", "农村集体经济发展", "高标准农田建设", "河湖长制落实",
    "垃圾分类", "托育服务", "历史文化街区保护", "新能源汽车充电设施布局",
    "背街小巷整治", "农产品品牌培育", "职业教育产教融合",
]

STAKES = [
    "群众切身利益", "高质量发展全局", "地方经济社会发展大局", "民生福祉",
    "城乡融合发展", "社会和谐稳定", "人民群众的获得感、幸福感、安全感",
]

ACTIONS = [
    "深入开展专题调研", "召开专题协商会", "组织委员开展视察", "开展民主监督",
    "举办对口协商座谈会", "开展重点提案督办", "召开界别协商会", "组织“委员进社区”活动",
    "开展“请你来协商”活动", "召开提案办理协商会",
]

PLACES = [
    "城东街道", "城西街道", "滨河社区", "桃源村", "青山镇", "工业园区",
    "高新技术产业开发区", "区人民医院", "实验小学", "区社会福利中心",
    "柳林村", "南湖社区", "农业科技示范园", "老城片区", "区政务服务中心",
    "新港镇", "石桥村", "文化馆", "区图书馆", "金山社区",
]

DEPTS = [
    "区发展改革局", "区教育局", "区民政局", "区卫生健康局", "区农业农村局",
    "区住房城乡建设局", "区生态环境分局", "区人力资源社会保障局", "区商务局",
    "区文化旅游体育局", "区市场监管局", "区城市管理局", "区水务局", "区科技局",
]

OPINIONS = [
    "要坚持问题导向，把群众反映强烈的难点堵点作为协商议政的重点",
    "要加强部门协同，形成工作合力，推动各项政策措施落地见效",
    "要注重建章立制，把好经验好做法固化为长效机制",
    "要发挥委员专业优势，提出务实管用、可操作性强的意见建议",
    "要坚持建言资政和凝聚共识双向发力，广泛宣传党的方针政策",
    "要加大资金投入力度，优化资源配置，补齐公共服务短板",
    "要强化跟踪问效，确保协商成果转化为推动工作的实际成效",
    "要把调研的重点放在基层一线，多听取群众的真实声音",
    "要统筹发展和安全，守牢底线，稳步推进各项工作",
    "要坚持因地制宜、分类施策，避免简单化、一刀切",
]

RESULTS = [
    "形成了一批有分量的调研成果",
    "为党委政府科学决策提供了参考",
    "推动了一批民生实事落地落实",
    "得到了有关部门的积极回应",
    "取得了良好的政治效果和社会效果",
    "进一步凝聚了各方共识",
    "有力推动了相关问题的解决",
]

FUTURES = [
    "持续跟踪协商成果的转化落实",
    "进一步加强与有关部门的沟通对接",
    "把调研中发现的问题梳理形成提案",
    "围绕中心工作深化专题协商",
    "健全委员联系群众工作机制",
    "推动民主监督与党委督查、政府督办有机结合",
    "加强委员履职能力培训",
    "办好更多惠民实事",
]

PROBLEMS = [
    "统筹协调不够、投入保障不足、群众参与不充分",
    "区域发展不平衡、专业人才短缺、长效机制不健全",
    "政策落实“最后一公里”不畅、部门衔接不紧密",
    "基础设施薄弱、服务供给与群众需求不够匹配",
]

PLEDGES = [
    "多到基层走一走、多听群众说一说，把民意带上来、把共识传下去",
    "坚持为民履职，努力做到懂政协、会协商、善议政",
    "把调研成果转化为高质量的提案和社情民意信息",
    "在本职岗位上带头做好示范，积极宣传党的方针政策",
]

COMMENTS = [
    "这次协商活动坚持“协商于决策之前和决策实施之中”，真正做到了议题选得准、调研摸得深、建议提得实。",
    "整个活动组织周密、准备充分，委员发言踊跃、建议务实，协商氛围民主团结。",
    "这是今年协商计划确定的重点议题之一，前期已开展了为期两个月的调研。",
    "活动采取“线上+线下”相结合的方式，部分基层群众代表应邀列席并发言。",
]

ADVERBS = ["深入", "切实", "扎实", "积极", "认真", "持续", "全面"]

WHEN = [
    "近日", "日前", "本月上旬", "本周", "今年以来", "上半年", "连日来", "近期",
]

# 建议条目：{t} 处填入议题
SUGGESTIONS = [
    "加快完善{t}相关配套政策",
    "健全{t}财政投入保障机制",
    "加强{t}专业人才队伍建设",
    "建立{t}部门协作联动机制",
    "搭建{t}数字化管理服务平台",
    "完善{t}工作考核评价体系",
    "拓宽社会力量参与{t}的渠道",
    "加大{t}基础设施建设投入",
    "畅通群众对{t}工作的意见反馈渠道",
    "强化{t}重点任务的督查问效",
    "培育打造一批{t}示范点",
    "建立{t}项目长效管护机制",
    "研究制定{t}三年行动计划",
    "加强{t}政策宣传解读",
]

HEADINGS = [
    "提高政治站位，凝聚思想共识",
    "深入基层一线，摸清实情民意",
    "聚焦民生关切，积极建言资政",
    "强化协商监督，推动工作落实",
    "发挥委员作用，彰显履职担当",
    "坚持问题导向，精准建言献策",
    "创新协商形式，提升议政质量",
    "加强跟踪问效，促进成果转化",
    "广泛凝心聚力，画好最大同心圆",
    "主要做法与成效",
    "存在的问题与不足",
    "下一步工作建议",
    "调研基本情况",
    "委员意见摘编",
]

TITLE_PATTERNS = [
    "{org}召开“{topic}”专题协商会",
    "{org}组织委员视察{topic}工作",
    "{org}就{topic}开展专题调研",
    "{org}开展{topic}民主监督",
    "凝聚共识促发展　{org}聚焦{topic}建言献策",
    "{org}举办“委员讲堂”：聚焦{topic}",
    "关于{topic}的几点建议",
    "{org}召开{topic}提案办理协商会",
    "委员热议{topic}",
    "{place}：{topic}见成效",
    "关于征集{topic}相关提案线索的通知",
    "{org}调研组赴{place}调研{topic}",
]

AUTHORS_ROLE = ["通讯员", "记者", "政协办公室", "宣传信息科"]
SOURCES = [
    "区政协办公室", "区政协研究室", "提案委员会", "政协宣传信息科",
    "区融媒体中心", "区委统战部", "街道政协工委", "委员工作室",
]

# ---------------------------------------------------------------------------
# 文本生成
# ---------------------------------------------------------------------------


def cjk_len(s: str) -> int:
    """汉字个数（粗略：统计 CJK 统一表意文字）。"""
    return sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")


class Writer:
    def __init__(self, rng: random.Random):
        self.r = rng

    def c(self, seq):
        return self.r.choice(seq)

    def person(self) -> str:
        given = self.c(GIVEN) + (self.c(GIVEN) if self.r.random() < 0.6 else "")
        return self.c(SURNAMES) + given

    def member(self) -> str:
        return self.c(["政协委员", "区政协委员", "市政协委员", "政协常委"]) + self.person()

    def title(self, topic: str) -> str:
        return self.c(TITLE_PATTERNS).format(
            org=self.c(ORGS), topic=topic, place=self.c(PLACES)
        )

    def suggestion(self, topic: str) -> str:
        return self.c(SUGGESTIONS).format(t=topic)

    N_KINDS = 14

    def sentence(self, topic: str, kind: int) -> str:
        r = self.r
        if kind == 0:
            return (f"{self.c(WHEN)}，{self.c(ORGS)}围绕“{topic}”{self.c(ACTIONS)}，"
                    f"{self.c(RESULTS)}。")
        if kind == 1:
            return (f"会议指出，{topic}事关{self.c(STAKES)}，"
                    f"是履行政治协商、民主监督、参政议政职能的重要内容。")
        if kind == 2:
            return f"{self.member()}在发言中表示，{self.c(OPINIONS)}。"
        if kind == 3:
            a, b = r.sample(OPINIONS, 2)
            return f"{self.c(LEADERS)}{self.person()}强调，{a}；{b}。"
        if kind == 4:
            a, b, c = r.sample(PLACES, 3)
            return (f"调研组先后走访了{a}、{b}和{c}，实地察看项目推进情况，"
                    f"与基层干部群众面对面交流，详细了解{topic}的实际情况。")
        if kind == 5:
            n = r.randint(20, 260)
            m = r.randint(n * 6 // 10, n)
            p = r.randint(90, 100)
            return (f"据统计，今年以来共收到与{topic}相关的提案{n}件，经审查立案{m}件，"
                    f"目前办复率达到{p}%。")
        if kind == 6:
            a, b = r.sample(FUTURES, 2)
            return f"下一步，{self.c(ORGS)}将{a}，{b}。"
        if kind == 7:
            return (f"{self.c(DEPTS)}负责同志通报了{topic}工作推进情况，并就委员们关心的问题"
                    f"作了回应，表示将认真吸纳委员意见，{self.c(ADVERBS)}改进工作。")
        if kind == 8:
            return (f"与会委员一致认为，近年来{topic}工作取得了明显成效，"
                    f"但仍存在{self.c(PROBLEMS)}等问题。")
        if kind == 9:
            a, b = r.sample(SUGGESTIONS, 2)
            return (f"委员们建议，{a.format(t=topic)}，{b.format(t='相关工作')}，"
                    f"推动{topic}工作再上新台阶。")
        if kind == 10:
            return f"大家表示，将以这次活动为契机，{self.c(ADVERBS)}履行委员职责，{self.c(PLEDGES)}。"
        if kind == 11:
            return (f"{self.c(PLACES)}有关负责人介绍，通过实施一批{topic}重点项目，"
                    f"当地群众的生活条件得到了明显改善。")
        if kind == 12:
            return self.c(COMMENTS)
        return (f"{self.member()}建议，{self.suggestion(topic)}，"
                f"让改革发展成果更多更公平地惠及全体人民。")

    def paragraph(self, topic: str, target: int, first_kind: int | None = None) -> str:
        """拼出至少 target 个汉字的段落；同一段落内句式不重复。"""
        kinds = list(range(self.N_KINDS))
        self.r.shuffle(kinds)
        if first_kind is not None:
            kinds.remove(first_kind)
            kinds.insert(0, first_kind)
        out, n = [], 0
        for k in kinds:
            if n >= target:
                break
            s = self.sentence(topic, k)
            out.append(s)
            n += cjk_len(s)
        return "".join(out)


@dataclass
class Post:
    index: int
    column: str
    date: dt.date
    title: str
    tags: list[str]
    author: str
    source: str
    topic: str
    link_to: int = -1  # 另一篇文章的序号
    body: str = ""

    @property
    def stem(self) -> str:
        return f"{self.date.isoformat()}-post-{self.index}"

    @property
    def url_path(self) -> str:
        return f"/{self.column}/{self.stem}/"


def yaml_str(s: str) -> str:
    """YAML 双引号字符串（我们的文本不含需转义的字符，仍稳妥处理）。"""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_post(p: Post, other: Post, w: Writer) -> str:
    r = w.r
    fm = [
        "---",
        f"title: {yaml_str(p.title)}",
        f"date: {p.date.isoformat()}",
        f"tags: [{', '.join(p.tags)}]",
        f"author: {p.author}",
        f"source: {p.source}",
        "---",
        "",
    ]
    body: list[str] = []
    # 导语
    body.append(w.paragraph(p.topic, INTRO_CHARS, first_kind=0))
    body.append("")
    n_sections = r.choice([3, 4])
    headings = r.sample(HEADINGS, n_sections)
    list_at = r.randrange(n_sections)
    internal_at = r.randrange(n_sections)
    external_at = r.randrange(n_sections)
    per_section = (BODY_CHARS - INTRO_CHARS) // n_sections
    for si, h in enumerate(headings):
        body.append(f"## {h}")
        body.append("")
        paras = r.choice([2, 3])
        for pi in range(paras):
            text = w.paragraph(p.topic, per_section // paras)
            if si == internal_at and pi == 0:
                text += f"相关情况可参阅[{other.title}]({other.url_path})。"
            if si == external_at and pi == paras - 1:
                num = r.randint(1000, 99999)
                text += (f"详细内容见[{SITE_TITLE}政务公开专栏]"
                         f"(https://www.example.cn/zwgk/{p.date.year}/{num}.html)。")
            body.append(text)
            body.append("")
            if si == list_at and pi == 0:
                body.append("委员们提出的主要意见建议有：")
                body.append("")
                for item in r.sample(SUGGESTIONS, r.randint(3, 5)):
                    body.append(f"- {item.format(t=p.topic)}；")
                body.append("")
    return "\n".join(fm + body).rstrip() + "\n"


def make_posts(n: int, seed: int, end: dt.date) -> list[Post]:
    rng = random.Random(seed)
    w = Writer(rng)
    cols = [c[0] for c in COLUMNS]
    weights = [c[4] for c in COLUMNS]
    span = 3 * 365
    posts = []
    for i in range(1, n + 1):
        col = rng.choices(cols, weights)[0]
        date = end - dt.timedelta(days=rng.randrange(span))
        topic = w.c(TOPICS)
        title = w.title(topic)
        if col == "tongzhi" and not title.endswith("通知"):
            title = "关于" + topic + "工作的通知"
        tags = rng.sample(TAGS, rng.randint(1, 3))
        author = w.c(AUTHORS_ROLE) + " " + w.person()
        source = w.c(SOURCES)
        posts.append(Post(i, col, date, title, tags, author, source, topic))
    for p in posts:
        if n > 1:
            j = rng.randrange(n - 1)
            p.link_to = j if j < p.index - 1 else j + 1
        else:
            p.link_to = 0
    return posts


# ---------------------------------------------------------------------------
# 站点文件
# ---------------------------------------------------------------------------

TONGXIN_SITE_YAML = f"""title: {SITE_TITLE}
base_url: {BASE_URL}
theme: default
nav: [{', '.join(c[0] for c in COLUMNS)}]
organization:
  name: 中国人民政治协商会议基准市测试区委员会
  address: 基准市测试区人民路1号
  phone: 0590-80000000
identity:
  icp: 测ICP备00000000号-1
  police: 测公网安备 00000000000000号
  site_code: "0000000000"
suggestion: mailto:zhuxi@bench.example.cn
"""

HUGO_TOML = f"""baseURL = "{BASE_URL}/"
title = "{SITE_TITLE}"
defaultContentLanguage = "zh-cn"
hasCJKLanguage = true
timeZone = "Asia/Shanghai"
enableRobotsTXT = true
summaryLength = 70

[pagination]
pagerSize = {PAGE_SIZE}

[taxonomies]
tag = "tags"

# 与 Tongxin 的订阅源一致：每个订阅只含最新若干条，而不是全部文章。
[services.rss]
limit = 20

[markup.goldmark.renderer]
unsafe = false
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}{{ end }}</title>
<style>
body{font:16px/1.8 "PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:60rem;margin:0 auto;padding:0 1rem}
nav a{margin-right:1em}.date{color:#666}article p{text-indent:2em}
</style>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}" title="{{ site.Title }}">{{ end }}
</head>
<body>
<header>
<h1><a href="{{ "/" | relURL }}">{{ site.Title }}</a></h1>
{{ partialCached "nav.html" . }}
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>主办单位：{{ site.Title }}</p></footer>
</body>
</html>
""",
    "home.html": """{{ define "main" }}
{{ range site.Sections.ByWeight }}
<section>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<ul>
{{ range first 10 .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="date">{{ .Date.Format "2006-01-02" }}</span></li>
{{ end }}
</ul>
</section>
{{ end }}
{{ end }}
""",
    "section.html": """{{ define "main" }}
<h2>{{ .Title }}</h2>
{{ $pager := .Paginate .Pages }}
<ul>
{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="date">{{ .Date.Format "2006年1月2日" }}</span>
<p>{{ .Summary | plainify }}</p></li>
{{ end }}
</ul>
{{ partial "pager.html" $pager }}
{{ end }}
""",
    "page.html": """{{ define "main" }}
<article>
<h2>{{ .Title }}</h2>
<p class="meta">
<span class="date">发布时间：{{ .Date.Format "2006年1月2日" }}</span>
{{ with .Params.source }}来源：{{ . }}{{ end }}
{{ with .Params.author }}作者：{{ . }}{{ end }}
</p>
{{ with .GetTerms "tags" }}<p class="tags">标签：{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>{{ end }}
{{ .Content }}
</article>
<nav aria-label="上一篇和下一篇">
{{ with .NextInSection }}<p>上一篇：<a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}
{{ with .PrevInSection }}<p>下一篇：<a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}
</nav>
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}
<h2>{{ .Title }}</h2>
<ul>
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a>（{{ .Count }}）</li>
{{ end }}
</ul>
{{ end }}
""",
    "term.html": """{{ define "main" }}
<h2>标签：{{ .Title }}</h2>
{{ $pager := .Paginate .Pages }}
<ul>
{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="date">{{ .Date.Format "2006年1月2日" }}</span></li>
{{ end }}
</ul>
{{ partial "pager.html" $pager }}
{{ end }}
""",
    "404.html": """{{ define "main" }}
<h2>页面不存在</h2>
<p><a href="{{ "/" | relURL }}">返回首页</a></p>
{{ end }}
""",
    # site.Sections 在 Hugo 里每次调用都要遍历整个页面树（与文章数成正比），
    # 放在每页都渲染的导航里会让构建变成平方级。Hugo 站点的惯用写法是
    # partialCached：导航对所有页面相同，只渲染一次。
    "_partials/nav.html": """<nav aria-label="栏目导航">
<a href="{{ "/" | relURL }}">首页</a>
{{ range site.Sections.ByWeight }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ end }}
</nav>
""",
    "_partials/pager.html": """{{ if gt .TotalPages 1 }}
<nav aria-label="分页">
{{ with .Prev }}<a href="{{ .URL }}">上一页</a>{{ end }}
第 {{ .PageNumber }} / {{ .TotalPages }} 页
{{ with .Next }}<a href="{{ .URL }}">下一页</a>{{ end }}
</nav>
{{ end }}
""",
}


def theme_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "themes" / "default"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(n: int, outdir: Path, seed: int, end: dt.date) -> dict:
    tx = outdir / "tongxin"
    hg = outdir / "hugo"
    for d in (tx, hg):
        if d.is_symlink() or d.is_file():
            d.unlink()
        elif d.exists():
            shutil.rmtree(d)

    # Tongxin：配置、主题链接、栏目
    write(tx / "site.yaml", TONGXIN_SITE_YAML)
    (tx / "themes").mkdir(parents=True)
    os.symlink(theme_dir(), tx / "themes" / "default", target_is_directory=True)
    for col, name, kind, weight, _ in COLUMNS:
        write(tx / "content" / col / "_index.md",
              f"---\ntitle: {name}\nkind: {kind}\npage_size: {PAGE_SIZE}\nweight: {weight}\n---\n")

    # Hugo：配置、模板、栏目
    write(hg / "hugo.toml", HUGO_TOML)
    for rel, text in HUGO_LAYOUTS.items():
        write(hg / "layouts" / rel, text)
    for col, name, kind, weight, _ in COLUMNS:
        write(hg / "content" / col / "_index.md",
              f"---\ntitle: {name}\nweight: {weight}\n---\n")

    posts = make_posts(n, seed, end)
    rng = random.Random(seed * 7919 + 17)
    w = Writer(rng)
    total_chars = 0
    per_col: dict[str, int] = {}
    for p in posts:
        other = posts[p.link_to] if n > 1 else p
        text = render_post(p, other, w)
        total_chars += cjk_len(text)
        per_col[p.column] = per_col.get(p.column, 0) + 1
        data = text.encode("utf-8")
        for root in (tx, hg):
            path = root / "content" / p.column / f"{p.stem}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    tags_used = len({t for p in posts for t in p.tags})
    return {
        "posts": n,
        "per_column": per_col,
        "tags": tags_used,
        "avg_cjk_chars": round(total_chars / max(n, 1)),
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="生成 Tongxin 与 Hugo 的等价基准站点")
    ap.add_argument("n", type=int, help="文章篇数")
    ap.add_argument("outdir", type=Path, help="输出目录")
    ap.add_argument("--seed", type=int, default=20250302, help="随机种子（默认 20250302）")
    ap.add_argument("--end-date", default="2026-06-30",
                    help="最晚的文章日期，文章分布在此前三年内（默认 2026-06-30）")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("文章篇数必须至少为 1")
    end = dt.date.fromisoformat(args.end_date)
    stats = generate(args.n, args.outdir.resolve(), args.seed, end)
    cols = "，".join(f"{k} {v}" for k, v in sorted(stats["per_column"].items()))
    print(f"已生成 {stats['posts']} 篇文章（{cols}），"
          f"用到 {stats['tags']} 个标签，平均每篇 {stats['avg_cjk_chars']} 个汉字："
          f"{args.outdir}/tongxin 与 {args.outdir}/hugo")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
