#!/usr/bin/env bash
# 站内搜索基准：同心（Tongxin）的搜索索引与 Pagefind 在同一个构建好的站点上对比。
#
# 用法：bench/search.sh [N]          N 为文章篇数，默认 10000
#
# 测三件事（详见 bench/README.md 的“站内搜索基准”一节）：
#   1. 建索引的代价：Tongxin 正常构建与关掉索引（TONGXIN_NO_SEARCH=1）的构建交替各跑
#      RUNS 次，比较墙钟时间、CPU 时间与峰值内存（GNU time 的最大常驻集），并取
#      TONGXIN_TIMINGS=1 打印的“搜索索引”阶段耗时；索引在磁盘上的大小与文件数。
#      Pagefind（extended，带中文分词）对同一份构建输出运行 `pagefind --site`，
#      测同样的数字。
#   2. 一次查询下载多少：bench/search_query.mjs 在 127.0.0.1 上提供站点，用无头
#      Chromium 打开我们的搜索页提交查询，累计 search/data/ 的响应字节；Pagefind 用
#      它的 JS API 查询并取前 10 条结果的数据，累计 /pagefind/ 的响应字节。
#   3. 打印对比表，并保存到 $BENCH_OUT/search-result-N.md。
#
# 环境变量（都可不设）：
#   RUNS=3                 Tongxin 有索引、无索引各计时几次（另有一次不计时的预热）
#   PAGEFIND_RUNS=$RUNS    Pagefind 计时几次（一万篇时每次约半分钟以上）
#   QUERY_RUNS=3           每个查询重复几次（字节数每次相同，时间取中位数）
#   QUERIES="协商 民主|政协"   自定义查询，用 | 分隔；含一个空格的算“两个词的查询”
#   SEED=20250302          生成站点的随机种子
#   BENCH_OUT=bench/out    生成的站点、日志与结果的存放目录
#   BUILD_DIR=...          构建输出目录，默认 /dev/shm/tongxin-search-bench
#   KEEP_OUTPUT=1          结束后保留构建输出和生成的站点（默认删除）
#   THEME_FROM=worktree    站点用工作区里的 themes/default（符号链接，默认）；
#                          设为 HEAD 则用最近一次提交里的主题（导出一份副本），
#                          别人正在改主题、工作区里的主题暂时坏了时有用
#   PAGEFIND=/path         指定 Pagefind 可执行文件（默认用 pip 包 pagefind[extended] 里的）
#   PAGEFIND_PIP_VERSION=1.5.2   需要安装 Pagefind 时固定的版本
#   PAGEFIND_GLOB='...'    传给 pagefind --glob（默认不传：索引站点的全部 HTML）
set -euo pipefail

N="${1:-10000}"
RUNS="${RUNS:-3}"
PAGEFIND_RUNS="${PAGEFIND_RUNS:-$RUNS}"
QUERY_RUNS="${QUERY_RUNS:-3}"
SEED="${SEED:-20250302}"
THEME_FROM="${THEME_FROM:-worktree}"
PAGEFIND_PIP_VERSION="${PAGEFIND_PIP_VERSION:-1.5.2}"
# 默认查询：合成站点里确实出现的词（见 gen.py 的词库）。“老旧小区 电梯”里的
# “电梯”不在站点里，代表查不到结果的查询；gen.py 不生成提案，没有提案编号，
# 用正文统计句里的数字“158”代替编号一类的拉丁字母/数字词。
DEFAULT_QUERIES="协商 民主|委员 提案|乡村 振兴|老旧小区 电梯|养老 服务|城东街道 调研|政协|垃圾分类|托育|158"
QUERIES="${QUERIES:-$DEFAULT_QUERIES}"

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH_DIR")"
OUT="${BENCH_OUT:-$BENCH_DIR/out}"

die() { echo "错误：$*" >&2; exit 1; }

[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 ]] || die "文章篇数必须是正整数，收到「$N」。用法：bench/search.sh [N]"
for v in RUNS PAGEFIND_RUNS QUERY_RUNS; do
    [[ "${!v}" =~ ^[0-9]+$ && "${!v}" -ge 1 ]] || die "$v 必须是正整数，收到「${!v}」。"
