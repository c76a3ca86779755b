#!/usr/bin/env bash
# 发布基准：`tongxin deploy` 与 `rsync -a --delete` 经同一个 SSH 服务器上传同一份网站。
#
# 用法：bench/deploy.sh [N]          N 为文章篇数，默认 10000
#
# 做的事：
#   1. 用 bench/gen.py 生成 N 篇文章的站点（种子 20250302），以其中的 tongxin/ 为网站文件夹，
#      用 release 版 tongxin build 生成一次；
#   2. 在一个临时文件夹里给 OpenSSH 的 sshd 准备自己的设置、主机密钥和用户密钥，
#      在 127.0.0.1 的一个空闲端口上启动它（与 tests/deploy_sftp.rs 的做法相同），
#      结束时停掉它；
#   3. 在同一次运行里，两种工具各自上传到服务器上的一个文件夹，依次测：
#      (a) 第一次上传整个网站；
#      (b) 什么都没改，再上传一次；
#      (c) 在最新一篇“政协要闻”的正文末尾加一段，tongxin build 之后再上传。
#      tongxin deploy 的耗时包括它自己先做的增量 build 和（有文件要传时的）发布前检查；
#      rsync 只管传输。(c) 的 build 单独计时。
#   4. 打印 Markdown 表格（秒数、传了几个文件），并保存到 $BENCH_OUT/deploy-result-N.md。
#
# 环境变量（都可不设）：
#   RUNS=1            (a)(b)(c) 整套测几遍（每遍先清空服务器上的两个文件夹），报告中位数
#   SEED=20250302     生成站点的随机种子
#   BENCH_OUT=bench/out   结果的存放目录
#   WORK_DIR=/dev/shm     站点、服务器文件夹和 sshd 临时文件的上级目录。默认用内存文件系统，
#                         理由见 bench/README.md（这台虚拟机写盘的系统态时间波动很大）
#   KEEP=1            结束后保留临时文件夹
#   TONGXIN=/path     指定 tongxin 可执行文件（默认 cargo build --release 的产物）
#
# 需要：python3、rsync、OpenSSH 的 sshd（/usr/sbin/sshd）、ssh、ssh-keygen；
# sshd 要有特权分离目录 /run/sshd，一般要以 root 运行。
set -euo pipefail
export LC_ALL=C.UTF-8

N="${1:-10000}"
RUNS="${RUNS:-1}"
SEED="${SEED:-20250302}"

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH_DIR")"
OUT="${BENCH_OUT:-$BENCH_DIR/out}"

die() { echo "错误：$*" >&2; exit 1; }

[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 ]] || die "文章篇数必须是正整数，收到「$N」。用法：bench/deploy.sh [N]"
[[ "$RUNS" =~ ^[0-9]+$ && "$RUNS" -ge 1 ]] || die "RUNS 必须是正整数，收到「$RUNS」。"

# 缺什么就说清楚，不替用户安装。
command -v python3 >/dev/null || die "找不到 python3（生成站点要用）。"
command -v rsync >/dev/null \
    || die "找不到 rsync：这个基准要和它比。请先安装（Debian/Ubuntu：apt-get install rsync）。"
SSHD="${SSHD:-/usr/sbin/sshd}"
[[ -x "$SSHD" ]] \
    || die "找不到 $SSHD：基准要在本机起一个 OpenSSH 服务器。请先安装（Debian/Ubuntu：apt-get install openssh-server），或用 SSHD=路径 指定。"
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null \
    || die "找不到 ssh 或 ssh-keygen。请先安装（Debian/Ubuntu：apt-get install openssh-client）。"

# ---------------------------------------------------------------------------
# tongxin
# ---------------------------------------------------------------------------

mkdir -p "$OUT"
if [[ -n "${TONGXIN:-}" ]]; then
    [[ -x "$TONGXIN" ]] || die "TONGXIN=$TONGXIN 不是可执行文件。"
else
    echo ">> 编译 Tongxin：cargo build --release" >&2
    (cd "$ROOT" && cargo build --release --quiet) || die "cargo build --release 失败。"
    TONGXIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/tongxin"
    [[ -x "$TONGXIN" ]] || die "编译成功，但找不到 $TONGXIN。"
fi
VERSION="$("$TONGXIN" --version 2>/dev/null | awk '{print $NF}') ($(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '未提交'))"

# ---------------------------------------------------------------------------
# 临时文件夹、站点
# ---------------------------------------------------------------------------

WORK_PARENT="${WORK_DIR:-/dev/shm}"
[[ -d "$WORK_PARENT" && -w "$WORK_PARENT" ]] || WORK_PARENT="${TMPDIR:-/tmp}"
WORK="$(mktemp -d "$WORK_PARENT/tongxin-deploy-bench.XXXXXX")"
SSHD_PID=""
cleanup() {
    if [[ -n "$SSHD_PID" ]]; then
        kill "$SSHD_PID" 2>/dev/null || true
        wait "$SSHD_PID" 2>/dev/null || true
    fi
    if [[ "${KEEP:-0}" == 1 ]]; then
        echo ">> 临时文件夹保留在 $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

echo ">> 生成 $N 篇文章的站点：$WORK/site" >&2
python3 "$BENCH_DIR/gen.py" "$N" "$WORK/site" --seed "$SEED" >/dev/null \
    || die "生成站点失败。"
SITE="$WORK/site/tongxin"
PUBLIC="$SITE/public"
echo ">> 生成网站：tongxin build" >&2
"$TONGXIN" build --root "$SITE" >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; die "tongxin build 失败。"; }

