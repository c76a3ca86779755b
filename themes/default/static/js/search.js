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
  var B = 0.75;
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

  var GONE = 254; /* docs.bin 里的栏目字节：这个编号的文档已不在索引中 */
  var meta = null;
  var columns = null; /* 每个文档编号一个字节：栏目 */
  var lengths = null; /* 每个文档的长度（汉字数） */
  var ranks = null; /* 每个文档按日期的名次（新的在前）；没有时就是编号 */
  var recentIds = null; /* 这些文档的倒排表在 r/ 分片里，s/ 分片里的作废 */
  var starts = null; /* 每个文档的文本在它的包里的起点；终点是下一篇的起点 */
  var ends = {}; /* 每个包最后一篇的终点 */
  var shards = {};
  var docs = {};
  var packs = {};

  function fetchOk(url, init) {
    return fetch(url, init).then(function (r) {
      if (!r.ok) throw new Error(url + " " + r.status);
      return r;
    });
  }

  /* 元数据和文档表一起取：栏目、长度、日期名次 */
  function loadMeta() {
    if (!meta) {
      meta = Promise.all([
        fetchOk(base + "meta.json").then(function (r) { return r.json(); }),
        fetchOk(base + "docs.bin").then(function (r) { return r.arrayBuffer(); }).then(function (b) {
          return inflate(new Uint8Array(b));
        })
      ]).then(function (both) {
        var m = both[0];
        var bytes = both[1];
        var ids = m.ids;
        columns = bytes.subarray(0, ids);
        /* 长度分级：第 c 级约为 1.05^c - 1 个字。平均长度按级别累加，与编号的先后无关：
           增量生成和从头生成的索引给出完全相同的得分 */
        var classes = [];
        var counts = [];
        for (var c = 0; c < 256; c++) {
          classes.push(Math.pow(1.05, c) - 1);
          counts.push(0);
        }
        lengths = new Float64Array(ids);
        var live = 0;
        for (var i = 0; i < ids; i++) {
          if (columns[i] === GONE) continue;
          lengths[i] = classes[bytes[ids + i]];
          counts[bytes[ids + i]]++;
          live++;
        }
        var sum = 0;
        for (c = 0; c < 256; c++) sum += counts[c] * classes[c];
        m.avg = Math.max(1, live ? sum / live : 1);
        /* 每个文本在它的包里从哪里开始、到哪里结束：按大小逐包累加 */
        var sizes = new DataView(bytes.buffer, bytes.byteOffset + 2 * ids, 2 * ids);
        starts = new Uint32Array(ids + 1);
        for (var k = 0, at = 0; k < ids; k++) {
          if (k % m.pack === 0) at = 0;
          starts[k] = at;
          at += sizes.getUint16(2 * k, true);
          if (k === ids - 1 || (k + 1) % m.pack === 0) ends[k] = at;
        }
        if (m.ranked) {
          var view = new DataView(bytes.buffer, bytes.byteOffset + 4 * ids, 4 * ids);
          ranks = new Uint32Array(ids);
          for (var j = 0; j < ids; j++) ranks[j] = view.getUint32(4 * j, true);
        }
        recentIds = new Set(m.recentIds || []);
        return m;
      });
    }
    return meta;
  }

  function rankOf(doc) {
    return ranks ? ranks[doc] : doc;
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
  function loadShard(path) {
    if (!shards[path]) {
      shards[path] = fetchOk(base + path)
        .then(function (r) { return r.arrayBuffer(); })
        .then(function (buffer) { return inflate(new Uint8Array(buffer)); })
        .then(function (bytes) {
          var decoder = new TextDecoder();
          var terms = new Map();
          var pos = { at: 0 };
          while (pos.at < bytes.length) {
            var len = readVarint(bytes, pos);
            var term = decoder.decode(bytes.subarray(pos.at, pos.at + len));
            pos.at += len;
            var count = readVarint(bytes, pos);
            var size = readVarint(bytes, pos);
            var end = pos.at + Math.floor(size / 2);
            terms.set(term, { count: count, dense: size % 2 === 1, bytes: bytes.subarray(pos.at, end) });
            pos.at = end;
          }
          return terms;
        })
        .catch(function () {
          return new Map(); /* 空分片不生成文件 */
        });
    }
    return shards[path];
  }

  /* 解码一个倒排表：{count, docs, flags}，按编号排列，用定长数组（一万篇的表
     也不必造一万个对象）。稀疏的是“间隔 + 字节”；稠密的是位图、常见字节表、
     每篇一个 4 位代码（0 表示字节在末尾单列） */
  function decodeList(entry, ids) {
    var b = entry.bytes;
    var docsOut = new Int32Array(entry.count);
    var flagsOut = new Uint8Array(entry.count);
    var n = 0;
    if (!entry.dense) {
      var pos = { at: 0 };
      var doc = 0;
      while (pos.at < b.length && n < entry.count) {
        doc += readVarint(b, pos);
        docsOut[n] = doc;
        flagsOut[n++] = b[pos.at++];
      }
      return { count: n, docs: docsOut, flags: flagsOut };
    }
    var bitmap = Math.ceil(ids / 8);
    var common = b.subarray(bitmap + 1, bitmap + 1 + b[bitmap]);
    var codes = bitmap + 1 + common.length;
    var escape = codes + Math.ceil(entry.count / 2);
    for (var i = 0; i < bitmap && n < entry.count; i++) {
      var bits = b[i];
      if (!bits) continue;
      for (var bit = 0; bit < 8; bit++) {
        if (!(bits & (1 << bit))) continue;
        var code = (b[codes + (n >> 1)] >> ((n & 1) * 4)) & 15;
        docsOut[n] = i * 8 + bit;
        flagsOut[n++] = code ? common[code - 1] : b[escape++];
      }
    }
    return { count: n, docs: docsOut, flags: flagsOut };
  }

  var EMPTY = { count: 0, docs: new Int32Array(0), flags: new Uint8Array(0) };

  /* 词的倒排表：{count, docs, flags}，没有这个词时为空表。最近改过的文档的倒排表
     在 r/ 分片里，换掉 s/ 分片里的旧记录 */
  function postings(term) {
    return loadMeta().then(function (m) {
      var h = fnv1a(term);
      var parts = [loadShard("s/" + (h % m.shards) + ".bin")];
      if (m.recent) parts.push(loadShard("r/" + (h % m.recent) + ".bin"));
      return Promise.all(parts).then(function (found) {
        var key = "\u0000" + term;
        var cached = found[0].get(key);
        if (cached) return cached;
        var main = found[0].get(term);
        var recent = found[1] && found[1].get(term);
        var a = main ? decodeList(main, m.base) : EMPTY;
        var r = recent ? decodeList(recent, m.ids) : EMPTY;
        /* 两个表按编号归并：s/ 里最近改过的和已删的跳过 */
        var docsOut = new Int32Array(a.count + r.count);
        var flagsOut = new Uint8Array(a.count + r.count);
        var n = 0;
        var i = 0;
        var j = 0;
        while (i < a.count || j < r.count) {
          var doc;
          var flags;
          if (j >= r.count || (i < a.count && a.docs[i] < r.docs[j])) {
            doc = a.docs[i];
            flags = a.flags[i++];
            if (recentIds.size && recentIds.has(doc)) continue;
          } else {
            doc = r.docs[j];
            flags = r.flags[j++];
          }
          if (columns[doc] === GONE) continue;
          docsOut[n] = doc;
          flagsOut[n++] = flags;
        }
        var result = { count: n, docs: docsOut, flags: flagsOut };
        found[0].set(key, result);
        return result;
      });
    });
  }

  /* 一段字节：服务器支持范围请求时只取这一段，不支持时取整个文件再切 */
  function loadRange(n, start, end) {
    var pack = packs[n] || (packs[n] = {});
    if (pack.whole) {
      return pack.whole.then(function (all) { return all.subarray(start, end); });
    }
    var url = base + "t/" + n + ".bin";
    return fetchOk(url, { headers: { Range: "bytes=" + start + "-" + (end - 1) } }).then(function (r) {
      return r.arrayBuffer().then(function (buffer) {
        var bytes = new Uint8Array(buffer);
        if (r.status === 206) return bytes;
        pack.whole = Promise.resolve(bytes);
        return bytes.subarray(start, end);
      });
    });
  }

  /* 没有 DecompressionStream 的旧浏览器（如 iOS 16.3 以前的 Safari）用这个：
     按 RFC 1950/1951 解压 zlib 数据（文档表和每篇的文本）。只有旧浏览器走这里，慢一点也无妨。 */
  var LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  var LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
  var CODE_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

  function inflateSync(data) {
    var pos = 2; /* zlib 的两字节头 */
    var bit = 0;
    var out = [];
    function bits(n) {
      var v = 0;
      for (var i = 0; i < n; i++) {
        if (pos >= data.length) throw new Error("inflate: truncated");
        v |= ((data[pos] >> bit) & 1) << i;
        if (++bit === 8) {
          bit = 0;
          pos++;
        }
      }
      return v;
    }
    /* 范式哈夫曼码：每个码长有几个符号，符号按码排好 */
    function table(lengths) {
      var counts = [];
      var offsets = [0];
      var symbols = [];
      var i;
      for (i = 0; i < 16; i++) counts.push(0);
      for (i = 0; i < lengths.length; i++) counts[lengths[i]]++;
      counts[0] = 0;
      for (i = 1; i < 16; i++) offsets.push(offsets[i - 1] + counts[i - 1]);
      for (i = 0; i < lengths.length; i++) if (lengths[i]) symbols[offsets[lengths[i]]++] = i;
      return { counts: counts, symbols: symbols };
    }
    function decode(t) {
      var code = 0;
      var first = 0;
      var index = 0;
      for (var len = 1; len < 16; len++) {
        code |= bits(1);
        var count = t.counts[len];
        if (code - first < count) return t.symbols[index + code - first];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
      }
      throw new Error("inflate: bad code");
    }
    var last;
    var i;
    do {
      last = bits(1);
      var type = bits(2);
      if (type === 0) {
        if (bit) {
          bit = 0;
          pos++;
        }
        var stored = data[pos] | (data[pos + 1] << 8);
        pos += 4;
        for (i = 0; i < stored; i++) out.push(data[pos++]);
        continue;
      }
      var lengths = [];
      var literal;
      var distance;
      if (type === 1) {
        for (i = 0; i < 288; i++) lengths.push(i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8);
        literal = table(lengths);
        lengths = [];
        for (i = 0; i < 30; i++) lengths.push(5);
        distance = table(lengths);
      } else if (type === 2) {
        var nlen = bits(5) + 257;
        var ndist = bits(5) + 1;
        var ncode = bits(4) + 4;
        var codeLengths = [];
        for (i = 0; i < 19; i++) codeLengths.push(0);
        for (i = 0; i < ncode; i++) codeLengths[CODE_ORDER[i]] = bits(3);
        var codes = table(codeLengths);
        while (lengths.length < nlen + ndist) {
          var sym = decode(codes);
          if (sym < 16) {
            lengths.push(sym);
          } else {
            var value = sym === 16 ? lengths[lengths.length - 1] : 0;
            var repeat = sym === 16 ? 3 + bits(2) : sym === 17 ? 3 + bits(3) : 11 + bits(7);
            while (repeat--) lengths.push(value);
          }
        }
        literal = table(lengths.slice(0, nlen));
        distance = table(lengths.slice(nlen));
      } else {
        throw new Error("inflate: bad block");
      }
      for (;;) {
        var s = decode(literal);
        if (s < 256) {
          out.push(s);
        } else if (s === 256) {
          break;
        } else {
          s -= 257;
          var length = LENGTH_BASE[s] + bits(LENGTH_EXTRA[s]);
          var ds = decode(distance);
          var from = out.length - DIST_BASE[ds] - bits(DIST_EXTRA[ds]);
          for (i = 0; i < length; i++) out.push(out[from + i]);
        }
      }
    } while (!last);
    return new Uint8Array(out);
  }

  function inflate(bytes) {
    if (typeof DecompressionStream === "undefined") return Promise.resolve(inflateSync(bytes));
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  /* 一个文本在包里的终点 */
  function endOf(id, m) {
    return (id + 1) % m.pack === 0 || id + 1 === m.ids ? ends[id] : starts[id + 1];
  }

  /* 相隔不到这么多字节的文本用一个范围请求一起取：少几轮往返，多取的字节很少 */
  var GAP = 4096;

  /* 这些文档要显示的内容：每篇 {u 网址, t 标题, d 日期, x 正文开头, c 栏目}。
     同一个包里挨得近的文本合成一个范围请求 */
  function loadDocs(ids) {
    return loadMeta().then(function (m) {
      var wanted = ids.filter(function (id) { return !docs[id]; }).sort(function (a, b) { return a - b; });
      var i = 0;
      while (i < wanted.length) {
        var n = Math.floor(wanted[i] / m.pack);
        var run = [wanted[i]];
        var j = i + 1;
        while (j < wanted.length && Math.floor(wanted[j] / m.pack) === n && starts[wanted[j]] - endOf(run[run.length - 1], m) <= GAP) {
          run.push(wanted[j++]);
        }
        fetchRun(n, run, m);
        i = j;
      }
      return Promise.all(ids.map(function (id) { return docs[id]; }));
    });
  }

  /* 一个范围请求取回一串文本，每篇各自解压 */
  function fetchRun(n, run, m) {
    var from = starts[run[0]];
    var bytes = loadRange(n, from, endOf(run[run.length - 1], m));
    run.forEach(function (id) {
      var doc = bytes.then(function (all) {
        return inflate(all.subarray(starts[id] - from, endOf(id, m) - from));
      }).then(function (text) {
        var d = JSON.parse(new TextDecoder().decode(text));
        return { u: d[0], t: d[1], d: d[2], x: d[3], c: columns[id] };
      });
      docs[id] = doc;
      /* 取失败的不留在缓存里，下次再取 */
      doc.catch(function () {
        if (docs[id] === doc) delete docs[id];
      });
    });
  }

  /* ---------- 打分 ---------- */

  function idf(count, total) {
    return Math.log(1 + (total - count + 0.5) / (count + 0.5));
  }

  /* BM25：词频与文档长度在这里合成，倒排表里只记出现次数（最多 63） */
  function termScore(flags, count, total, doc, avg) {
    var tf = flags & 0x3f;
    var norm = K1 * (1 - B + B * Math.max(1, lengths[doc]) / avg);
    return idf(count, total) * tf * (K1 + 1) / (tf + norm);
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

  /* 一个单位命中的文档：{size, docs（命中的编号）, score（按编号）, marks（按编号：
     HIT 命中，TITLE 标题里有，WORD 整词命中）} */
  var HIT = 1;

  function unitHits(ids) {
    return { size: 0, docs: [], score: new Float64Array(ids), marks: new Uint8Array(ids) };
  }

  function addHit(hits, doc, score, title, word) {
    if (!hits.marks[doc]) {
      hits.docs.push(doc);
      hits.size++;
    }
    hits.score[doc] = score;
    hits.marks[doc] = HIT | (title ? TITLE : 0) | (word ? WORD : 0);
  }

  function matchUnit(unit, total, avg, ids) {
    var length = Array.from(unit.text).length;
    var terms = termsOf(unit);
    if (terms.length === 1) {
      return postings(unit.text).then(function (p) {
        var hits = unitHits(ids);
        for (var k = 0; k < p.count; k++) {
          var flags = p.flags[k];
          var doc = p.docs[k];
          var word = !unit.han || length === 1 || (flags & WORD) !== 0;
          addHit(hits, doc, termScore(flags, p.count, total, doc, avg) * (word ? 1 : CHANCE), (flags & TITLE) !== 0, word);
        }
        return hits;
      });
    }
    /* 三个字以上：作为词查一次，再按相邻两字全部出现查一次（跨词边界也能找到） */
    return Promise.all(terms.map(postings)).then(function (all) {
      var hits = unitHits(ids);
      var asWord = all[0];
      var gramLists = all.slice(1).sort(function (a, b) { return a.count - b.count; });
      var rarest = gramLists[0];
      /* 其余两字的表按编号摊开：0 表示不含（倒排表里的字节至少是 1） */
      var lookups = gramLists.slice(1).map(function (p) {
        var flagsOf = new Uint8Array(ids);
        for (var k = 0; k < p.count; k++) flagsOf[p.docs[k]] = p.flags[k];
        return { count: p.count, flags: flagsOf };
      });
      for (var k = 0; k < rarest.count; k++) {
        var doc = rarest.docs[k];
        var flags = rarest.flags[k];
        var score = termScore(flags, rarest.count, total, doc, avg);
        var title = (flags & TITLE) !== 0;
        var all3 = true;
        for (var i = 0; i < lookups.length; i++) {
          var f = lookups[i].flags[doc];
          if (!f) {
            all3 = false;
            break;
          }
          score = Math.min(score, termScore(f, lookups[i].count, total, doc, avg));
          title = title && (f & TITLE) !== 0;
        }
        if (all3) addHit(hits, doc, score * CHANCE, title, false);
      }
      for (k = 0; k < asWord.count; k++) {
        addHit(hits, asWord.docs[k], termScore(asWord.flags[k], asWord.count, total, asWord.docs[k], avg), (asWord.flags[k] & TITLE) !== 0, true);
      }
      return hits;
    });
  }

  /* 全部单位都命中的文档（不排序，先后见 before）。live() 为假时（又有了新的输入）返回 null */
  function search(query, live) {
    var us = units(query);
    if (!us.length) return Promise.resolve({ units: us, hits: [] });
    var terms = [];
    us.forEach(function (u) { terms = terms.concat(termsOf(u)); });
    return Promise.all(terms.map(postings)).then(function () {
      /* 分片到齐时又有了新的输入：这一次不再计算 */
      if (!live()) return null;
      return loadMeta();
    }).then(function (m) {
      if (!m) return null;
      return Promise.all(us.map(function (u) { return matchUnit(u, m.docs, m.avg, m.ids); })).then(function (sets) {
        sets.sort(function (a, b) { return a.size - b.size; });
        var hits = [];
        var first = sets[0];
        for (var k = 0; k < first.docs.length; k++) {
          var doc = first.docs[k];
          var total = { doc: doc, score: 0, titles: 0, words: 0 };
          var every = true;
          for (var i = 0; i < sets.length; i++) {
            var marks = sets[i].marks[doc];
            if (!marks) {
              every = false;
              break;
            }
            total.score += sets[i].score[doc];
            if (marks & TITLE) total.titles++;
            if (marks & WORD) total.words++;
          }
          if (every) hits.push(total);
        }
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

  /* 结果的先后：标题命中多的在前，其次整词命中多的，再按得分，最后新的在前 */
  function before(a, b) {
    return b.titles - a.titles || b.words - a.words || b.score - a.score || rankOf(a.doc) - rankOf(b.doc);
  }

  /* 一万条结果全排序要几十毫秒（冷启动的脚本尤其慢），第一页只要前 PAGE 条：
     挑出前 n 条，与全排序后的前 n 条完全相同（排序是稳定的，这里相等的也按原先后） */
  function firstOf(hits, n) {
    if (hits.sorted) return hits.slice(0, n);
    var top = [];
    for (var i = 0; i < hits.length; i++) {
      var h = hits[i];
      if (top.length === n && before(h, top[n - 1]) >= 0) continue;
      var at = top.length;
      while (at > 0 && before(h, top[at - 1]) < 0) at--;
      top.splice(at, 0, h);
      if (top.length > n) top.pop();
    }
    return top;
  }

  /* 翻到第二页（“更多”）时才全排序，只排一次 */
  function sortAll() {
    if (!state.hits.sorted) {
      state.hits.sort(before);
      state.hits.sorted = true;
    }
  }

  function filtered() {
    if (state.column < 0) return state.hits;
    var hits = state.hits.filter(function (h) { return columns[h.doc] === state.column; });
    hits.sorted = state.hits.sorted;
    return hits;
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
    if (fresh) {
      list.textContent = "";
      state.shown = 0;
    }
    if (state.shown) sortAll();
    var hits = filtered();
    var slice = state.shown ? hits.slice(state.shown, state.shown + PAGE) : firstOf(hits, PAGE);
    state.shown += slice.length;
    moreButton.hidden = state.shown >= hits.length;
    var label = state.column < 0 ? "" : "（" + (m.columns[state.column] || "其他") + "）";
    statusLine.textContent = hits.length
      ? "找到 " + hits.length + " 条结果" + label + "。"
      : "没有找到与“" + state.query + "”有关的内容" + label + "，请换个词或减少几个词再试。";
    return loadDocs(slice.map(function (h) { return h.doc; })).then(function (found) {
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

  /* 等到 due（performance.now() 的时刻）；没有 due 或已过时马上继续 */
  function until(due) {
    var wait = due ? due - performance.now() : 0;
    if (wait <= 0) return Promise.resolve();
    return new Promise(function (resolve) { setTimeout(resolve, wait); });
  }

  /* 一次查询。按键一来就开始：取分片、打分、取第一页的文本，都在输入停顿的时间里做；
     到 due 时才把结果画出来（连续的按键只画最后一次）。期间又有输入，这一次就作废。 */
  function run(query, column, due) {
    var q = query.trim();
    var ticket = ++state.run;
    var live = function () { return ticket === state.run; };
    var col = column === undefined ? -1 : column;
    /* 停顿结束了结果还没出来（网慢），先告诉读者正在搜 */
    var slow = setTimeout(function () {
      if (live() && q) statusLine.textContent = "正在搜索……";
    }, Math.max(0, due ? due - performance.now() : 0));
    return search(q, live).then(function (found) {
      if (!found || !live()) return null;
      var first = col < 0 ? found.hits : found.hits.filter(function (h) { return columns[h.doc] === col; });
      /* 第一页的文本现在就开始取；画的时候用同一批请求。失败的留到画时再报 */
      if (first.length) loadDocs(firstOf(first, PAGE).map(function (h) { return h.doc; })).catch(function () {});
      return until(due).then(function () {
        if (!live()) return null;
        clearTimeout(slow);
        state.query = q;
        state.column = col;
        state.hits = found.hits;
        state.units = found.units;
        updateUrl();
        if (!q) {
          list.textContent = "";
          filters.hidden = true;
          moreButton.hidden = true;
          statusLine.textContent = "";
          return null;
        }
        return loadMeta().then(function (m) {
          if (state.column >= 0 && !state.hits.some(function (h) { return columns[h.doc] === state.column; })) {
            state.column = -1;
          }
          drawFilters(m);
          return drawList(m, true);
        });
      }).then(function () {
        if (live()) page.setAttribute("data-search-done", q);
      });
    }).catch(function () {
      if (live()) {
        clearTimeout(slow);
        statusLine.textContent = "搜索索引加载失败，请稍后刷新页面重试。";
      }
    });
  }

  /* 输入停顿这么久才画结果：连续的按键（或粘贴后的几次改动）只画一次。
     下载和计算不等停顿，按键一来就开始 */
  var PAUSE = 50;
  function typed() {
    run(input.value, -1, performance.now() + PAUSE);
  }
  input.addEventListener("input", function (e) {
    /* 用输入法打字时，选定汉字之前框里是拼音：等选定了（compositionend）再搜 */
    if (e.isComposing) return;
    typed();
  });
  input.addEventListener("compositionend", typed);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
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
