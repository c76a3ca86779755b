/* 同心写作台：把从 Word、WPS 或网页复制来的 HTML 变成干净的 Markdown。
 *
 * 纯函数，不碰页面，测试可以直接调用：
 *   TongxinPaste.htmlToMarkdown(html)  → Markdown 文本（图片不在其中）
 *   TongxinPaste.convert(html)         → { markdown, images, skipped }
 * convert() 的 markdown 里，每张 data: 图片占一段，写作 TongxinPaste.imageToken(i)，
 * 由写作台上传后换成 ![说明](文件名)；skipped 是读不到的图片（file:///、外站图片）的张数。
 *
 * 处理：标题（h1–h6、MsoHeading/MsoTitle 类、mso-outline-level 样式）、段落（去掉行首全角空格
 * 和 &nbsp; 缩进）、加粗、列表（ul/ol 和 Word 的 mso-list 段落）、表格（合并单元格补空，保持方整）、
 * 链接；丢掉 Office 样式、<o:p>、条件注释、注释、空段落、修订记录中删除的文字。
 * 只用 ES2017，较老的国产浏览器（360、QQ 的 Chromium 内核）也能运行。
 */
(function (global) {
  'use strict';

  var TOKEN_OPEN = '\uE000';
  var TOKEN_CLOSE = '\uE001';

  function imageToken(i) {
    return TOKEN_OPEN + 'IMG' + i + TOKEN_CLOSE;
  }

  // 汉字、全角标点：它们之间的换行是 Word 排版 HTML 源码时加的，不是空格。
  var CJK = '\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef';
  var CJK_BREAK = new RegExp('([' + CJK + '])[ \\t]*[\\r\\n][\\s]*(?=[' + CJK + '])', 'g');
  var CJK_SPACE = new RegExp('([' + CJK + ']) (?=[' + CJK + '])', 'g');
  var PUNCT = /[!-\/:-@\[-`{-~\u2000-\u206f\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u00a1-\u00bf\u2010-\u2027]/;

  var BLOCK_TAGS = {
    address: 1, article: 1, aside: 1, blockquote: 1, center: 1, dd: 1, div: 1, dl: 1, dt: 1,
    fieldset: 1, figcaption: 1, figure: 1, footer: 1, form: 1, h1: 1, h2: 1, h3: 1, h4: 1, h5: 1,
    h6: 1, header: 1, hr: 1, li: 1, main: 1, nav: 1, ol: 1, p: 1, pre: 1, section: 1, table: 1,
    ul: 1, body: 1, html: 1,
  };
  var DROP_TAGS = {
    head: 1, style: 1, script: 1, meta: 1, link: 1, title: 1, xml: 1, template: 1, noscript: 1,
    del: 1, iframe: 1, object: 1, embed: 1, svg: 1, math: 1, button: 1,
    input: 1, select: 1, textarea: 1, video: 1, audio: 1, canvas: 1,
  };

  function styleOf(el) {
    return (el.getAttribute && el.getAttribute('style')) || '';
  }

  function classOf(el) {
    return (el.getAttribute && el.getAttribute('class')) || '';
  }

  /** 修订记录里删掉的文字、隐藏的文字、批注：一律不要。 */
  function isNoise(el) {
    var name = el.localName;
    if (DROP_TAGS[name]) return true;
    // Word 的 <o:p>、<v:shape>、<w:…> 等带命名空间的元素。
    if (name.indexOf(':') >= 0) return true;
    var cls = classOf(el);
    if (/\bmsoDel\b|\bMsoCommentReference\b|\bmsocomtxt\b|\bmsocomanchor\b/i.test(cls)) return true;
    var style = styleOf(el).replace(/\s+/g, '').toLowerCase();
    if (/display:none|mso-hide:all|visibility:hidden/.test(style)) return true;
    if (/mso-element:comment/.test(style)) return true;
    if (/mso-list:ignore/.test(style)) return true;
    // 删除线样式的修订
    if (/text-decoration:line-through/.test(style) && /\bmso/i.test(cls + style)) return true;
    return false;
  }

  function boldFromStyle(el, inherited) {
    var style = styleOf(el).replace(/\s+/g, '').toLowerCase();
    var m = /font-weight:([a-z0-9]+)/.exec(style);
    if (!m) return inherited;
    var v = m[1];
    if (v === 'bold' || v === 'bolder') return true;
    if (v === 'normal' || v === 'lighter') return false;
    var n = parseInt(v, 10);
    if (!isNaN(n)) return n >= 600;
    return inherited;
  }

  /** 段落的标题级别（1–6），不是标题时为 0。 */
  function headingLevel(el) {
    var name = el.localName;
    var m = /^h([1-6])$/.exec(name);
    if (m) return parseInt(m[1], 10);
    if (name !== 'p' && name !== 'div') return 0;
    var cls = classOf(el);
    m = /\bMsoHeading([1-9])\b/i.exec(cls) || /\bHeading([1-9])\b/i.exec(cls);
    if (m) return Math.min(6, parseInt(m[1], 10));
    if (/\bMsoTitle\b/i.test(cls)) return 1;
    if (/\bMsoSubtitle\b/i.test(cls)) return 2;
    m = /mso-outline-level:\s*([1-9])/i.exec(styleOf(el));
    if (m) return Math.min(6, parseInt(m[1], 10));
    return 0;
  }

  /** Word 列表段落：{ level, marker }，不是时为 null。 */
  function msoListInfo(el) {
    if (el.localName !== 'p' && el.localName !== 'div' && !/^h[1-6]$/.test(el.localName)) return null;
    var style = styleOf(el);
    var m = /mso-list:\s*l(\d+)\s+level(\d+)/i.exec(style);
    var isListClass = /\bMsoListParagraph/i.test(classOf(el));
    if (!m && !isListClass) return null;
    if (!m && isListClass) {
      // 样式是列表段落，但没有编号：按普通段落处理。
      if (!findIgnoreSpan(el)) return null;
    }
    var span = findIgnoreSpan(el);
    var marker = span ? span.textContent.replace(/[\s\u00a0]+/g, '') : '';
    return { list: m ? m[1] : '0', level: m ? parseInt(m[2], 10) : 1, marker: marker };
  }

  function findIgnoreSpan(el) {
    var spans = el.getElementsByTagName('span');
    for (var i = 0; i < spans.length; i++) {
      if (/mso-list:\s*ignore/i.test(styleOf(spans[i]))) return spans[i];
    }
    return null;
  }

  /**
   * 列表符号是什么：'ul'（圆点等）、'ol'（阿拉伯数字，可写成 Markdown 有序列表），
   * 'keep'（一、（一）①这类中文编号：保留原样写在段首，不改成 1. 2. 3.）。
   */
  function markerKind(marker) {
    if (!marker) return 'ul';
    if (/^\d+[.\uff0e)\uff09\u3001]?$/.test(marker)) return 'ol';
    if (/^[a-zA-Z][.)]$/.test(marker)) return 'keep';
    if (/[0-9\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u2460-\u2473\u3220-\u3229]/.test(marker)) return 'keep';
    if (/^[ivxlcIVXLC]+[.)]$/.test(marker)) return 'keep';
    return 'ul';
  }

  // ───────── 行内内容：一串 { text, bold, href } ─────────

  function Inline() {
    this.runs = [];
  }

  Inline.prototype.push = function (text, bold, href) {
    if (!text) return;
    this.runs.push({ text: text, bold: !!bold, href: href || null });
  };

  Inline.prototype.pushRaw = function (md) {
    this.runs.push({ raw: md });
  };

  Inline.prototype.isEmpty = function () {
    for (var i = 0; i < this.runs.length; i++) {
      var r = this.runs[i];
      if (r.raw) return false;
      if (r.text.replace(/[\s\u00a0\u3000]+/g, '') !== '') return false;
    }
    return true;
  };

  function normalizeSpace(text) {
    return text.replace(CJK_BREAK, '$1').replace(/[\r\n\t\f ]+/g, ' ');
  }

  function escapeText(text, inTable) {
    var out = text
      .replace(/\\/g, '\\\\')
      .replace(/([*`])/g, '\\$1')
      .replace(/<(?=[A-Za-z\/!?])/g, '&lt;')
      .replace(/\[([^\]]*)\](?=\()/g, '\\[$1\\]');
    if (inTable) out = out.replace(/\|/g, '\\|');
    return out;
  }

  var SPACE_OR_PUNCT = /[\s\u00a0\u3000]/;

  function flanks(ch) {
    return ch === '' || SPACE_OR_PUNCT.test(ch) || PUNCT.test(ch);
  }

  /**
   * 加粗：** 紧挨着标点、外侧又是汉字时（“，**“文字”**开展”），CommonMark 不认这个加粗，
   * 这时把首尾的标点挪到 ** 外面；首尾的空白总是放在外面。
   */
  function wrapBold(text, before, after) {
    var m = /^([\s\u00a0\u3000]*)([\s\S]*?)([\s\u00a0\u3000]*)$/.exec(text);
    var lead = m[1];
    var core = m[2];
    var trail = m[3];
    var prev = lead ? ' ' : before;
    var next = trail ? ' ' : after;
    if (!flanks(prev)) {
      while (core && PUNCT.test(core.charAt(0)) && core.charAt(0) !== '\\') {
        lead += core.charAt(0);
        core = core.slice(1);
      }
    }
    if (!flanks(next)) {
      while (core && PUNCT.test(core.charAt(core.length - 1))) {
        // 转义用的反斜杠不能和被转义的字符分开。
        if (core.length >= 2 && core.charAt(core.length - 2) === '\\') break;
        trail = core.charAt(core.length - 1) + trail;
        core = core.slice(0, -1);
      }
    }
    if (!core) return lead + trail;
    return lead + '**' + core + '**' + trail;
  }

  /** 行内内容写成 Markdown；相邻的同样式片段先合并（Word 常把一句话拆成许多段 <span>）。 */
  Inline.prototype.toMarkdown = function (opts) {
    var inTable = !!(opts && opts.inTable);
    var noBold = !!(opts && opts.noBold);
    var merged = [];
    var i;
    for (i = 0; i < this.runs.length; i++) {
      var r = this.runs[i];
      if (r.raw) {
        merged.push({ raw: r.raw });
        continue;
      }
      var text = normalizeSpace(r.text);
      var last = merged[merged.length - 1];
      if (last && !last.raw && last.bold === r.bold && last.href === r.href) {
        last.text = normalizeSpace(last.text + text);
      } else {
        merged.push({ text: text, bold: r.bold, href: r.href });
      }
    }
    var texts = merged.map(function (part) {
      return part.raw ? part.raw : escapeText(part.text, inTable);
    });
    var out = '';
    for (i = 0; i < merged.length; i++) {
      var part = merged[i];
      if (part.raw) {
        out += part.raw;
        continue;
      }
      var escaped = texts[i];
      var bold = part.bold && !noBold && escaped.replace(/[\s\u00a0\u3000]/g, '') !== '';
      var before = out ? out.charAt(out.length - 1) : '';
      var after = i + 1 < texts.length ? texts[i + 1].charAt(0) : '';
      var piece = bold ? wrapBold(escaped, before, after) : escaped;
      if (part.href) {
        var label = piece.replace(/^\s+|\s+$/g, '');
        if (label) {
          var lead = /^\s*/.exec(piece)[0];
          var trail = /\s*$/.exec(piece)[0];
          piece = lead + '[' + label.replace(/\]/g, '\\]').replace(/\[/g, '\\[') + '](' + part.href.replace(/ /g, '%20').replace(/\)/g, '%29') + ')' + trail;
        }
      }
      out += piece;
    }
    // 全角、半角空格和 &nbsp; 缩进都去掉；行内多余空格压成一个。
    out = out.replace(/\u00a0/g, ' ');
    out = out.replace(/^[\s\u3000]+/, '').replace(/[\s\u3000]+$/, '');
    out = out.replace(/ {2,}/g, ' ');
    // 汉字之间的空格（Word 的 mso-spacerun、PDF 断行）发布前检查也会报：直接去掉。
    out = out.replace(CJK_SPACE, '$1');
    return out;
  };

  // ───────── 块：段落、标题、列表项、表格、图片 ─────────

  function Converter() {
    this.blocks = [];
    this.images = [];
    this.skipped = 0;
    this.current = null; // 正在收集的段落（Inline）
  }

  Converter.prototype.flush = function () {
    if (this.current && !this.current.isEmpty()) {
      this.blocks.push({ type: 'p', inline: this.current });
    }
    this.current = null;
  };

  Converter.prototype.inline = function () {
    if (!this.current) this.current = new Inline();
    return this.current;
  };

  /** 一张图片：data: 的留作上传，读不到的记一张跳过。 */
  Converter.prototype.image = function (el, sink) {
    var src = el.getAttribute('src') || '';
    var alt = (el.getAttribute('alt') || el.getAttribute('title') || '').replace(/\s+/g, ' ').trim();
    if (/^data:image\//i.test(src)) {
      var index = this.images.length;
      this.images.push({ src: src, alt: alt, token: imageToken(index) });
      if (sink) {
        sink.pushRaw(imageToken(index));
      } else {
        this.flush();
        this.blocks.push({ type: 'image', token: imageToken(index) });
      }
    } else if (src) {
      this.skipped += 1;
    }
  };

  /** 行内遍历：把 el 的内容加进 inline。 */
  Converter.prototype.walkInline = function (node, inline, bold, href) {
    for (var child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        inline.push(child.nodeValue, bold, href);
        continue;
      }
      if (child.nodeType !== 1) continue;
      if (isNoise(child)) continue;
      var name = child.localName;
      if (name === 'br') {
        inline.push(' ', false, null);
        continue;
      }
      if (name === 'img') {
        this.image(child, inline);
        continue;
      }
      var b = bold;
      if (name === 'b' || name === 'strong') b = true;
      if (/^h[1-6]$/.test(name) || name === 'th') b = bold;
      b = boldFromStyle(child, b);
      var h = href;
      if (name === 'a') {
        var link = child.getAttribute('href') || '';
        if (/^(https?:|mailto:|@\/|\/)/i.test(link)) h = link;
        else h = null; // Word 的书签、目录跳转、file:/// 链接只留文字
      }
      this.walkInline(child, inline, b, h);
    }
  };

  /** 一个段落式元素（p、h*、li 里的文字…）的行内内容；段内换行拆成几段。 */
  Converter.prototype.paragraphOf = function (el, bold) {
    var pieces = [new Inline()];
    var self = this;
    // 遇到 <br> 时换一个新的 Inline 接着收集：Word 的手动换行在网页上也是分段。
    (function walk(node, b, href) {
      for (var child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === 3) {
          pieces[pieces.length - 1].push(child.nodeValue, b, href);
          continue;
        }
        if (child.nodeType !== 1 || isNoise(child)) continue;
        var name = child.localName;
        if (name === 'br') {
          pieces.push(new Inline());
          continue;
        }
        if (name === 'img') {
          self.image(child, pieces[pieces.length - 1]);
          continue;
        }
        var nb = b;
        if (name === 'b' || name === 'strong') nb = true;
        nb = boldFromStyle(child, nb);
        var h = href;
        if (name === 'a') {
          var link = child.getAttribute('href') || '';
          h = /^(https?:|mailto:|@\/|\/)/i.test(link) ? link : null;
        }
        walk(child, nb, h);
      }
    })(el, bold, null);
    return pieces;
  };

  function hasBlockChild(el) {
    for (var c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 1 && !isNoise(c) && (BLOCK_TAGS[c.localName] || hasBlockChild(c))) return true;
    }
    return false;
  }

  /** 块级遍历。 */
  Converter.prototype.walkBlocks = function (node, bold) {
    for (var child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        if (child.nodeValue.replace(/[\s\u00a0]+/g, '') !== '') this.inline().push(child.nodeValue, bold, null);
        else if (this.current) this.current.push(' ', false, null);
        continue;
      }
      if (child.nodeType !== 1 || isNoise(child)) continue;
      this.block(child, bold);
    }
  };

  Converter.prototype.block = function (el, bold) {
    var name = el.localName;
    if (name === 'br') {
      this.flush();
      return;
    }
    if (name === 'img') {
      this.flush();
      this.image(el, null);
      return;
    }
    if (name === 'hr') {
      this.flush();
      return;
    }
    if (name === 'table') {
      this.flush();
      this.table(el);
      return;
    }
    if (name === 'ul' || name === 'ol') {
      this.flush();
      this.htmlList(el, 1);
      return;
    }
    var info = msoListInfo(el);
    if (info) {
      this.flush();
      this.msoListItem(el, info, bold);
      return;
    }
    var level = headingLevel(el);
    if (level) {
      this.flush();
      var pieces = this.paragraphOf(el, false);
      var text = pieces
        .map(function (p) {
          return p.toMarkdown({ noBold: true });
        })
        .filter(Boolean)
        .join(' ');
      if (text) this.blocks.push({ type: 'h', level: level, text: text });
      return;
    }
    if (name === 'p' || ((name === 'div' || BLOCK_TAGS[name]) && !hasBlockChild(el))) {
      this.flush();
      var b = boldFromStyle(el, bold || name === 'dt');
      var parts = this.paragraphOf(el, b);
      for (var i = 0; i < parts.length; i++) {
        if (!parts[i].isEmpty()) this.blocks.push({ type: 'p', inline: parts[i] });
      }
      return;
    }
    if (BLOCK_TAGS[name]) {
      this.flush();
      this.walkBlocks(el, boldFromStyle(el, bold));
      this.flush();
      return;
    }
    // 行内元素出现在块的位置（<span>、<b>、<a> 直接在 body 下）：接着当前段落收集。
    var b2 = bold;
    if (name === 'b' || name === 'strong') b2 = true;
    b2 = boldFromStyle(el, b2);
    if (hasBlockChild(el)) {
      this.walkBlocks(el, b2);
      return;
    }
    var href = null;
    if (name === 'a') {
      var link = el.getAttribute('href') || '';
      href = /^(https?:|mailto:|@\/|\/)/i.test(link) ? link : null;
    }
    this.walkInline(el, this.inline(), b2, href);
  };

  Converter.prototype.msoListItem = function (el, info, bold) {
    var kind = markerKind(info.marker);
    var pieces = this.paragraphOf(el, boldFromStyle(el, bold));
    var text = pieces
      .map(function (p) {
        return p.toMarkdown();
      })
      .filter(Boolean)
      .join(' ');
    if (!text) return;
    if (kind === 'keep') {
      this.blocks.push({ type: 'p', text: escapeMarkerText(info.marker) + text });
      return;
    }
    this.blocks.push({ type: 'li', ordered: kind === 'ol', level: info.level, text: text, list: info.list });
  };

  function escapeMarkerText(marker) {
    // “1)”“a.”这样的编号写在段首会被当成列表：前面加反斜杠。
    if (/^[0-9a-zA-Z]+[.)]$/.test(marker)) return marker.replace(/([.)])$/, '\\$1') + ' ';
    return marker;
  }

  Converter.prototype.htmlList = function (el, level) {
    var ordered = el.localName === 'ol';
    for (var li = el.firstChild; li; li = li.nextSibling) {
      if (li.nodeType !== 1 || isNoise(li)) continue;
      if (li.localName === 'ul' || li.localName === 'ol') {
        this.htmlList(li, level + 1);
        continue;
      }
      // 列表项的文字：它自己的行内内容和段落，嵌套的列表另算。
      var inline = new Inline();
      var nested = [];
      this.listItemContent(li, inline, nested);
      var text = inline.toMarkdown();
      if (text) this.blocks.push({ type: 'li', ordered: ordered, level: level, text: text, list: 'html' });
      for (var i = 0; i < nested.length; i++) this.htmlList(nested[i], level + 1);
    }
  };

  Converter.prototype.listItemContent = function (node, inline, nested) {
    for (var c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) {
        inline.push(c.nodeValue, false, null);
        continue;
      }
      if (c.nodeType !== 1 || isNoise(c)) continue;
      if (c.localName === 'ul' || c.localName === 'ol') {
        nested.push(c);
        continue;
      }
      if (c.localName === 'p' || c.localName === 'div') {
        if (!inline.isEmpty()) inline.push(' ', false, null);
        this.listItemContent(c, inline, nested);
        continue;
      }
      if (c.localName === 'img') {
        this.image(c, inline);
        continue;
      }
      if (c.localName === 'br') {
        inline.push(' ', false, null);
        continue;
      }
      var tmp = new Inline();
      var b = c.localName === 'b' || c.localName === 'strong';
      b = boldFromStyle(c, b);
      var href = null;
      if (c.localName === 'a') {
        var link = c.getAttribute('href') || '';
        href = /^(https?:|mailto:|@\/|\/)/i.test(link) ? link : null;
      }
      if (hasBlockChild(c)) {
        this.listItemContent(c, inline, nested);
      } else {
        this.walkInline(c, tmp, b, href);
        for (var k = 0; k < tmp.runs.length; k++) inline.runs.push(tmp.runs[k]);
      }
    }
  };

  /** 表格：行列展开（colspan、rowspan 的位置补空），第一行作表头。 */
  Converter.prototype.table = function (el) {
    var rows = [];
    var trs = [];
    (function collect(node) {
      for (var c = node.firstChild; c; c = c.nextSibling) {
        if (c.nodeType !== 1) continue;
        if (c.localName === 'tr') trs.push(c);
        else if (c.localName === 'thead' || c.localName === 'tbody' || c.localName === 'tfoot') collect(c);
      }
    })(el);
    var pending = []; // pending[col] = 还要往下占几行（rowspan）
    var self = this;
    for (var r = 0; r < trs.length; r++) {
      var row = [];
      var col = 0;
      var fill = function () {
        while (pending[col] > 0) {
          pending[col] -= 1;
          row.push('');
          col += 1;
        }
      };
      for (var cell = trs[r].firstChild; cell; cell = cell.nextSibling) {
        if (cell.nodeType !== 1 || (cell.localName !== 'td' && cell.localName !== 'th')) continue;
        if (isNoise(cell)) continue;
        fill();
        var inline = new Inline();
        self.cellContent(cell, inline);
        var text = inline.toMarkdown({ inTable: true }).replace(/^(<br>)+|(<br>)+$/g, '').replace(/(<br>){2,}/g, '<br>');
        var colspan = Math.max(1, Math.min(50, parseInt(cell.getAttribute('colspan') || '1', 10) || 1));
        var rowspan = Math.max(1, Math.min(500, parseInt(cell.getAttribute('rowspan') || '1', 10) || 1));
        for (var k = 0; k < colspan; k++) {
          row.push(k === 0 ? text : '');
          if (rowspan > 1) pending[col] = rowspan - 1;
          col += 1;
        }
      }
      fill();
      // 行尾还有被上面合并占着的格子
      while (col < pending.length) {
        if (pending[col] > 0) {
          pending[col] -= 1;
          row.push('');
        } else if (col < pending.length) {
          break;
        }
        col += 1;
      }
      rows.push(row);
    }
    // 去掉全空的行
    rows = rows.filter(function (row) {
      return row.some(function (c) {
        return c !== '';
      });
    });
    if (!rows.length) return;
    var width = 0;
    rows.forEach(function (row) {
      width = Math.max(width, row.length);
    });
    // 只有一个格子的表格多半是 Word 用来排版的框：当作普通段落。
    if (width === 1) {
      rows.forEach(function (row) {
        self.blocks.push({ type: 'p', text: row[0].replace(/<br>/g, ' ') });
      });
      return;
    }
    rows.forEach(function (row) {
      while (row.length < width) row.push('');
    });
    // 表头本来就是粗体。
    rows[0] = rows[0].map(function (c) {
      return c.replace(/\*\*([^*]+)\*\*/g, '$1');
    });
    this.blocks.push({ type: 'table', rows: rows });
  };

  Converter.prototype.cellContent = function (cell, inline) {
    var self = this;
    var first = true;
    (function walk(node, bold, href) {
      for (var c = node.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === 3) {
          inline.push(c.nodeValue, bold, href);
          continue;
        }
        if (c.nodeType !== 1 || isNoise(c)) continue;
        var name = c.localName;
        if (name === 'br') {
          inline.pushRaw('<br>');
          continue;
        }
        if (name === 'img') {
          // 表格里的图片放不进 Markdown 表格：跳过并计数。
          var src = c.getAttribute('src') || '';
          if (src) self.skipped += 1;
          continue;
        }
        if (name === 'table') {
          walk(c, bold, href);
          continue;
        }
        var block = name === 'p' || name === 'div' || /^h[1-6]$/.test(name) || name === 'li' || name === 'tr';
        if (block && !first && !inline.isEmpty()) inline.pushRaw('<br>');
        var b = bold;
        if (name === 'b' || name === 'strong') b = true;
        b = boldFromStyle(c, b);
        var h = href;
        if (name === 'a') {
          var link = c.getAttribute('href') || '';
          h = /^(https?:|mailto:|@\/|\/)/i.test(link) ? link : null;
        }
        walk(c, b, h);
        if (block) first = false;
      }
    })(cell, false, null);
  };

  // ───────── 输出 ─────────

  function escapeLineStart(text) {
    // 段首的 #、-、+、1. 、> 会被当成 Markdown 语法。
    if (/^(#{1,6}(\s|$)|[-+](\s|$)|\d+[.)](\s|$)|>)/.test(text)) return '\\' + text;
    return text;
  }

  Converter.prototype.render = function () {
    this.flush();
    var blocks = this.blocks;
    // 标题级别：最高一级写成 ##（文章标题本身是一级标题），其余依次往下。
    var top = 7;
    blocks.forEach(function (b) {
      if (b.type === 'h') top = Math.min(top, b.level);
    });
    var out = [];
    var list = null; // 正在写的列表 { lines, stack }
    var endList = function () {
      if (list) out.push(list.lines.join('\n'));
      list = null;
    };
    for (var i = 0; i < blocks.length; i++) {
      var b = blocks[i];
      if (b.type === 'li') {
        // 另一个列表（Word 的 l0、l1 …）从头开始，中间空一行。
        if (list && b.level === 1 && list.id !== b.list) endList();
        if (!list) list = { lines: [], stack: [], id: b.list };
        var level = Math.max(1, Math.min(b.level, list.stack.length + 1));
        // stack[k] = 第 k+1 级列表 { ordered, indent, count }
        list.stack.length = level;
        var indent = level === 1 ? 0 : list.stack[level - 2].indent + list.stack[level - 2].width;
        var entry = list.stack[level - 1];
        if (!entry || entry.ordered !== b.ordered) {
          entry = { ordered: b.ordered, indent: indent, count: 0, width: 0 };
          list.stack[level - 1] = entry;
        }
        entry.count += 1;
        var marker = b.ordered ? entry.count + '. ' : '- ';
        entry.width = marker.length;
        list.lines.push(new Array(indent + 1).join(' ') + marker + b.text);
        continue;
      }
      endList();
      if (b.type === 'h') {
        var lv = Math.min(6, b.level - top + 2);
        out.push(new Array(lv + 1).join('#') + ' ' + b.text);
      } else if (b.type === 'p') {
        var text = b.text !== undefined ? b.text : b.inline.toMarkdown();
        if (text) out.push(escapeLineStart(text));
      } else if (b.type === 'image') {
        out.push(b.token);
      } else if (b.type === 'table') {
        var lines = [];
        b.rows.forEach(function (row, r) {
          lines.push('| ' + row.join(' | ') + ' |');
          if (r === 0) {
            lines.push(
              '|' +
                row
                  .map(function () {
                    return ' --- ';
                  })
                  .join('|') +
                '|'
            );
          }
        });
        out.push(lines.join('\n').replace(/ {2,}\|/g, ' |').replace(/\| {2,}/g, '| '));
      }
    }
    endList();
    return out.join('\n\n');
  };

  function parse(html) {
    var source = String(html || '');
    // Windows 剪贴板的 HTML 可能带着 “Version:0.9 StartHTML:…” 头。
    var start = source.indexOf('<');
    if (start > 0 && /^Version:/.test(source)) source = source.slice(start);
    // <!--[if …]>…<![endif]--> 整段不要；<![if …]> 与 <![endif]> 只是标记，内容保留。
    source = source.replace(/<!--\[if[\s\S]*?<!\[endif\]-->/gi, '');
    source = source.replace(/<!\[(?:if[^\]]*|endif)\]>/gi, '');
    var doc = new DOMParser().parseFromString(source, 'text/html');
    return doc.body || doc.documentElement;
  }

  /** { markdown, images: [{ src, alt, token }], skipped }。 */
  function convert(html) {
    var body = parse(html);
    var c = new Converter();
    c.walkBlocks(body, false);
    var markdown = c.render().replace(/\n{3,}/g, '\n\n').replace(/^\s+|\s+$/g, '');
    return { markdown: markdown, images: c.images, skipped: c.skipped };
  }

  /** 只要文字：图片占位去掉。 */
  function htmlToMarkdown(html) {
    var result = convert(html);
    var md = result.markdown;
    var re = new RegExp(TOKEN_OPEN + 'IMG\\d+' + TOKEN_CLOSE, 'g');
    md = md.replace(re, '').replace(/\n{3,}/g, '\n\n').replace(/^\s+|\s+$/g, '');
    return md;
  }

  /** 剪贴板的 HTML 是不是代码编辑器给的（按行包 <div> 的等宽文字）：这时用纯文本更好。 */
  function looksLikeCode(html) {
    return /white-space:\s*pre/i.test(html) && !/urn:schemas-microsoft-com|mso-|Mso/i.test(html);
  }

  global.TongxinPaste = {
    convert: convert,
    htmlToMarkdown: htmlToMarkdown,
    looksLikeCode: looksLikeCode,
    imageToken: imageToken,
  };
})(typeof window !== 'undefined' ? window : this);
