#!/usr/bin/env python3
"""预览服务器的改动生效时间：同心 `tongxin serve` 与 `hugo server` 同场对比。

用法：
    python3 bench/serve.py SITE_DIR [--runs 5] [--tongxin BIN] [--hugo BIN]

SITE_DIR 是 bench/gen.py 生成的目录（含 tongxin/ 与 hugo/ 两个等价站点）。
对每个工具：启动预览服务器，等它生成完毕，然后对最新一篇“政协要闻”文章反复做两种改动，
每次从写入文件之前开始计时，不停地请求页面（每 2 毫秒一次），直到服务器返回的页面里
出现这次改动写进去的标记为止：

- 改正文：在正文末尾加一段（同心走“只重新生成这一篇”的快速路径）；
- 改标题：改 title，要等文章页和栏目列表第一页都显示新标题才算完成。

两次改动之间等服务器空闲（同心：搜索索引也已更新；Hugo：1.5 秒）。

再测“边写边存”：连续 20 次改正文，两次保存之间隔 0.3–3 秒（固定种子的随机间隔，
两个工具相同），不等服务器空闲——同心的搜索索引这时常常正在后台生成，测的就是
它会不会拖慢页面。报告中位数和最慢一次。

结束后把文章恢复原样。只用 Python 标准库。
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, http.client.HTTPException, OSError):
        return None


def wait_until(check, timeout: float, step: float = 0.002) -> float:
    """Calls check() until it is true; returns the seconds it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if check():
            return time.perf_counter() - start
        time.sleep(step)
    raise TimeoutError("等待超时")


class Tool:
    name = ""

    def __init__(self, binary: str, site: Path):
        self.binary = binary
        self.site = site
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def idle(self) -> None:
        raise NotImplementedError


class Tongxin(Tool):
    name = "tongxin serve"

    def start(self, log) -> float:
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--root", str(self.site), "--port", str(self.port)],
            stdout=log, stderr=log,
        )
        self.idle(timeout=600)
        return time.perf_counter() - t0

    def idle(self, timeout: float = 120) -> None:
        def ready() -> bool:
            text = get(self.base + "/__tongxin/status")
            if not text:
                return False
            s = json.loads(text)
            return s["builds"] >= 1 and not s["building"] and not s["search_pending"]
        wait_until(ready, timeout, 0.05)


class Hugo(Tool):
    name = "hugo server"

    def start(self, log) -> float:
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [self.binary, "server", "-s", str(self.site), "--port", str(self.port),
             "--bind", "127.0.0.1", "--disableFastRender=false", "--logLevel", "warn"],
            stdout=log, stderr=log,
        )
        wait_until(lambda: get(self.base + "/") is not None, 600, 0.05)
        return time.perf_counter() - t0

    def idle(self) -> None:
        time.sleep(1.5)


def newest_post(content: Path) -> Path:
    posts = sorted(p for p in (content / "yaowen").glob("*.md") if p.name != "_index.md")
    return posts[-1]


def measure(tool: Tool, runs: int, log) -> dict:
    content = tool.site / "content"
    post = newest_post(content)
    page = f"{tool.base}/yaowen/{post.stem}/"
    column = f"{tool.base}/yaowen/"
    original = post.read_text(encoding="utf-8")
    started = tool.start(log)
    body_times, title_times = [], []
    try:
        if get(page) is None:
            raise SystemExit(f"{tool.name}：打不开 {page}")
        for n in range(runs):
            tool.idle()
            body_times.append(append_and_wait(post, page, f"改动标记正文{n}号"))

            tool.idle()
            token = f"新标题{n}号"
            text = post.read_text(encoding="utf-8")
            lines = text.split("\n")
            for i, line in enumerate(lines):
                if line.startswith("title:"):
                    lines[i] = f'title: "{token}"'
                    break
            t0 = time.perf_counter()
            post.write_text("\n".join(lines), encoding="utf-8")
            wait_until(lambda: token in (get(page) or "") and token in (get(column) or ""), 60)
            title_times.append(time.perf_counter() - t0)

        # Saves at mixed intervals, without waiting for the server to be idle.
        tool.idle()
        mixed_times = []
        for n, pause in enumerate(mixed_pauses()):
            time.sleep(pause)
            mixed_times.append(append_and_wait(post, page, f"边写边存{n}号"))
    finally:
        tool.stop()
        post.write_text(original, encoding="utf-8")
    return {"start": started, "body": body_times, "title": title_times, "mixed": mixed_times}


def append_and_wait(post: Path, page: str, token: str) -> float:
    """Appends a paragraph holding `token` to the post; the seconds until the page shows it."""
    t0 = time.perf_counter()
    with open(post, "a", encoding="utf-8") as f:
        f.write(f"\n\n{token}。\n")
    wait_until(lambda: token in (get(page) or ""), 30)
    return time.perf_counter() - t0


def mixed_pauses() -> list[float]:
    """20 pauses between saves, 0.3 to 3 seconds, the same for every tool and run."""
    rng = random.Random(20261203)
    return [round(rng.uniform(0.3, 3.0), 2) for _ in range(20)]


def ms(x: float) -> str:
    return f"{x * 1000:.0f}"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="预览服务器改动生效时间：同心与 Hugo")
    ap.add_argument("site", type=Path, help="bench/gen.py 生成的目录")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tongxin", default=str(Path(__file__).resolve().parent.parent / "target/release/tongxin"))
    ap.add_argument("--hugo", default=shutil.which("hugo") or "hugo")
    ap.add_argument("--tools", default="tongxin hugo")
    args = ap.parse_args(argv)

    results = {}
    log_dir = Path(__file__).resolve().parent / "out" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    for key in args.tools.split():
        tool = Tongxin(args.tongxin, args.site / "tongxin") if key == "tongxin" else Hugo(args.hugo, args.site / "hugo")
        with open(log_dir / f"serve-{key}.log", "w") as log:
            print(f"== {tool.name}", file=sys.stderr)
            results[tool.name] = measure(tool, args.runs, log)

    print(f"\n预览服务器：保存后到服务器返回新页面的时间（毫秒，{args.runs} 次，中位数 [最小–最大]）\n")
    print("| 工具 | 启动并生成 | 改正文 | 改标题（文章页和栏目页） |")
    print("|---|---|---|---|")
    for name, r in results.items():
        b, t = r["body"], r["title"]
        print(
            f"| {name} | {r['start']:.1f} 秒 | {ms(statistics.median(b))} [{ms(min(b))}–{ms(max(b))}] "
            f"| {ms(statistics.median(t))} [{ms(min(t))}–{ms(max(t))}] |"
        )
    pauses = mixed_pauses()
    print(f"\n边写边存：连续 20 次改正文，两次保存之间隔 {min(pauses)}–{max(pauses)} 秒，不等服务器空闲（毫秒）\n")
    print("| 工具 | 中位数 | 最慢 | 各次 |")
    print("|---|---|---|---|")
    for name, r in results.items():
        m = r["mixed"]
        print(f"| {name} | {ms(statistics.median(m))} | {ms(max(m))} | {', '.join(ms(x) for x in m)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