# 最新一篇“政协要闻”：(c) 在它的正文末尾加一段。
POST="$(find "$SITE/content/yaowen" -name '*.md' ! -name '_index.md' | sort | tail -n 1)"
[[ -n "$POST" ]] || die "站点里没有找到政协要闻的文章（content/yaowen）。"

# ---------------------------------------------------------------------------
# sshd：自己的设置、主机密钥和用户密钥，只听 127.0.0.1
# ---------------------------------------------------------------------------

SSH_DIR="$WORK/ssh"
mkdir -p "$SSH_DIR" "$WORK/home"
ssh-keygen -q -t ed25519 -N "" -f "$SSH_DIR/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$SSH_DIR/user_key"
cp "$SSH_DIR/user_key.pub" "$SSH_DIR/authorized_keys"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$SSH_DIR/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $SSH_DIR/host_key
PidFile none
AuthorizedKeysFile $SSH_DIR/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
Subsystem sftp internal-sftp
LogLevel ERROR
EOF
if [[ ! -d /run/sshd ]]; then
    mkdir -p /run/sshd 2>/dev/null \
        || die "sshd 需要特权分离目录 /run/sshd，没能建立它（请以 root 运行，或先 mkdir /run/sshd）。"
fi
echo "[127.0.0.1]:$PORT $(cat "$SSH_DIR/host_key.pub")" >"$SSH_DIR/known_hosts"

"$SSHD" -D -e -f "$SSH_DIR/sshd_config" 2>"$WORK/sshd.log" &
SSHD_PID=$!
for _ in $(seq 1 200); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null; then
        break
    fi
    kill -0 "$SSHD_PID" 2>/dev/null || { cat "$WORK/sshd.log" >&2; die "sshd 没有启动（见上面它的输出；一般要以 root 运行）。"; }
    sleep 0.1
done

USER_NAME="$(id -un)"
SSH_CMD="ssh -p $PORT -i $SSH_DIR/user_key -o UserKnownHostsFile=$SSH_DIR/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes"
REMOTE_T="$WORK/server/tongxin"
REMOTE_R="$WORK/server/rsync"
$SSH_CMD "$USER_NAME@127.0.0.1" true 2>"$WORK/ssh.log" \
    || { cat "$WORK/ssh.log" "$WORK/sshd.log" >&2; die "用 ssh 登录本机的 sshd 失败。"; }

# ---------------------------------------------------------------------------
# 计时
# ---------------------------------------------------------------------------

# seconds START END
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# deploy_tongxin LOG：打印“秒数 传了几个文件 删了几个”。
# 加 --force：gen.py 的最新文章是 2026-06-30，过了这天半年，发布前检查的“首页更新”规则
# 就报错误、不让发布。--force 时检查照样完整地跑（耗时照算），只是不拦。
deploy_tongxin() {
    local log="$1" start end
    start=$EPOCHREALTIME
    if ! env -u SSH_AUTH_SOCK HOME="$WORK/home" \
        TONGXIN_DEPLOY_KEY="$SSH_DIR/user_key" TONGXIN_DEPLOY_KNOWN_HOSTS="$SSH_DIR/known_hosts" \
        "$TONGXIN" deploy --force --root "$SITE" --target "sftp://$USER_NAME@127.0.0.1:$PORT$REMOTE_T" \
        >"$log" 2>&1 </dev/null; then
        tail -n 30 "$log" >&2
        die "tongxin deploy 失败（完整输出见上）。"
    fi
    end=$EPOCHREALTIME
    local sent deleted
    if grep -q "已是最新" "$log"; then
        sent=0 deleted=0
    else
        sent="$(sed -nE 's/.*上传 ([0-9]+) 个文件.*/\1/p' "$log" | tail -n 1)"
        deleted="$(sed -nE 's/.*删除 ([0-9]+) 个.*/\1/p' "$log" | tail -n 1)"
    fi
    echo "$(seconds "$start" "$end") ${sent:-?} ${deleted:-?}"
}

# deploy_rsync LOG：同上
deploy_rsync() {
    local log="$1" start end
    start=$EPOCHREALTIME
    if ! rsync -a --delete --stats -e "$SSH_CMD" "$PUBLIC/" "$USER_NAME@127.0.0.1:$REMOTE_R/" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "rsync 失败（完整输出见上）。"
    fi
    end=$EPOCHREALTIME
    local sent deleted
    sent="$(sed -nE 's/^Number of regular files transferred: ([0-9,]+).*/\1/p' "$log" | tr -d ,)"
    deleted="$(sed -nE 's/^Number of deleted files: ([0-9,]+).*/\1/p' "$log" | tr -d ,)"
    echo "$(seconds "$start" "$end") ${sent:-?} ${deleted:-0}"
}