done
[[ "$THEME_FROM" == worktree || "$THEME_FROM" == HEAD ]] || die "THEME_FROM 只能是 worktree 或 HEAD。"
[[ -x /usr/bin/time ]] || die "找不到 GNU time（/usr/bin/time）。请先安装：apt-get install -y time"
command -v python3 >/dev/null || die "找不到 python3。"
command -v node >/dev/null || die "找不到 node（查询测试要用 Node.js 18 以上）。"
[[ -x "${CHROMIUM:-/usr/bin/chromium}" ]] || die "找不到 Chromium（${CHROMIUM:-/usr/bin/chromium}）。请先安装：apt-get install -y chromium"
[[ -d "$ROOT/tests/browser/node_modules/playwright-core" ]] \
    || die "找不到 playwright-core。请先在 tests/browser 下运行 npm ci。"

mkdir -p "$OUT/logs"
OUT="$(cd "$OUT" && pwd)"
LOGS="$OUT/logs"
BUILD_DIR="${BUILD_DIR:-/dev/shm/tongxin-search-bench}"
[[ -d "$(dirname "$BUILD_DIR")" && -w "$(dirname "$BUILD_DIR")" ]] || BUILD_DIR="$OUT/search-build"
mkdir -p "$BUILD_DIR"
BUILD_DIR="$(cd "$BUILD_DIR" && pwd)"
SITES="$OUT/site-$N"
SITE_OUT="$BUILD_DIR/site"

