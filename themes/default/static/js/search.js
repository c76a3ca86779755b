/* 同心站内搜索：在浏览器里查找，不需要服务器。
   索引由 tongxin build 生成在 search/data/（格式见 src/output/search/）：
   一次查询只下载它的词所在的分片，以及要显示的那几条结果的正文摘要。
   切词规则必须与 src/output/search/tokens.rs 一致。 */
(function () {
  "use strict";

  var page = document.querySelector("[data-search-index]");
  if (!page) return;
  var base = page.getAttribute("data-search-index");
  var form = page.querySelector(".search-form");
  var input = page.querySelector("#search-q");
  var statusLine = page.querySelector(".search-status");
  var list = page.querySelector(".search-results");
  var filters = page.querySelector(".search-filters");
  var moreButton = page.querySelector(".search-more");

  var PAGE = 10;
  var TITLE = 0x80;
  var WORD = 0x40;
  var K1 = 1.2;
  /* 跨词边界的偶然相连（如“协商民主”里的“商民”）只算部分得分 */
  var CHANCE = 0.6;

  /* ---------- 切词（与 tokens.rs 相同） ---------- */

  function normalizeChar(c) {
    var code = c.codePointAt(0);
    if (code >= 0xff01 && code <= 0xff5e) c = String.fromCodePoint(code - 0xfee0);
    else if (code === 0x3000) c = " ";
    return c.toLowerCase();
  }

  function isHan(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) ||
      (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2ffff);
  }

  function isLatin(c) {
    return /^[a-z0-9]$/.test(c);
  }

  function isJoiner(c) {
    return c === "-" || c === "." || c === "/" || c === "_";
  }

  function runs(text) {
    var chars = Array.from(text, normalizeChar);
    var out = [];
    var i = 0;
    while (i < chars.length) {
      var start = i;
      if (isHan(chars[i])) {
        while (i < chars.length && isHan(chars[i])) i++;
        out.push({ han: true, text: chars.slice(start, i).join("") });
      } else if (isLatin(chars[i])) {
        i++;
        for (;;) {
          while (i < chars.length && isLatin(chars[i])) i++;
          if (i + 1 < chars.length && isJoiner(chars[i]) && isLatin(chars[i + 1])) i++;
          else break;
        }
        out.push({ han: false, text: chars.slice(start, i).join("") });
      } else {
        i++;
      }
    }
    return out;
  }

  var segmenter = null;
  try {
    if (window.Intl && Intl.Segmenter) segmenter = new Intl.Segmenter("zh-CN", { granularity: "word" });
  } catch (e) {
    segmenter = null;
  }

  /* 没有 Intl.Segmenter 的浏览器：每两个字一段，最后不足两个字并入前一段 */
  function fallbackWords(text) {
    var chars = Array.from(text);
    var out = [];
    for (var i = 0; i < chars.length; i += 2) out.push(chars.slice(i, i + 2).join(""));
    if (out.length > 1 && Array.from(out[out.length - 1]).length === 1) {
      out[out.length - 2] += out.pop();
    }
    return out;
  }

  /* 查询切成若干“单位”，每个单位都必须出现。连在一起的单字合成一个单位，
     这样“商民”“张三”这样被切成单字的词仍按原样查找。 */
  function units(query) {
    var out = [];
    runs(query).forEach(function (run) {
      if (!run.han) {
        out.push({ text: run.text, han: false });
        return;
      }
      var words = segmenter
        ? Array.from(segmenter.segment(run.text), function (s) { return s.segment; })
        : fallbackWords(run.text);
      var single = "";
      words.forEach(function (w) {
        if (Array.from(w).length === 1) {
          single += w;
          return;
        }
        if (single) out.push({ text: single, han: true });
        single = "";
        out.push({ text: w, han: true });
      });
      if (single) out.push({ text: single, han: true });
    });
    var seen = {};
    return out.filter(function (u) {
      if (seen[u.text]) return false;
      seen[u.text] = true;
      return true;
    });
  }

  /* ---------- 索引 ---------- */

  var meta = null;
  var columns = null;
  var shards = {};
  var docs = {};

  function fetchOk(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + " " + r.status);
      return r;
    });
  }

  function loadMeta() {
    if (!meta) {
      meta = Promise.all([
        fetchOk(base + "meta.json").then(function (r) { return r.json(); }),
        fetchOk(base + "columns.bin").then(function (r) { return r.arrayBuffer(); })
      ]).then(function (both) {
        columns = new Uint8Array(both[1]);
        return both[0];
      });
    }
    return meta;
  }

  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  function readVarint(bytes, pos) {
    var n = 0;
    var shift = 0;
    var b;
    do {
      b = bytes[pos.at++];
      n += (b & 0x7f) * Math.pow(2, shift);
      shift += 7;
    } while (b >= 0x80 && pos.at < bytes.length);
    return n;
  }

  /* 一个分片：词 → 它的倒排表（字节），用到时才解码 */
  function loadShard(n) {
    if (!shards[n]) {
      shards[n] = fetchOk(base + "s/" + n + ".bin")
        .then(function (r) { return r.arrayBuffer(); })
        .then(function (buffer) {
          var bytes = new Uint8Array(buffer);
          var decoder = new TextDecoder();
          var terms = new Map();
          var pos = { at: 0 };
          while (pos.at < bytes.length) {
            var len = readVarint(bytes, pos);
            var term = decoder.decode(bytes.subarray(pos.at, pos.at + len));
            pos.at += len;
            var count = readVarint(bytes, pos);
            var size = readVarint(bytes, pos);
            terms.set(term, { count: count, bytes: bytes.subarray(pos.at, pos.at + size) });
            pos.at += size;
          }
          return terms;
        })
        .catch(function () {
          return new Map(); /* 空分片不生成文件 */
        });
    }
    return shards[n];
  }

  /* 词的倒排表：[{doc, flags}]，没有这个词时为空表 */
  function postings(term) {
    return loadMeta().then(function (m) {
      return loadShard(fnv1a(term) % m.shards).then(function (terms) {
        var entry = terms.get(term);
        if (!entry) return { count: 0, list: [] };
        if (!entry.list) {
          var list = [];
          var pos = { at: 0 };
          var doc = 0;
          while (pos.at < entry.bytes.length) {
            doc += readVarint(entry.bytes, pos);
            list.push({ doc: doc, flags: entry.bytes[pos.at++] });
          }
          entry.list = list;
        }
        return { count: entry.count, list: entry.list };
      });
    });
  }

  function loadDoc(id) {
    if (!docs[id]) {
      docs[id] = fetchOk(base + "d/" + id + ".json").then(function (r) { return r.json(); });
    }
    return docs[id];
  }

  /* ---------- 打分 ---------- */

  function idf(count, total) {
    return Math.log(1 + (total - count + 0.5) / (count + 0.5));
  }

  function termScore(flags, count, total) {
    return idf(count, total) * ((flags & 0x3f) / 63) * (K1 + 1);
  }

  function pairs(text) {
    var chars = Array.from(text);
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }

  /* 一个单位要查的词：单位本身；三个字以上的中文还有它每相邻两字 */
  function termsOf(unit) {
    var long = unit.han && Array.from(unit.text).length > 2;
    return [unit.text].concat(long ? pairs(unit.text) : []);
  }

  /* 一个单位命中的文档：Map(doc → {score, title, word}) */
  function matchUnit(unit, total) {
    var length = Array.from(unit.text).length;
    var terms = termsOf(unit);
    if (terms.length === 1) {
      return postings(unit.text).then(function (p) {
        var hits = new Map();
        p.list.forEach(function (e) {
          var word = !unit.han || length === 1 || (e.flags & WORD) !== 0;
          hits.set(e.doc, {
            score: termScore(e.flags, p.count, total) * (word ? 1 : CHANCE),
            title: (e.flags & TITLE) !== 0,
            word: word
          });
        });
        return hits;
      });
    }
    /* 三个字以上：作为词查一次，再按相邻两字全部出现查一次（跨词边界也能找到） */
    return Promise.all(terms.map(postings)).then(function (all) {
      var hits = new Map();
      var asWord = all[0];
      var gramLists = all.slice(1).sort(function (a, b) { return a.count - b.count; });
      var rarest = gramLists[0];
      var lookups = gramLists.slice(1).map(function (p) {
        var m = new Map();
        p.list.forEach(function (e) { m.set(e.doc, e.flags); });
        return { count: p.count, flags: m };
      });
      rarest.list.forEach(function (e) {
        var score = termScore(e.flags, rarest.count, total);
        var title = (e.flags & TITLE) !== 0;
        for (var i = 0; i < lookups.length; i++) {
          var f = lookups[i].flags.get(e.doc);
          if (f === undefined) return;
          score = Math.min(score, termScore(f, lookups[i].count, total));
          title = title && (f & TITLE) !== 0;
        }
        hits.set(e.doc, { score: score * CHANCE, title: title, word: false });
      });
      asWord.list.forEach(function (e) {
        hits.set(e.doc, {
          score: termScore(e.flags, asWord.count, total),
          title: (e.flags & TITLE) !== 0,
          word: true
        });
      });
      return hits;
    });
  }

  /* 全部单位都命中的文档，标题命中多的在前，其次整词命中多的，再按得分，最后新的在前 */
  function search(query) {
    var us = units(query);
    if (!us.length) return Promise.resolve({ units: us, hits: [] });
    return loadMeta().then(function (m) {
      return Promise.all(us.map(function (u) { return matchUnit(u, m.docs); })).then(function (maps) {
        maps.sort(function (a, b) { return a.size - b.size; });
        var hits = [];
        maps[0].forEach(function (first, doc) {
          var total = { doc: doc, score: 0, titles: 0, words: 0 };
          for (var i = 0; i < maps.length; i++) {
            var h = i === 0 ? first : maps[i].get(doc);
            if (!h) return;
            total.score += h.score;
            if (h.title) total.titles++;
            if (h.word) total.words++;
          }
          hits.push(total);
        });
        hits.sort(function (a, b) {
          return b.titles - a.titles || b.words - a.words || b.score - a.score || a.doc - b.doc;
        });
        return { units: us, hits: hits };
      });
    });
  }

  /* ---------- 显示 ---------- */

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* 把查询词标出来（<mark>）；Latin 不分大小写 */
  function highlight(text, us) {
    var lower = Array.from(text, normalizeChar).join("");
    var marks = [];
    us.forEach(function (u) {
      var from = 0;
      var at;
      while ((at = lower.indexOf(u.text, from)) !== -1) {
        marks.push([at, at + u.text.length]);
        from = at + u.text.length;
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var out = "";
    var pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      out += escapeHtml(text.slice(pos, m[0])) + "<mark>" + escapeHtml(text.slice(m[0], m[1])) + "</mark>";
      pos = m[1];
    });
    return out + escapeHtml(text.slice(pos));
  }

  /* 摘要：从第一个命中处往前留一点，取约 90 个字 */
  function excerpt(text, us) {
    var lower = Array.from(text, normalizeChar).join("");
    var first = -1;
    us.forEach(function (u) {
      var at = lower.indexOf(u.text);
      if (at !== -1 && (first === -1 || at < first)) first = at;
    });
    var start = Math.max(0, first - 20);
    var piece = text.slice(start, start + 90);
    return (start > 0 ? "……" : "") + highlight(piece, us) + (start + 90 < text.length ? "……" : "");
  }

  var state = { query: "", column: -1, hits: [], shown: 0, units: [], run: 0 };

  function filtered() {
    if (state.column < 0) return state.hits;
    return state.hits.filter(function (h) { return columns[h.doc] === state.column; });
  }

  function drawFilters(m) {
    var counts = new Map();
    state.hits.forEach(function (h) {
      var c = columns[h.doc];
      counts.set(c, (counts.get(c) || 0) + 1);
    });
    filters.textContent = "";
    if (counts.size < 2) {
      filters.hidden = true;
      return;
    }
    var entries = [[-1, "全部", state.hits.length]];
    var rank = function (c) {
      var at = (m.order || []).indexOf(c);
      return at === -1 ? 1000 + c : at;
    };
    Array.from(counts.keys()).sort(function (a, b) { return rank(a) - rank(b); }).forEach(function (c) {
      entries.push([c, m.columns[c] || "其他", counts.get(c)]);
    });
    entries.forEach(function (e) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = e[1] + "（" + e[2] + "）";
      b.setAttribute("aria-pressed", String(state.column === e[0]));
      b.addEventListener("click", function () {
        state.column = e[0];
        drawFilters(m);
        drawList(m, true);
        updateUrl();
      });
      filters.appendChild(b);
    });
    filters.hidden = false;
  }

  function drawList(m, fresh) {
    var ticket = state.run;
    var hits = filtered();
    if (fresh) {
      list.textContent = "";
      state.shown = 0;
    }
    var slice = hits.slice(state.shown, state.shown + PAGE);
    state.shown += slice.length;
    moreButton.hidden = state.shown >= hits.length;
    var label = state.column < 0 ? "" : "（" + (m.columns[state.column] || "其他") + "）";
    statusLine.textContent = hits.length
      ? "找到 " + hits.length + " 条结果" + label + "。"
      : "没有找到与“" + state.query + "”有关的内容" + label + "，请换个词或减少几个词再试。";
    return Promise.all(slice.map(function (h) { return loadDoc(h.doc); })).then(function (found) {
      if (ticket !== state.run) return;
      found.forEach(function (d) {
        var li = document.createElement("li");
        li.className = "search-result";
        var column = m.columns[d.c] || "";
        li.innerHTML =
          '<a class="search-title" href="' + escapeHtml(d.u) + '">' + highlight(d.t, state.units) + "</a>" +
          '<p class="search-meta">' + escapeHtml(column) + (column && d.d ? " · " : "") + escapeHtml(d.d || "") + "</p>" +
          '<p class="search-excerpt">' + excerpt(d.x, state.units) + "</p>";
        list.appendChild(li);
      });
    });
  }

  function updateUrl() {
    var params = new URLSearchParams(location.search);
    if (state.query) params.set("q", state.query);
    else params.delete("q");
    if (state.column >= 0) params.set("c", String(state.column));
    else params.delete("c");
    var qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
  }

  function run(query, column) {
    state.query = query.trim();
    state.column = column === undefined ? -1 : column;
    var ticket = ++state.run;
    updateUrl();
    if (!state.query) {
      list.textContent = "";
      filters.hidden = true;
      moreButton.hidden = true;
      statusLine.textContent = "";
      return Promise.resolve();
    }
    statusLine.textContent = "正在搜索……";
    return search(state.query).then(function (result) {
      if (ticket !== state.run) return null;
      state.hits = result.hits;
      state.units = result.units;
      return loadMeta().then(function (m) {
        if (state.column >= 0 && !state.hits.some(function (h) { return columns[h.doc] === state.column; })) {
          state.column = -1;
        }
        drawFilters(m);
        return drawList(m, true);
      });
    }).then(function () {
      if (ticket === state.run) page.setAttribute("data-search-done", state.query);
    }).catch(function () {
      if (ticket === state.run) statusLine.textContent = "搜索索引加载失败，请稍后刷新页面重试。";
    });
  }

  /* 边输入边预取：每次按键就开始下载这些词所在的分片（已下载的不会重复），
     等输入停顿下来再排序显示，下载的时间就藏在停顿里。 */
  function prefetch(query) {
    units(query).forEach(function (u) {
      termsOf(u).forEach(function (t) { postings(t); });
    });
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    prefetch(input.value);
    timer = setTimeout(function () { run(input.value); }, 100);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    run(input.value);
  });
  moreButton.addEventListener("click", function () {
    loadMeta().then(function (m) { drawList(m, false); });
  });

  loadMeta(); /* 页面一打开就取元数据，第一次查询少等一轮 */

  var params = new URLSearchParams(location.search);
  var initial = params.get("q") || "";
  var initialColumn = params.has("c") ? Number(params.get("c")) : -1;
  input.value = initial;
  if (initial) run(initial, isNaN(initialColumn) ? -1 : initialColumn);
  else input.focus();
})();
