#!/usr/bin/env python3
"""写作台的响应时间：一万篇文章的网站上，写作台的每个操作要等多久。

用法：
    python3 bench/desk.py SITE_DIR [--runs 10] [--tongxin BIN]

SITE_DIR 是 bench/gen.py 生成的目录（用其中的 tongxin/ 站点）。启动 `tongxin serve`，
等第一次生成完毕，然后通过写作台的接口（与写作台网页发出的请求相同）计时：

- 打开文章总览（/api/site：读全部文章、运行发布前检查）：第一次，以及网站没变时再打开；
- 打开一篇文章（/api/post）；
- 预览（/api/preview）：每次在正文末尾多打几个字，从发出请求到拿到整页 HTML；
- 保存正文的改动（/api/save），直到预览网站上的文章页显示出新内容；
- 同一次运行里，用文本编辑器的方式（直接写文件）做同样的改动，直到文章页显示出来，作对照。

报告中位数和最慢一次（毫秒）。结束后把文章恢复原样。只用 Python 标准库。
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Desk:
    def __init__(self, port: int):
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.token = ""

    def request(self, method: str, path: str, body: bytes | None = None, token: bool = True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": self.host}
        if token:
            headers["X-Tongxin-Token"] = self.token
            headers["Origin"] = f"http://{self.host}"
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, data

    def api(self, method: str, path: str, payload=None):
        body = json.dumps(payload).encode() if payload is not None else None
        status, data = self.request(method, "/_tongxin/api/" + path, body)
        if status != 200:
            raise SystemExit(f"{method} {path}: {status} {data[:300]!r}")
        return json.loads(data)

    def page(self, path: str) -> str:
        status, data = self.request("GET", path, token=False)
        return data.decode("utf-8", "replace") if status == 200 else ""


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return (time.perf_counter() - start) * 1000, value


def wait_for(check, timeout=60.0):
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if check():
            return (time.perf_counter() - start) * 1000
        time.sleep(0.002)
    raise SystemExit("timed out")


def summary(values):
    return f"{statistics.median(values):7.0f} {max(values):7.0f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tongxin", default="target/release/tongxin")
    args = parser.parse_args()
    site = Path(args.site) / "tongxin"
    binary = Path(args.tongxin).resolve()
    port = free_port()
    server = subprocess.Popen(
        [str(binary), "serve", "--port", str(port)],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"TONGXIN_NO_SEARCH": "1", "PATH": "/usr/bin:/bin"},
    )
    desk = Desk(port)
    column = site / "content" / "yaowen"
    newest = sorted(p for p in column.glob("*.md") if p.name != "_index.md")[-1]
    rel = f"content/yaowen/{newest.name}"
    original = newest.read_bytes()
    try:
        wait_for(lambda: "tongxin-token" in desk.page("/_tongxin/"), timeout=300)
        html = desk.page("/_tongxin/")
        desk.token = re.search(r'name="tongxin-token" content="([0-9a-f]+)"', html).group(1)
        # The first build is done when the status says so.
        wait_for(lambda: json.loads(desk.request("GET", "/__tongxin/status", token=False)[1])["builds"] > 0, 300)

        rows = []
        first, site_json = timed(lambda: desk.api("GET", "site"))
        posts = sum(len(c["posts"]) for c in site_json["columns"])
        again = [timed(lambda: desk.api("GET", "site"))[0] for _ in range(3)]
        rows.append(("文章总览，第一次（含发布前检查）", [first]))
        rows.append(("文章总览，网站没变时再打开", again))

        q = urllib.parse.quote(rel, safe="")
        opens = [timed(lambda: desk.api("GET", f"post?path={q}"))[0] for _ in range(args.runs)]
        rows.append(("打开一篇文章", opens))
        post = desk.api("GET", f"post?path={q}")

        previews = []
        body = post["body"]
        for i in range(args.runs):
            body += f"写作台预览测速第{i}段。"
            ms, reply = timed(
                lambda: desk.api("POST", "preview", {"path": rel, "fields": post["fields"], "body": body})
            )
            if f"测速第{i}段" not in (reply["html"] or ""):
                raise SystemExit("the preview did not show the typed text")
            previews.append(ms)
        rows.append(("预览（多打几个字后）", previews))

        page_path = None
        for c in site_json["columns"]:
            for p in c["posts"]:
                if p["path"] == rel:
                    page_path = p["url"]
        saves, edits = [], []
        for i in range(args.runs):
            post = desk.api("GET", f"post?path={q}")
            marker = f"写作台保存测速{i}号"
            start = time.perf_counter()
            desk.api(
                "POST",
                "save",
                {"path": rel, "fields": post["fields"], "body": post["body"] + f"\n{marker}\n", "version": post["version"]},
            )
            wait_for(lambda: marker in desk.page(page_path))
            saves.append((time.perf_counter() - start) * 1000)
            time.sleep(0.3)
            marker = f"文本编辑器保存测速{i}号"
            text = newest.read_text(encoding="utf-8")
            start = time.perf_counter()
            newest.write_text(text + f"\n{marker}\n", encoding="utf-8")
            wait_for(lambda: marker in desk.page(page_path))
            edits.append((time.perf_counter() - start) * 1000)
            time.sleep(0.3)
        rows.append(("在写作台保存正文，到文章页更新", saves))
        rows.append(("对照：直接写文件，到文章页更新", edits))

        print(f"写作台响应时间：{posts} 篇文章，{args.runs} 次（毫秒）")
        print(f"{'操作':<30}{'中位数':>8}{'最慢':>8}")
        for name, values in rows:
            print(f"{name:<30}{summary(values)}")
    finally:
        newest.write_bytes(original)
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