# 同一个目录里两份是否相同（不看 tongxin 的发布记录和输出标记）
same_as_output() {
    diff -r -q -x .tongxin-deploy.json -x .tongxin-output "$PUBLIC" "$1" >/dev/null
}

declare -A T
ORIGINAL="$(cat "$POST")"
for run in $(seq 1 "$RUNS"); do
    echo ">> 第 $run/$RUNS 遍" >&2
    rm -rf "$REMOTE_T" "$REMOTE_R"
    mkdir -p "$REMOTE_T" "$REMOTE_R"
    printf '%s\n' "$ORIGINAL" >"$POST"
    "$TONGXIN" build --root "$SITE" >"$WORK/build.log" 2>&1 || die "tongxin build 失败。"

    echo "   (a) 第一次上传整个网站" >&2
    # tongxin 自己的标记文件 .tongxin-output 不算；rsync 会传它。
    FILES="$(find "$PUBLIC" -type f ! -name .tongxin-output | wc -l)"
    SIZE="$(du -sm "$PUBLIC" | cut -f1)"
    T[a_t]+="$(deploy_tongxin "$WORK/a-tongxin.log");"
    T[a_r]+="$(deploy_rsync "$WORK/a-rsync.log");"
    same_as_output "$REMOTE_T" || die "tongxin deploy 之后服务器上的文件与输出不一致。"
    same_as_output "$REMOTE_R" || die "rsync 之后服务器上的文件与输出不一致。"

    echo "   (b) 什么都没改，再上传一次" >&2
    T[b_t]+="$(deploy_tongxin "$WORK/b-tongxin.log");"
    T[b_r]+="$(deploy_rsync "$WORK/b-rsync.log");"

    echo "   (c) 改一篇文章的正文，生成后再上传" >&2
    printf '%s\n\n委员们在会后继续走访，第 %s 次补记。\n' "$ORIGINAL" "$run" >"$POST"
    start=$EPOCHREALTIME
    "$TONGXIN" build --root "$SITE" >"$WORK/build.log" 2>&1 || die "tongxin build 失败。"
    T[c_build]+="$(seconds "$start" "$EPOCHREALTIME");"
    T[c_t]+="$(deploy_tongxin "$WORK/c-tongxin.log");"
    T[c_r]+="$(deploy_rsync "$WORK/c-rsync.log");"
    same_as_output "$REMOTE_T" || die "tongxin deploy 之后服务器上的文件与输出不一致。"
    same_as_output "$REMOTE_R" || die "rsync 之后服务器上的文件与输出不一致。"
done
printf '%s\n' "$ORIGINAL" >"$POST"

# median_of LIST K：各遍第 K 个数的中位数（不是数字时给出原样）
median_of() {
    tr ';' '\n' <<<"$1" | awk -v k="$2" 'NF { print $k }' | sort -g | awk '{ v[NR] = $1 } END {
        if (v[1] !~ /^[0-9.]+$/) { print v[1]; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        if (v[1] ~ /\./) printf "%.2f\n", m; else printf "%d\n", m }'
}
all_of() { tr ';' '\n' <<<"$1" | awk -v k="$2" 'NF { printf "%s%s", (n++ ? ", " : ""), $k }'; }

row() { # 情形 tongxin键 rsync键
    local t="${T[$2]}" r="${T[$3]}"
    echo "| $1 | $(median_of "$t" 1) | $(median_of "$t" 2) | $(median_of "$r" 1) | $(median_of "$r" 2) |"
}

RESULT="$OUT/deploy-result-$N.md"
{
    echo "| 情形 | tongxin deploy (s) | 上传文件数 | rsync -a --delete (s) | 传输文件数 |"
    echo "|---|---:|---:|---:|---:|"
    row "(a) 第一次上传整个网站" a_t a_r
    row "(b) 没有改动，再上传" b_t b_r
    row "(c) 改一篇正文并生成后上传" c_t c_r
    echo
    echo "- (c) 之前的 tongxin build：$(median_of "${T[c_build]}" 1) 秒（不计入上表）"
    echo "- 各遍耗时 (s)：(a) tongxin $(all_of "${T[a_t]}" 1)，rsync $(all_of "${T[a_r]}" 1)；" \
        "(b) tongxin $(all_of "${T[b_t]}" 1)，rsync $(all_of "${T[b_r]}" 1)；" \
        "(c) tongxin $(all_of "${T[c_t]}" 1)，rsync $(all_of "${T[c_r]}" 1)"
    echo "- 网站：$N 篇文章，输出 $FILES 个文件、${SIZE} MB；tongxin $VERSION；$(rsync --version | head -n 1 | awk '{print $1, $2, $3}')；$("$SSHD" -V 2>&1 | head -n 1 || true)"
    echo "- 机器：$(nproc) 核，$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)；$(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -n 1)；临时文件夹在 $(df --output=fstype "$WORK" | tail -n 1)（$WORK_PARENT）"
} | tee "$RESULT"
echo ">> 结果已保存到 $RESULT" >&2