cleanup() {
    if [[ "${KEEP_OUTPUT:-0}" != 1 ]]; then
        rm -rf "$SITE_OUT"
        rmdir "$BUILD_DIR" 2>/dev/null || true
        rm -rf "$SITES"
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------
# 准备工具
# ---------------------------------------------------------------------------

# pip 包 pagefind[extended] 带来 pagefind_bin_extended，其中是 extended 版二进制
# （带中文等语言的分词）。直接运行它，不经过 Python 包装。
find_pagefind() {
    if [[ -n "${PAGEFIND:-}" ]]; then echo "$PAGEFIND"; return 0; fi
    python3 - <<'EOF' 2>/dev/null
import os, sys
try:
    import pagefind_bin_extended as p
except ImportError:
    sys.exit(1)
for d in p.__path__:
    for name in ("pagefind_extended", "pagefind_extended.exe"):
        f = os.path.join(d, name)
        if os.path.isfile(f) and os.access(f, os.X_OK):
            print(f)
            sys.exit(0)
sys.exit(1)
EOF
}

if ! PAGEFIND_BIN="$(find_pagefind)"; then
    echo ">> 安装 Pagefind：python3 -m pip install 'pagefind[extended]==$PAGEFIND_PIP_VERSION'" >&2
    python3 -m pip install --quiet --disable-pip-version-check "pagefind[extended]==$PAGEFIND_PIP_VERSION" >&2 \
        || die "pip 安装 pagefind[extended] 失败。"
    PAGEFIND_BIN="$(find_pagefind)" || die "已安装 pagefind[extended]，但找不到其中的 pagefind_extended 二进制。"
fi
PAGEFIND_VERSION="$("$PAGEFIND_BIN" --version | awk '{print $NF}')" || die "运行 $PAGEFIND_BIN --version 失败。"
[[ -n "${PAGEFIND:-}" || "$PAGEFIND_VERSION" == "$PAGEFIND_PIP_VERSION" ]] \
    || echo ">> 注意：已安装的 Pagefind 是 $PAGEFIND_VERSION，不是 $PAGEFIND_PIP_VERSION。" >&2
echo ">> Pagefind $PAGEFIND_VERSION（extended）：$PAGEFIND_BIN" >&2

TONGXIN_BIN="$ROOT/target/release/tongxin"
echo ">> 编译 Tongxin：cargo build --release" >&2
if ! (cd "$ROOT" && cargo build --release) >"$LOGS/cargo.stdout" 2>"$LOGS/cargo.stderr"; then
    tail -n 60 "$LOGS/cargo.stderr" >&2
    die "cargo build --release 失败（完整输出见 $LOGS/cargo.stderr）。"
fi
TONGXIN_VERSION="$("$TONGXIN_BIN" --version 2>/dev/null | awk '{print $NF}')" || true
[[ -n "$TONGXIN_VERSION" ]] || TONGXIN_VERSION="$(sed -nE 's/^version *= *"([^"]+)".*/\1/p' "$ROOT/Cargo.toml" | head -n1)"
TONGXIN_VERSION="$TONGXIN_VERSION ($(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '未提交'))"
NODE_VERSION="$(node --version)"
CHROMIUM_VERSION="$("${CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | head -n1 || echo '?')"

# ---------------------------------------------------------------------------
# 生成站点
# ---------------------------------------------------------------------------

echo ">> 生成 $N 篇文章的站点：$SITES" >&2
python3 "$BENCH_DIR/gen.py" "$N" "$SITES" --seed "$SEED" >&2 || die "生成站点失败。"
if [[ "$THEME_FROM" == HEAD ]]; then
    rm "$SITES/tongxin/themes/default"
    (cd "$ROOT" && git archive HEAD themes/default) | tar -x -C "$SITES/tongxin" \
        || die "无法从 HEAD 导出 themes/default。"
    echo ">> 主题用 HEAD（$(cd "$ROOT" && git rev-parse --short HEAD)）里的 themes/default" >&2
fi

# ---------------------------------------------------------------------------
# 建索引的代价
# ---------------------------------------------------------------------------

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# run_timed LOG CMD...：运行一次，设置 LAST_WALL_MS、LAST_RSS_KB、LAST_CPU_MS。
run_timed() {
    local log="$1"; shift
    sync
    local t0 t1
    t0="$(date +%s%N)"
    if ! /usr/bin/time -v -o "$log.time" "$@" >"$log.stdout" 2>"$log.stderr"; then
        echo "---- 标准错误输出（$log.stderr）----" >&2
        tail -n 60 "$log.stderr" >&2
        grep -E 'Command|Exit status' "$log.time" >&2 || true
        die "命令失败：$*"
    fi
    t1="$(date +%s%N)"
    LAST_WALL_MS=$(( (t1 - t0) / 1000000 ))
    LAST_RSS_KB="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log.time")"
    LAST_CPU_MS="$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.0f", s * 1000}' "$log.time")"
}

# tongxin_build LABEL on|off：构建一次（on 带索引），检查输出，记下各项数字。
declare -A T_WALL T_RSS T_CPU
T_STAGE=()
tongxin_build() {
    local label="$1" mode="$2" log="$LOGS/search-tongxin-$1"
    rm -rf "$SITE_OUT"
    local -a envs=(TONGXIN_TIMINGS=1)
    [[ "$mode" == off ]] && envs+=(TONGXIN_NO_SEARCH=1)
    run_timed "$log" env "${envs[@]}" "$TONGXIN_BIN" build --root "$SITES/tongxin" --output "$SITE_OUT"
    local posts
    posts="$(find "$SITE_OUT" -mindepth 3 -maxdepth 3 -type f -path '*-post-*/index.html' | wc -l)"
    [[ "$posts" -eq "$N" ]] || die "Tongxin 的输出里有 $posts 个文章页，应为 $N 个（日志 $log.*）。"
    if [[ "$mode" == on ]]; then
        [[ -f "$SITE_OUT/search/data/meta.json" ]] || die "带索引的构建没有生成 search/data/meta.json。"
        T_STAGE+=("$(sed -nE 's/^搜索索引：([0-9.]+) 秒$/\1/p' "$log.stderr")")
    else
        [[ ! -e "$SITE_OUT/search/data" ]] || die "TONGXIN_NO_SEARCH=1 时仍生成了 search/data/：环境变量没起作用。"
    fi
    T_WALL[$mode]+="$LAST_WALL_MS "
    T_RSS[$mode]+="$LAST_RSS_KB "
    T_CPU[$mode]+="$LAST_CPU_MS "
    printf '   %-10s %s：%.2f s，CPU %.2f s，峰值内存 %d MiB\n' "$label" \
        "$([[ $mode == on ]] && echo 带索引 || echo 无索引)" \
        "$(awk -v x="$LAST_WALL_MS" 'BEGIN{print x/1000}')" \
        "$(awk -v x="$LAST_CPU_MS" 'BEGIN{print x/1000}')" $((LAST_RSS_KB / 1024)) >&2
}

echo ">> Tongxin：预热一次（不计时），再交替计时无索引/带索引各 $RUNS 次" >&2
tongxin_build warmup on
T_WALL=(); T_RSS=(); T_CPU=(); T_STAGE=()
for ((i = 1; i <= RUNS; i++)); do
    tongxin_build "run$i-off" off
    tongxin_build "run$i-on" on     # 最后一次是带索引的，留给查询测试用
done

# 索引的大小：字节数（文件内容之和）、文件数，分 s/ 与 r/（分片）、t/（结果的文本包）两部分。
size_of() { find "$1" -type f -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
count_of() { find "$1" -type f 2>/dev/null | wc -l; }
IDX="$SITE_OUT/search/data"
IDX_BYTES="$(size_of "$IDX")"; IDX_FILES="$(count_of "$IDX")"
IDX_S_BYTES="$(size_of "$IDX/s")"; IDX_S_FILES="$(count_of "$IDX/s")"
IDX_D_BYTES="$(size_of "$IDX/t")"; IDX_D_FILES="$(count_of "$IDX/t")"
IDX_DOCS="$(sed -nE 's/.*"docs":([0-9]+).*/\1/p' "$IDX/meta.json")"
IDX_DU_KB="$(du -sk "$IDX" | cut -f1)"
SITE_HTML="$(find "$SITE_OUT" -type f -name '*.html' | wc -l)"
SITE_BYTES_NO_INDEX=$(( $(size_of "$SITE_OUT") - IDX_BYTES ))
IDX_LARGEST_SHARD="$(find "$IDX/s" -type f -printf '%s\n' | sort -n | tail -n1)"

# ---------------------------------------------------------------------------
# Pagefind
# ---------------------------------------------------------------------------

PF_WALLS=(); PF_RSSS=(); PF_CPUS=()
PF_ARGS=(--site "$SITE_OUT")
[[ -n "${PAGEFIND_GLOB:-}" ]] && PF_ARGS+=(--glob "$PAGEFIND_GLOB")
echo ">> Pagefind：pagefind --site（计时 $PAGEFIND_RUNS 次）" >&2
for ((i = 1; i <= PAGEFIND_RUNS; i++)); do
    rm -rf "$SITE_OUT/pagefind"
    log="$LOGS/search-pagefind-run$i"
    run_timed "$log" "$PAGEFIND_BIN" "${PF_ARGS[@]}"
    [[ -f "$SITE_OUT/pagefind/pagefind.js" ]] || die "Pagefind 没有生成 pagefind/pagefind.js（日志 $log.*）。"
    PF_WALLS+=("$LAST_WALL_MS"); PF_RSSS+=("$LAST_RSS_KB"); PF_CPUS+=("$LAST_CPU_MS")
    printf '   第 %d 次：%.2f s，CPU %.2f s，峰值内存 %d MiB\n' "$i" \
        "$(awk -v x="$LAST_WALL_MS" 'BEGIN{print x/1000}')" \
        "$(awk -v x="$LAST_CPU_MS" 'BEGIN{print x/1000}')" $((LAST_RSS_KB / 1024)) >&2
done
PF_PAGES="$(sed -nE 's/.*Indexed ([0-9]+) pages.*/\1/p' "$log.stdout" | head -n1)"
PF_WORDS="$(sed -nE 's/.*Indexed ([0-9]+) words.*/\1/p' "$log.stdout" | head -n1)"
PF_BYTES="$(size_of "$SITE_OUT/pagefind")"; PF_FILES="$(count_of "$SITE_OUT/pagefind")"
PF_DU_KB="$(du -sk "$SITE_OUT/pagefind" | cut -f1)"

# ---------------------------------------------------------------------------
# 查询下载量
# ---------------------------------------------------------------------------

IFS='|' read -r -a QUERY_LIST <<<"$QUERIES"
QUERY_JSON="$OUT/search-queries-$N.json"
echo ">> 查询：${#QUERY_LIST[@]} 个，每个 $QUERY_RUNS 次（无头 Chromium，127.0.0.1）" >&2
node "$BENCH_DIR/search_query.mjs" --site "$SITE_OUT" --pagefind --runs "$QUERY_RUNS" "${QUERY_LIST[@]}" \
    >"$QUERY_JSON" 2>"$LOGS/search-queries.stderr" \
    || { tail -n 40 "$LOGS/search-queries.stderr" >&2; die "查询测试失败（见 $LOGS/search-queries.stderr）。"; }

# ---------------------------------------------------------------------------
# 报告
# ---------------------------------------------------------------------------

CPU_MODEL="$(lscpu 2>/dev/null | sed -nE 's/^Model name: *//p' | head -n1)"
MEM_TOTAL="$(awk '/MemTotal/ {printf "%.0f GiB", $2/1024/1024}' /proc/meminfo)"
REPORT="$OUT/search-result-$N.md"

export N RUNS PAGEFIND_RUNS QUERY_RUNS QUERY_JSON TONGXIN_VERSION PAGEFIND_VERSION NODE_VERSION CHROMIUM_VERSION
export IDX_BYTES IDX_FILES IDX_S_BYTES IDX_S_FILES IDX_D_BYTES IDX_D_FILES IDX_DOCS IDX_DU_KB IDX_LARGEST_SHARD
export SITE_HTML SITE_BYTES_NO_INDEX PF_PAGES PF_WORDS PF_BYTES PF_FILES PF_DU_KB THEME_FROM
export ON_WALL="${T_WALL[on]}" OFF_WALL="${T_WALL[off]}" ON_RSS="${T_RSS[on]}" OFF_RSS="${T_RSS[off]}"
export ON_CPU="${T_CPU[on]}" OFF_CPU="${T_CPU[off]}" STAGES="${T_STAGE[*]}"
export PF_WALL="${PF_WALLS[*]}" PF_RSS="${PF_RSSS[*]}" PF_CPU="${PF_CPUS[*]}"
export MACHINE="$(nproc) 核，$CPU_MODEL，内存 $MEM_TOTAL，$(uname -sr)"
export BUILD_FS="$BUILD_DIR（$(df --output=fstype "$BUILD_DIR" | tail -n1)）"

python3 - <<'EOF' | tee "$REPORT"
import json, os, statistics
E = os.environ
nums = lambda k: [float(x) for x in E[k].split()]
med = lambda k: statistics.median(nums(k))
kb = lambda b: b / 1000
mib = lambda k: k / 1024

on_wall, off_wall = med("ON_WALL") / 1000, med("OFF_WALL") / 1000
on_cpu, off_cpu = med("ON_CPU") / 1000, med("OFF_CPU") / 1000
on_rss, off_rss = med("ON_RSS"), med("OFF_RSS")
stage = med("STAGES")
pf_wall, pf_cpu, pf_rss = med("PF_WALL") / 1000, med("PF_CPU") / 1000, med("PF_RSS")
add_rss = mib(on_rss - off_rss)
time_ok = stage <= 5 and on_wall - off_wall <= 5
mem_ok = add_rss <= 500
ok = lambda b: "达标" if b else "**未达标**"

n = int(E["N"])
print(f"### 站内搜索基准：{n} 篇文章（Tongxin 有/无索引各 {E['RUNS']} 次、Pagefind {E['PAGEFIND_RUNS']} 次，取中位数）")
print()
print("#### 建索引")
print()
print(f"| 项目 | Tongxin 搜索索引 | Pagefind {E['PAGEFIND_VERSION']} extended | 目标（Tongxin） |")
print("|---|---:|---:|---|")
print(f"| 建索引耗时 (s) | {stage:.2f}（“搜索索引”阶段）<br>整个构建 {on_wall:.2f} − 无索引 {off_wall:.2f} = {on_wall - off_wall:+.2f} | {pf_wall:.2f} | ≤ 5，{ok(time_ok)} |")
print(f"| CPU 时间 (s) | {on_cpu:.2f} − {off_cpu:.2f} = {on_cpu - off_cpu:+.2f} | {pf_cpu:.2f} | |")
print(f"| 峰值内存 (MiB) | {mib(on_rss):.0f} − 无索引 {mib(off_rss):.0f} = {add_rss:+.0f} | {mib(pf_rss):.0f} | 增加 ≤ 500，{ok(mem_ok)} |")
print(f"| 索引大小 (MB) | {kb(int(E['IDX_BYTES']))/1000:.1f}（分片 {kb(int(E['IDX_S_BYTES']))/1000:.1f}，文本包 {kb(int(E['IDX_D_BYTES']))/1000:.1f}） | {kb(int(E['PF_BYTES']))/1000:.1f} | |")
print(f"| 索引文件数 | {int(E['IDX_FILES']):,}（分片 {int(E['IDX_S_FILES']):,}，文本包 {int(E['IDX_D_FILES']):,}） | {int(E['PF_FILES']):,} | |")
print(f"| 占用空间 (MiB，du) | {int(E['IDX_DU_KB'])/1024:.0f} | {int(E['PF_DU_KB'])/1024:.0f} | |")
print(f"| 收录 | {int(E['IDX_DOCS']):,} 个文档 | {E['PF_PAGES']} 个页面、{E['PF_WORDS']} 个词 | |")
print()
fmt = lambda xs, d=1000, p=2: ", ".join(f"{float(x)/d:.{p}f}" for x in xs.split())
print(f"- 各次耗时 (s)：Tongxin 带索引 {fmt(E['ON_WALL'])}；无索引 {fmt(E['OFF_WALL'])}；"
      f"“搜索索引”阶段 {fmt(E['STAGES'], 1)}；Pagefind {fmt(E['PF_WALL'])}")
print(f"- 各次峰值内存 (MiB)：Tongxin 带索引 {fmt(E['ON_RSS'], 1024, 0)}；无索引 {fmt(E['OFF_RSS'], 1024, 0)}；Pagefind {fmt(E['PF_RSS'], 1024, 0)}")
print(f"- 站点：{int(E['SITE_HTML']):,} 个 HTML 页面，不含索引 {int(E['SITE_BYTES_NO_INDEX'])/1e6:.0f} MB；"
      f"Tongxin 最大的分片 {int(E['IDX_LARGEST_SHARD'])/1000:.1f} KB")
print()

q = json.load(open(E["QUERY_JSON"]))
print(f"#### 一次查询的下载量（KB = 1000 字节，冷缓存，每个查询 {E['QUERY_RUNS']} 次取时间中位数）")
print()
print("| 查询 | Tongxin 结果数 | Tongxin 下载 (KB) | 其中分片 | 其中文本 | 请求数 | gzip 后 | 提交到显示 (ms) | 末次按键到显示 (ms) | Pagefind 结果数 | Pagefind 下载 (KB) | 请求数 | 查询到取完前 10 条 (ms) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
part = lambda r, p: sum(f["bytes"] for f in r["files"] if f["path"].startswith(p))
for t, p in zip(q["tongxin"], q["pagefind"]):
    print(f"| {t['query']} | {t['results']:,} | {kb(t['bytes']):.1f} | {kb(part(t, 's/')):.1f} | {kb(part(t, 't/')):.1f} | "
          f"{t['requests']} | {kb(t['gzip']):.1f} | {t['ms']} | {statistics.median(t['typed_ms']):.0f} | {p['results']:,} | {kb(p['bytes']):.1f} | {p['requests']} | {p['ms']} |")
print()
two = [t for t in q["tongxin"] if len(t["query"].split()) == 2]
worst = max(q["tongxin"], key=lambda r: r["bytes"])
pf_worst = max(q["pagefind"], key=lambda r: r["bytes"])
if two:
    w2 = max(two, key=lambda r: r["bytes"])
    print(f"- 两个词的查询最多下载：Tongxin {kb(w2['bytes']):.1f} KB（“{w2['query']}”；目标 ≤ 100 KB，{ok(w2['bytes'] <= 100_000)}）")
typed = [ms for t in q["tongxin"] for ms in t["typed_ms"]]
print(f"- 末次按键到结果显示（冷缓存，全部查询 {len(typed)} 次）：中位数 {statistics.median(typed):.0f} ms，"
      f"最慢 {max(typed)} ms（目标中位数 ≤ 200 ms，{ok(statistics.median(typed) <= 200)}）")
print(f"- 所有查询最多下载：Tongxin {kb(worst['bytes']):.1f} KB（“{worst['query']}”），Pagefind {kb(pf_worst['bytes']):.1f} KB（“{pf_worst['query']}”）")
files = ", ".join(f"{f['path']} {kb(f['bytes']):.1f}" for f in sorted(worst["files"], key=lambda f: -f["bytes"]) if not f["path"].startswith("t/"))
print(f"- Tongxin 下载最多的查询取了：{files}，以及 {sum(1 for f in worst['files'] if f['path'].startswith('t/'))} 段 t/ 文本（范围请求）共 {kb(part(worst, 't/')):.1f} KB")
unstable = [r["query"] for r in q["tongxin"] + q["pagefind"] if r.get("unstable")]
if unstable:
    print(f"- 注意：这些查询重复时下载字节数不同：{'、'.join(unstable)}")
print(f"- Tongxin {E['TONGXIN_VERSION']}（主题：{E['THEME_FROM']}）；Pagefind {E['PAGEFIND_VERSION']} extended；"
      f"Node {E['NODE_VERSION']}；{E['CHROMIUM_VERSION']}")
print(f"- 构建输出目录：{E['BUILD_FS']}")
print(f"- 机器：{E['MACHINE']}")
EOF
echo >&2
echo ">> 结果已保存到 $REPORT；各查询取了哪些文件见 $QUERY_JSON" >&2
