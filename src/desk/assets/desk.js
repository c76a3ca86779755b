/* 同心写作台的页面程序。
 *
 * 一个单页应用，路由写在网址的 # 后面：
 *   #/                    文章总览
 *   #/edit/<文件路径>      编辑一篇文章，如 #/edit/content/yaowen/2026-01-12-quanhui-kaimu.md
 *   #/new/<栏目文件夹>     新建文章（?key= 带着未保存内容的编号）
 * 所有数据都来自同一台 tongxin serve 的 /_tongxin/api/，每个请求带 X-Tongxin-Token。
 * 不用框架，不向外网发请求；只用 ES2017，较老的 360、QQ 浏览器（Chromium 内核）也能用。
 */
(function () {
  'use strict';

  var TOKEN = (document.querySelector('meta[name="tongxin-token"]') || {}).content || '';
  var MAX_UPLOAD = 50 * 1024 * 1024;
  var LOCAL_PREFIX = 'tongxin-unsaved:';
  var IMAGE_EXT = /\.(jpe?g|png|webp|gif|svg|avif|heic|heif)$/i;
  var LEVELS = { error: '错误', warning: '警告', notice: '提示' };

  var main = document.getElementById('main');
  var statusBox = document.getElementById('status');
  var site = null; // GET /api/site 的结果
  var ed = null; // 正在编辑的文章
  var skipNextRoute = false;
  var expanded = {}; // 总览里展开了全部文章的栏目

  // ───────────────────────── 小工具 ─────────────────────────

  /** 造一个元素。attrs 里 text 是文字，on 开头的是事件，其余是属性；children 可以是字符串、节点或数组。 */
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    attrs = attrs || {};
    Object.keys(attrs).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === 'text') node.textContent = value;
      else if (name === 'class') node.className = value;
      else if (name.slice(0, 2) === 'on' && typeof value === 'function') node.addEventListener(name.slice(2), value);
      else if (name === 'value') node.value = value;
      else if (name === 'checked') node.checked = !!value;
      else node.setAttribute(name, value === true ? '' : String(value));
    });
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === null || children === undefined || children === false) return;
    if (Array.isArray(children)) {
      children.forEach(function (c) {
        append(node, c);
      });
    } else if (typeof children === 'string' || typeof children === 'number') {
      node.appendChild(document.createTextNode(String(children)));
    } else {
      node.appendChild(children);
    }
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  var idCounter = 0;
  function uid(prefix) {
    idCounter += 1;
    return (prefix || 'id') + '-' + idCounter;
  }

  function randomKey() {
    var bytes = new Uint8Array(8);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return 'new-' + Array.prototype.map.call(bytes, function (b) {
      return ('0' + b.toString(16)).slice(-2);
    }).join('');
  }

  function fmtSize(bytes) {
    if (typeof bytes !== 'number') return '';
    if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + ' MB';
    if (bytes >= 1024) return Math.round(bytes / 1024) + ' KB';
    return bytes + ' 字节';
  }

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function fmtTime(s) {
    if (!s) return '';
    var t = Date.parse(s);
    if (isNaN(t)) return String(s);
    var d = new Date(t);
    return d.getFullYear() + '年' + (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function fmtDate(s) {
    if (!s) return '';
    return String(s).replace(/ 00:00$/, '');
  }

  function nowLocal() {
    var d = new Date();
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function same(a, b) {
    return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);
  }

  function columnByFolder(folder) {
    if (!site) return null;
    for (var i = 0; i < site.columns.length; i++) if (site.columns[i].folder === folder) return site.columns[i];
    return null;
  }

  function postInfo(path) {
    if (!site) return null;
    for (var i = 0; i < site.columns.length; i++) {
      var posts = site.columns[i].posts || [];
      for (var j = 0; j < posts.length; j++) if (posts[j].path === path) return { post: posts[j], column: site.columns[i] };
    }
    return null;
  }

  function memberName(id) {
    var list = (site && site.members) || [];
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i].name;
    return null;
  }

  function previewHref(url) {
    if (!url) return null;
    try {
      var base = new URL((site && site.preview) || '/', location.href);
      return new URL(url, base).href;
    } catch (e) {
      return url;
    }
  }

  function editHash(path) {
    return '#/edit/' + encodeURI(path);
  }

  // ───────────────────────── 服务器 ─────────────────────────

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      if (params[k] !== null && params[k] !== undefined) parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(params[k]));
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  /** 调用接口：总是得到 { ok, status, data }；连不上时 status 为 0。 */
  function api(method, path, options) {
    options = options || {};
    var headers = { 'X-Tongxin-Token': TOKEN };
    var body;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      headers['Content-Type'] = options.type || 'application/octet-stream';
      body = options.body;
    }
    var url = '/_tongxin/api/' + path + query(options.query || {});
    return fetch(url, { method: method, headers: headers, body: body, credentials: 'same-origin', cache: 'no-store' }).then(
      function (res) {
        return res.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : {};
          } catch (e) {
            data = { error: '写作台服务的回答无法识别（状态 ' + res.status + '）。', hint: '请刷新页面再试；仍然不行，请重新运行 tongxin serve。' };
          }
          return { ok: res.ok, status: res.status, data: data || {} };
        });
      },
      function () {
        return {
          ok: false,
          status: 0,
          data: {
            error: '连不上写作台服务。',
            hint: '请确认运行 tongxin serve 的窗口没有关闭；关闭了就重新运行它，再刷新本页。已写的内容暂存在这台电脑上，不会丢。',
          },
        };
      }
    );
  }

  /** 句末没有标点时补一个句号。 */
  function sentence(text) {
    text = String(text || '').replace(/\s+$/, '');
    return !text || /[。！？.!?）)”]$/.test(text) ? text : text + '。';
  }

  function errorText(data, prefix) {
    var text = (prefix || '') + sentence((data && data.error) || '出了问题。');
    if (data && data.hint) text += sentence(data.hint);
    if (data && data.status === 403) text += ' 请刷新页面。';
    return text;
  }

  // ───────────────────────── 状态提示 ─────────────────────────

  /** 在页面顶部的提示栏里说一句话（读屏软件会读出）。kind: ok、error、info；link: { href, text }。 */
  var sayTimer = null;

  function say(text, kind, link) {
    clearTimeout(sayTimer);
    clear(statusBox);
    if (!text) {
      statusBox.className = 'status-bar';
      return;
    }
    statusBox.className = 'status-bar is-' + (kind || 'info');
    var p = h('p', {}, [h('span', { class: 'status-text', text: text })]);
    if (link) {
      p.appendChild(document.createTextNode(' '));
      p.appendChild(h('a', { href: link.href, target: link.external ? '_blank' : null, rel: link.external ? 'noopener' : null, text: link.text }));
    }
    p.appendChild(
      h('button', {
        type: 'button',
        class: 'status-close',
        'aria-label': '关闭提示',
        text: '×',
        onclick: function () {
          say('');
        },
      })
    );
    statusBox.appendChild(p);
    // 成功的提示过一会儿自己收起；出错的一直留着，直到下一条提示。
    if (kind === 'ok') {
      sayTimer = setTimeout(function () {
        if (!statusBox.contains(document.activeElement)) say('');
      }, 15000);
    }
  }

  // ───────────────────────── 对话框 ─────────────────────────

  /**
   * 打开一个对话框，返回 Promise：按哪个按钮就得到它的 value，按 Esc 或“取消”得到 null。
   * options: { title, body (节点或数组), buttons: [{ label, value, primary, danger }], wide, onSubmit(value) → 返回 false 则不关 }
   */
  function openDialog(options) {
    return new Promise(function (resolve) {
      var titleId = uid('dialog-title');
      var dialog = h('dialog', { class: 'dialog' + (options.wide ? ' dialog-wide' : ''), 'aria-labelledby': titleId });
      var form = h('form', { method: 'dialog', class: 'dialog-form', novalidate: true });
      form.appendChild(h('h2', { id: titleId, class: 'dialog-title', text: options.title }));
      var content = h('div', { class: 'dialog-body' });
      append(content, options.body);
      form.appendChild(content);
      var actions = h('div', { class: 'dialog-actions' });
      var previous = document.activeElement;
      var done = false;
      var finish = function (value) {
        if (done) return;
        done = true;
        if (dialog.open && dialog.close) dialog.close();
        if (dialog.parentNode) dialog.parentNode.removeChild(dialog);
        if (previous && previous.focus && document.body.contains(previous)) previous.focus();
        resolve(value);
      };
      (options.buttons || [{ label: '确定', value: true, primary: true }]).forEach(function (b) {
        var button = h('button', {
          type: b.value === null ? 'button' : 'submit',
          class: 'button' + (b.primary ? ' button-primary' : '') + (b.danger ? ' button-danger' : ''),
          text: b.label,
          onclick: function (e) {
            e.preventDefault();
            if (b.value !== null && options.onSubmit && options.onSubmit(b.value) === false) return;
            finish(b.value);
          },
        });
        actions.appendChild(button);
      });
      form.appendChild(actions);
      form.addEventListener('submit', function (e) {
        // 在输入框里按回车：等于按第一个主要按钮。
        e.preventDefault();
        var primary = (options.buttons || []).filter(function (b) {
          return b.primary;
        })[0];
        var value = primary ? primary.value : true;
        if (options.onSubmit && options.onSubmit(value) === false) return;
        finish(value);
      });
      dialog.appendChild(form);
      dialog.addEventListener('cancel', function (e) {
        e.preventDefault();
        finish(null);
      });
      dialog.addEventListener('keydown', function (e) {
        if (e.key === 'Escape' && !dialog.showModal) finish(null);
      });
      document.body.appendChild(dialog);
      if (dialog.showModal) dialog.showModal();
      else dialog.setAttribute('open', '');
      var first = dialog.querySelector('[data-autofocus]') || dialog.querySelector('input, select, textarea') || actions.querySelector('.button-primary') || actions.firstChild;
      if (first) first.focus();
    });
  }

  function confirmDialog(title, message, yes, no, danger) {
    return openDialog({
      title: title,
      body: h('p', { text: message }),
      buttons: [
        { label: yes, value: true, primary: !danger, danger: danger },
        { label: no || '取消', value: null },
      ],
    });
  }

  // ───────────────────────── 路由 ─────────────────────────

  function parseRoute() {
    var hash = location.hash || '#/';
    if (hash.slice(0, 2) !== '#/') return null; // 页内跳转（#main、#col-yaowen）：不换页面
    var rest = hash.slice(2);
    var q = {};
    var qi = rest.indexOf('?');
    if (qi >= 0) {
      rest.slice(qi + 1).split('&').forEach(function (pair) {
        var kv = pair.split('=');
        if (kv[0]) q[decodeURIComponent(kv[0])] = decodeURIComponent(kv[1] || '');
      });
      rest = rest.slice(0, qi);
    }
    try {
      rest = decodeURIComponent(rest);
    } catch (e) {
      /* 解不开的百分号按原样用 */
    }
    if (rest.indexOf('edit/') === 0) return { name: 'edit', path: rest.slice(5), query: q };
    if (rest.indexOf('new/') === 0) return { name: 'new', folder: rest.slice(4), query: q };
    return { name: 'overview', query: q };
  }

  function route() {
    if (skipNextRoute) {
      skipNextRoute = false;
      return;
    }
    var r = parseRoute();
    if (!r) return;
    if (ed) leaveEditor();
    if (r.name === 'edit' || r.name === 'new') showEditor(r);
    else showOverview();
  }

  /** 改网址但不重新打开页面（新文章保存后、新文章开始暂存时）。 */
  function replaceHash(hash) {
    if (location.hash === hash) return;
    if (history.replaceState) history.replaceState(null, '', hash);
    else {
      skipNextRoute = true;
      location.replace(hash);
    }
  }

  async function loadSite() {
    var res = await api('GET', 'site');
    if (!res.ok) {
      say(errorText(res.data, '读取网站失败：'), 'error');
      return false;
    }
    site = res.data;
    site.columns = site.columns || [];
    site.members = site.members || [];
    document.getElementById('site-name').textContent = site.title || '';
    var link = document.getElementById('preview-site');
    if (site.preview) link.href = site.preview;
    return true;
  }

  // ───────────────────────── 总览 ─────────────────────────

  async function showOverview() {
    ed = null;
    document.title = '文章总览 · 同心写作台';
    var results = await Promise.all([loadSite(), api('GET', 'trash')]);
    if (!results[0]) {
      clear(main);
      main.appendChild(h('h1', { text: '文章总览' }));
      main.appendChild(h('p', { class: 'error-box', text: '读不到网站的内容。请看页面上方的提示。' }));
      main.appendChild(h('button', { type: 'button', class: 'button', text: '重新读取', onclick: showOverview }));
      return;
    }
    var trash = results[1].ok ? results[1].data.items || [] : null;
    clear(main);
    main.appendChild(h('h1', { text: '文章总览' }));
    main.appendChild(
      h('p', { class: 'lead' }, [
        '在这里新建、修改文章。保存后，预览网站会自动更新；确认无误后再用 tongxin build 生成网站并上传。',
      ])
    );

    if (site.errors && site.errors.length) main.appendChild(buildErrors(site.errors));

    var tools = h('div', { class: 'overview-tools' });
    var searchId = uid('search');
    var search = h('input', { type: 'search', id: searchId, class: 'input', autocomplete: 'off', placeholder: '输入标题里的字词' });
    var found = h('p', { class: 'search-count', id: uid('found'), 'aria-live': 'polite' });
    tools.appendChild(h('div', { class: 'search-box' }, [h('label', { for: searchId, text: '按标题查找文章' }), search, found]));
    tools.appendChild(importBox());
    main.appendChild(tools);

    var drafts = unsavedDrafts();
    if (drafts.length) main.appendChild(unsavedSection(drafts));

    var nav = h('nav', { class: 'column-nav', 'aria-label': '栏目' });
    var navList = h('ul');
    site.columns.forEach(function (col) {
      navList.appendChild(h('li', {}, h('a', { href: '#col-' + col.folder }, [col.title, h('span', { class: 'count', text: ' ' + (col.posts || []).length })])));
    });
    nav.appendChild(navList);
    main.appendChild(nav);

    var columnsBox = h('div', { class: 'columns' });
    main.appendChild(columnsBox);
    var render = function () {
      var q = search.value.replace(/^\s+|\s+$/g, '');
      var total = renderColumns(columnsBox, q);
      found.textContent = q ? (total ? '找到 ' + total + ' 篇标题含“' + q + '”的文章。' : '没有标题含“' + q + '”的文章。') : '';
    };
    search.addEventListener('input', render);
    render();

    if (trash) main.appendChild(trashSection(trash));
    else main.appendChild(h('p', { class: 'error-box', text: errorText(results[1].data, '读取回收站失败：') }));
  }

  function buildErrors(errors) {
    var box = h('section', { class: 'error-box', 'aria-labelledby': 'build-errors-title' });
    box.appendChild(h('h2', { id: 'build-errors-title', text: '上次生成网站时有 ' + errors.length + ' 处错误' }));
    box.appendChild(h('p', { text: '改好以后预览会自动更新。点文件名可以直接打开那篇文章。' }));
    var list = h('ul', { class: 'problem-list' });
    errors.forEach(function (e) {
      var where = e.file || '';
      var isPost = postInfo(where);
      var li = h('li');
      if (isPost) li.appendChild(h('a', { href: editHash(where), text: where }));
      else if (where) li.appendChild(h('code', { text: where }));
      if (e.line) li.appendChild(document.createTextNode(' 第 ' + e.line + ' 行'));
      li.appendChild(document.createTextNode((where ? '：' : '') + (e.message || '')));
      if (e.hint) li.appendChild(h('span', { class: 'hint-inline', text: ' 改法：' + e.hint }));
      list.appendChild(li);
    });
    box.appendChild(list);
    return box;
  }

  function importBox() {
    var box = h('div', { class: 'import-box' });
    var selectId = uid('import-column');
    var fileId = uid('import-file');
    var select = h('select', { id: selectId, class: 'input' });
    site.columns.forEach(function (col) {
      select.appendChild(h('option', { value: col.folder, text: col.title }));
    });
    var file = h('input', { type: 'file', id: fileId, class: 'file-input', accept: '.docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    file.addEventListener('change', async function () {
      var f = file.files && file.files[0];
      if (!f) return;
      if (f.size > MAX_UPLOAD) {
        say('“' + f.name + '”有 ' + fmtSize(f.size) + '，超过 50 MB，不能导入。请先把文档里的大图片压缩一下。', 'error');
        file.value = '';
        return;
      }
      say('正在导入“' + f.name + '”……', 'info');
      var res = await api('POST', 'import', { query: { column: select.value, name: f.name }, body: f, type: f.type || 'application/octet-stream' });
      file.value = '';
      if (!res.ok) {
        say(errorText(res.data, '导入“' + f.name + '”失败：'), 'error');
        return;
      }
      say('已导入“' + f.name + '”，请检查标题、日期和正文，再保存。' + (res.data.next ? '\n' + res.data.next : ''), 'ok');
      location.hash = editHash(res.data.path);
    });
    box.appendChild(h('h2', { class: 'small-heading', text: '导入 Word 文件' }));
    box.appendChild(h('div', { class: 'field-row' }, [h('label', { for: selectId, text: '导入到栏目' }), select]));
    box.appendChild(h('div', { class: 'field-row' }, [h('label', { for: fileId, text: '选择 Word 文件（.docx）' }), file]));
    box.appendChild(h('p', { class: 'hint', text: '旧的 .doc 或 WPS 的 .wps 文件，请先用 Word 或 WPS“另存为”.docx。' }));
    return box;
  }

  function renderColumns(box, q) {
    clear(box);
    var total = 0;
    site.columns.forEach(function (col) {
      var posts = col.posts || [];
      var shown = q
        ? posts.filter(function (p) {
            return (p.title || '').indexOf(q) >= 0;
          })
        : posts;
      total += shown.length;
      if (q && !shown.length) return;
      var headingId = 'col-' + col.folder;
      var section = h('section', { class: 'column-card', 'aria-labelledby': headingId });
      var head = h('div', { class: 'column-head' }, [
        h('h2', { id: headingId, tabindex: '-1' }, [col.title, h('span', { class: 'kind', text: col.kind_label || col.kind || '' })]),
        h('a', { class: 'button button-primary', href: '#/new/' + encodeURI(col.folder) }, ['新建文章', h('span', { class: 'visually-hidden', text: '（' + col.title + '）' })]),
      ]);
      section.appendChild(head);
      if (!shown.length) {
        section.appendChild(h('p', { class: 'empty', text: '这个栏目还没有文章。' }));
        box.appendChild(section);
        return;
      }
      var limit = q || expanded[col.folder] ? shown.length : 12;
      var table = h('table', { class: 'posts' });
      table.appendChild(h('caption', { class: 'visually-hidden', text: col.title + '的文章，新的在前' }));
      table.appendChild(
        h('thead', {}, h('tr', {}, [
          h('th', { scope: 'col', text: '标题' }),
          h('th', { scope: 'col', class: 'col-date', text: '日期' }),
          h('th', { scope: 'col', class: 'col-state', text: '状态' }),
          h('th', { scope: 'col', class: 'col-check', text: '检查' }),
          h('th', { scope: 'col', class: 'col-preview', text: '预览' }),
        ]))
      );
      var tbody = h('tbody');
      shown.slice(0, limit).forEach(function (p) {
        var marks = [];
        if (p.draft) marks.push(h('span', { class: 'badge badge-draft', text: '草稿' }));
        if (p.scheduled) marks.push(h('span', { class: 'badge badge-scheduled', text: '定时发布' }));
        var n = p.findings || 0;
        tbody.appendChild(
          h('tr', {}, [
            h('td', {}, h('a', { href: editHash(p.path), text: p.title || p.path })),
            h('td', { class: 'col-date', text: fmtDate(p.date) || '—' }),
            h('td', { class: 'col-state' }, marks.length ? marks : h('span', { class: 'muted', text: '已发布' })),
            h('td', { class: 'col-check' }, n ? h('span', { class: 'badge badge-findings', text: n + ' 条' }) : h('span', { class: 'muted', text: '无' })),
            h('td', { class: 'col-preview' }, p.url ? h('a', { href: previewHref(p.url), target: '_blank', rel: 'noopener' }, ['预览', h('span', { class: 'visually-hidden', text: '：' + (p.title || '') + '（在新窗口打开）' })]) : h('span', { class: 'muted', text: '—' })),
          ])
        );
      });
      table.appendChild(tbody);
      section.appendChild(h('div', { class: 'table-wrap' }, table));
      if (shown.length > limit) {
        section.appendChild(
          h('button', {
            type: 'button',
            class: 'button button-quiet',
            text: '显示这个栏目的全部 ' + shown.length + ' 篇文章',
            onclick: function () {
              expanded[col.folder] = true;
              renderColumns(box, q);
              var heading = document.getElementById(headingId);
              if (heading) heading.focus();
            },
          })
        );
      }
      box.appendChild(section);
    });
    return total;
  }

  // ───────────────────────── 未保存的内容 ─────────────────────────

  function readLocal(key) {
    try {
      var text = localStorage.getItem(LOCAL_PREFIX + key);
      return text ? JSON.parse(text) : null;
    } catch (e) {
      return null;
    }
  }

  function writeLocal(draft) {
    try {
      localStorage.setItem(LOCAL_PREFIX + draft.key, JSON.stringify(draft));
      return true;
    } catch (e) {
      return false;
    }
  }

  function dropLocal(key) {
    try {
      localStorage.removeItem(LOCAL_PREFIX + key);
    } catch (e) {
      /* 浏览器不让用本机存储：没有可删的 */
    }
  }

  function localDrafts() {
    var out = [];
    try {
      for (var i = 0; i < localStorage.length; i++) {
        var k = localStorage.key(i);
        if (k && k.indexOf(LOCAL_PREFIX) === 0) {
          var d = readLocal(k.slice(LOCAL_PREFIX.length));
          if (d && d.key) out.push(d);
        }
      }
    } catch (e) {
      /* 同上 */
    }
    return out;
  }

  /** 服务器上和本机存着的未保存内容，同一篇只算一次。 */
  function unsavedDrafts() {
    var byKey = {};
    (site.unsaved || []).forEach(function (d) {
      byKey[d.key] = d;
    });
    localDrafts().forEach(function (d) {
      var known = byKey[d.key];
      if (!known || Date.parse(d.saved_at) > Date.parse(known.saved_at)) {
        byKey[d.key] = { key: d.key, path: d.path || null, column: d.column, title: (d.fields && d.fields.title) || d.title || '', saved_at: d.saved_at };
      }
    });
    return Object.keys(byKey)
      .map(function (k) {
        return byKey[k];
      })
      .sort(function (a, b) {
        return (Date.parse(b.saved_at) || 0) - (Date.parse(a.saved_at) || 0);
      });
  }

  function unsavedSection(drafts) {
    var section = h('section', { class: 'panel unsaved-panel', 'aria-labelledby': 'unsaved-title' });
    section.appendChild(h('h2', { id: 'unsaved-title', text: '未保存的内容' }));
    section.appendChild(h('p', { class: 'hint', text: '这些内容写了但还没有保存（例如关掉了页面，或电脑重启了）。点“恢复”接着写。' }));
    var list = h('ul', { class: 'item-list' });
    drafts.forEach(function (d) {
      var col = columnByFolder(d.column);
      var title = d.title || '（还没有标题）';
      var href = d.path ? editHash(d.path) + '?restore=1' : '#/new/' + encodeURI(d.column || '') + '?key=' + encodeURIComponent(d.key);
      var li = h('li', { class: 'item' }, [
        h('span', { class: 'item-title', text: title }),
        h('span', { class: 'item-meta', text: (col ? col.title : d.column || '') + (d.path ? '' : ' · 新文章') + (d.saved_at ? ' · 暂存于 ' + fmtTime(d.saved_at) : '') }),
        h('span', { class: 'item-actions' }, [
          h('a', { class: 'button', href: href }, ['恢复', h('span', { class: 'visually-hidden', text: '：' + title })]),
          h('button', {
            type: 'button',
            class: 'button button-quiet',
            onclick: async function () {
              var ok = await confirmDialog('丢弃未保存的内容', '丢弃“' + title + '”未保存的内容吗？丢弃后不能找回。', '丢弃', '取消', true);
              if (!ok) return;
              dropLocal(d.key);
              await api('DELETE', 'unsaved', { query: { key: d.key } });
              li.parentNode.removeChild(li);
              say('已丢弃“' + title + '”未保存的内容。', 'ok');
              if (!list.firstChild) section.parentNode.removeChild(section);
            },
          }, ['丢弃', h('span', { class: 'visually-hidden', text: '：' + title })]),
        ]),
      ]);
      list.appendChild(li);
    });
    section.appendChild(list);
    return section;
  }

  function trashSection(items) {
    var section = h('section', { class: 'panel trash-panel', 'aria-labelledby': 'trash-title' });
    section.appendChild(h('h2', { id: 'trash-title', text: '回收站' }));
    if (!items.length) {
      section.appendChild(h('p', { class: 'empty', text: '回收站是空的。删除的文章会放在这里，随时可以恢复。' }));
      return section;
    }
    section.appendChild(h('p', { class: 'hint', text: '删除的文章连同它的图片和附件放在网站文件夹的 .tongxin/trash/ 里。' }));
    var list = h('ul', { class: 'item-list' });
    items.forEach(function (item) {
      var title = item.title || item.path;
      var li = h('li', { class: 'item' }, [
        h('span', { class: 'item-title', text: title }),
        h('span', { class: 'item-meta', text: item.path + (item.deleted_at ? ' · 删除于 ' + fmtTime(item.deleted_at) : '') }),
        h('span', { class: 'item-actions' }, [
          h('button', {
            type: 'button',
            class: 'button',
            onclick: async function () {
              var res = await api('POST', 'restore', { json: { id: item.id } });
              if (!res.ok) {
                say(errorText(res.data, '恢复“' + title + '”失败：'), 'error');
                return;
              }
              say('已恢复“' + title + '”。', 'ok', { href: editHash(res.data.path), text: '打开这篇文章' });
              showOverview();
            },
          }, ['恢复', h('span', { class: 'visually-hidden', text: '：' + title })]),
        ]),
      ]);
      list.appendChild(li);
    });
    section.appendChild(list);
    return section;
  }

  // ───────────────────────── 表单字段 ─────────────────────────

  function splitList(text) {
    return String(text || '')
      .split(/[、，,;；\n]+/)
      .map(function (s) {
        return s.replace(/^\s+|\s+$/g, '');
      })
      .filter(Boolean);
  }

  function toLocalInput(v) {
    if (!v) return '';
    var m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2}))?/.exec(String(v));
    if (!m) return '';
    return m[1] + 'T' + (m[2] || '00') + ':' + (m[3] || '00');
  }

  function fromLocalInput(v) {
    if (!v) return null;
    return v.replace('T', ' ').slice(0, 16);
  }

  /**
   * 一个字段的输入控件：{ node, get(), set(v), focus(), setError(text) }。
   * get() 得到接口里的写法（text → 字符串或 null，list → 数组 …）。
   */
  function makeField(field, onChange) {
    var id = 'field-' + field.key;
    var hintId = id + '-hint';
    var errorId = id + '-error';
    var wrap = h('div', { class: 'field field-' + field.type, 'data-field': field.key });
    var describedBy = (field.hint ? hintId + ' ' : '') + errorId;
    // 必填的星号放在 label 外面：label 的文字就是字段名本身。
    var labelNode = h('div', { class: 'label-row' }, [
      h('label', { for: id, id: id + '-label', text: field.label || field.key }),
      field.required ? h('span', { class: 'req', 'aria-hidden': 'true', text: '*' }) : null,
    ]);
    var hintNode = field.hint ? h('p', { class: 'hint', id: hintId, text: field.hint }) : null;
    var errorNode = h('p', { class: 'field-error', id: errorId, hidden: true });
    var control = null;
    var api_ = {};
    var common = { id: id, 'aria-describedby': describedBy, 'aria-required': field.required ? 'true' : null };

    var t = field.type;
    if (t === 'textarea') {
      control = h('textarea', Object.assign({ class: 'input', rows: 3, oninput: onChange }, common));
      api_.get = function () {
        return control.value.replace(/\s+$/, '') || null;
      };
      api_.set = function (v) {
        control.value = v === null || v === undefined ? '' : String(v);
      };
    } else if (t === 'datetime') {
      control = h('input', Object.assign({ type: 'datetime-local', class: 'input', oninput: onChange, onchange: onChange }, common));
      api_.get = function () {
        return fromLocalInput(control.value);
      };
      api_.set = function (v) {
        control.value = toLocalInput(v);
      };
    } else if (t === 'bool') {
      control = h('input', Object.assign({ type: 'checkbox', class: 'checkbox', onchange: onChange }, common));
      api_.get = function () {
        return control.checked;
      };
      api_.set = function (v) {
        control.checked = v === true || v === 'true';
      };
    } else if (t === 'number') {
      control = h('input', Object.assign({ type: 'number', step: 'any', class: 'input input-short', oninput: onChange }, common));
      api_.get = function () {
        if (control.value === '') return null;
        var n = Number(control.value);
        return isNaN(n) ? control.value : n;
      };
      api_.set = function (v) {
        control.value = v === null || v === undefined ? '' : String(v);
      };
    } else if (t === 'select') {
      control = h('select', Object.assign({ class: 'input', onchange: onChange }, common));
      var fill = function (current) {
        clear(control);
        control.appendChild(h('option', { value: '', text: '（不填）' }));
        var options = field.options || [];
        options.forEach(function (o) {
          control.appendChild(h('option', { value: o, text: o }));
        });
        if (current && options.indexOf(current) < 0) control.appendChild(h('option', { value: current, text: current + '（不在可选范围内，请重新选择）' }));
      };
      fill(null);
      api_.get = function () {
        return control.value || null;
      };
      api_.set = function (v) {
        var s = v === null || v === undefined ? '' : String(v);
        fill(s);
        control.value = s;
      };
    } else if (t === 'list' && field.key === 'topics' && (site.topics || []).length) {
      return topicsField(field, onChange, wrap, hintNode, errorNode, common);
    } else if (t === 'list') {
      control = h('input', Object.assign({ type: 'text', class: 'input', oninput: onChange }, common));
      if (!field.hint) wrap.appendChild(h('span', { hidden: true }));
      api_.get = function () {
        return splitList(control.value);
      };
      api_.set = function (v) {
        control.value = Array.isArray(v) ? v.join('、') : v ? String(v) : '';
      };
      if (!field.hint) {
        hintNode = h('p', { class: 'hint', id: hintId, text: '几项之间用顿号“、”或逗号隔开。' });
        control.setAttribute('aria-describedby', hintId + ' ' + errorId);
      }
    } else if (t === 'members') {
      return membersField(field, onChange, wrap, labelNode, hintNode, errorNode, common);
    } else if (t === 'image') {
      return imageField(field, onChange, wrap, labelNode, hintNode, errorNode, common);
    } else if (t === 'attachments') {
      return attachmentsField(field, onChange, wrap, hintNode, errorNode);
    } else {
      control = h('input', Object.assign({ type: 'text', class: 'input', oninput: onChange }, common));
      api_.get = function () {
        return control.value.replace(/^\s+|\s+$/g, '') || null;
      };
      api_.set = function (v) {
        control.value = v === null || v === undefined ? '' : String(v);
      };
    }
    if (t === 'bool') {
      wrap.appendChild(h('div', { class: 'check-row' }, [control, labelNode]));
    } else {
      wrap.appendChild(labelNode);
      wrap.appendChild(control);
    }
    if (hintNode) wrap.appendChild(hintNode);
    wrap.appendChild(errorNode);
    api_.node = wrap;
    api_.focus = function () {
      control.focus();
    };
    api_.setError = fieldErrorSetter(control, errorNode, wrap);
    return api_;
  }

  function fieldErrorSetter(control, errorNode, wrap) {
    return function (text) {
      if (text) {
        errorNode.textContent = text;
        errorNode.hidden = false;
        control.setAttribute('aria-invalid', 'true');
        wrap.classList.add('has-error');
      } else {
        errorNode.textContent = '';
        errorNode.hidden = true;
        control.removeAttribute('aria-invalid');
        wrap.classList.remove('has-error');
      }
    };
  }

  /**
   * 专题：本站的专题逐个勾选（不必记名称，也不会写错字）；不是本站专题的专题词写在下面的输入框里。
   * 文章里原来写的是简称的，保存时仍写简称；顺序照原样。
   */
  function topicsField(field, onChange, wrap, hintNode, errorNode, common) {
    var topics = site.topics || [];
    var whenText = { current: '正在首页', coming: '还没开始', past: '往期' };
    var chosen = []; // 勾选的专题（下标），按写入的先后
    var written = {}; // 下标 → 文章里原来的写法
    var boxes = topics.map(function (t, i) {
      return h('input', {
        type: 'checkbox',
        class: 'checkbox',
        id: common.id + '-' + i,
        value: t.name,
        onchange: function () {
          var at = chosen.indexOf(i);
          if (boxes[i].checked && at < 0) chosen.push(i);
          if (!boxes[i].checked && at >= 0) chosen.splice(at, 1);
          onChange();
        },
      });
    });
    var choices = h(
      'ul',
      { class: 'topic-choices' },
      topics.map(function (t, i) {
        var text = t.name + (t.short ? '（简称 ' + t.short + '）' : '') + ' · ' + (whenText[t.when] || '');
        return h('li', { class: 'check-row' }, [boxes[i], h('label', { for: boxes[i].id, text: text })]);
      })
    );
    var other = h('input', Object.assign({ type: 'text', class: 'input', oninput: onChange }, common));
    var fieldset = h('fieldset', { class: 'radio-group topic-group' }, [
      h('legend', { id: common.id + '-label', text: field.label || field.key }),
      choices,
      h('label', { for: common.id, class: 'other-label', text: '其他专题词（不是本站专题的，用顿号隔开）' }),
      other,
    ]);
    if (hintNode) {
      // 有可勾选的专题时，提示说勾选，不说“用顿号隔开”。
      hintNode.textContent = '勾选后，文章出现在专题页对应的分栏里。';
      fieldset.appendChild(hintNode);
    }
    fieldset.appendChild(errorNode);
    wrap.appendChild(fieldset);
    var find = function (text) {
      for (var i = 0; i < topics.length; i++) {
        var t = topics[i];
        if (text === t.name || (t.short && text === t.short) || text === t.folder) return i;
      }
      return -1;
    };
    return {
      node: wrap,
      get: function () {
        var out = chosen.map(function (i) {
          return written[i] || topics[i].name;
        });
        splitList(other.value).forEach(function (v) {
          // 在输入框里写了本站专题的名称：和勾选一样。
          var i = find(v);
          var shown = i >= 0 ? written[i] || topics[i].name : v;
          if (out.indexOf(shown) < 0) out.push(v);
        });
        return out;
      },
      set: function (v) {
        var items = Array.isArray(v) ? v.map(String) : v ? splitList(String(v)) : [];
        chosen = [];
        written = {};
        var rest = [];
        items.forEach(function (item) {
          var i = find(item);
          if (i >= 0 && chosen.indexOf(i) < 0) {
            chosen.push(i);
            written[i] = item;
          } else if (i < 0) {
            rest.push(item);
          }
        });
        boxes.forEach(function (b, i) {
          b.checked = chosen.indexOf(i) >= 0;
        });
        other.value = rest.join('、');
      },
      focus: function () {
        (boxes[0] || other).focus();
      },
      setError: fieldErrorSetter(other, errorNode, wrap),
    };
  }

  /** 委员：从本站委员中选（名字或编号），也可以写不是委员的名字（如“民盟溪山区委”）。 */
  function membersField(field, onChange, wrap, labelNode, hintNode, errorNode, common) {
    var values = [];
    var listId = uid('members-list');
    var input = h('input', Object.assign({ type: 'text', class: 'input', list: listId, autocomplete: 'off' }, common));
    var datalist = h('datalist', { id: listId });
    (site.members || []).forEach(function (m) {
      datalist.appendChild(h('option', { value: m.name, label: m.id }));
    });
    var chips = h('ul', { class: 'chips', 'aria-label': (field.label || field.key) + '：已选' });
    var ownHint = h('p', { class: 'hint', id: common.id + '-how', text: '输入名字，从列表里选本站委员，按回车或“添加”。不是本站委员的（如党派、界别小组）也可以直接写名字。' });
    input.setAttribute('aria-describedby', common['aria-describedby'] + ' ' + common.id + '-how');

    var resolve = function (text) {
      var list = site.members || [];
      for (var i = 0; i < list.length; i++) if (list[i].name === text || list[i].id === text) return list[i].id;
      return text;
    };
    var draw = function () {
      clear(chips);
      values.forEach(function (v, i) {
        var name = memberName(v);
        var shown = name || v;
        chips.appendChild(
          h('li', { class: 'chip' + (name ? '' : ' chip-free') }, [
            h('span', { text: shown }),
            name ? null : h('span', { class: 'chip-note', text: '（非本站委员）' }),
            h('button', {
              type: 'button',
              class: 'chip-remove',
              'aria-label': '移除' + shown,
              text: '×',
              onclick: function () {
                values.splice(i, 1);
                draw();
                onChange();
                input.focus();
              },
            }),
          ])
        );
      });
    };
    var add = function () {
      var added = false;
      splitList(input.value).forEach(function (text) {
        var v = resolve(text);
        if (values.indexOf(v) < 0) {
          values.push(v);
          added = true;
        }
      });
      input.value = '';
      draw();
      if (added) onChange();
    };
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') {
        e.preventDefault();
        add();
      }
    });
    input.addEventListener('input', function (e) {
      // 从下拉列表里点选了一位委员：直接加上。
      if (e.inputType === 'insertReplacementText' || (!e.inputType && resolve(input.value) !== input.value)) add();
    });
    wrap.appendChild(labelNode);
    wrap.appendChild(chips);
    wrap.appendChild(
      h('div', { class: 'inline-row' }, [
        input,
        datalist,
        h('button', { type: 'button', class: 'button', onclick: add }, ['添加', h('span', { class: 'visually-hidden', text: field.label || field.key })]),
      ])
    );
    wrap.appendChild(ownHint);
    if (hintNode) wrap.appendChild(hintNode);
    wrap.appendChild(errorNode);
    return {
      node: wrap,
      get: function () {
        // 输入框里还没按“添加”的名字也算上。
        var pending = splitList(input.value).map(resolve);
        return values.concat(
          pending.filter(function (v) {
            return values.indexOf(v) < 0;
          })
        );
      },
      set: function (v) {
        values = Array.isArray(v) ? v.map(String) : v ? splitList(String(v)) : [];
        input.value = '';
        draw();
      },
      focus: function () {
        input.focus();
      },
      setError: fieldErrorSetter(input, errorNode, wrap),
    };
  }

  /** 图片（封面、委员照片）：从文章文件夹里的图片选一张，或上传。 */
  function imageField(field, onChange, wrap, labelNode, hintNode, errorNode, common) {
    var select = h('select', Object.assign({ class: 'input', onchange: function () {
      showInfo();
      onChange();
    } }, common));
    var info = h('p', { class: 'file-info' });
    var current = null;
    var fill = function () {
      var value = select.value || current;
      clear(select);
      select.appendChild(h('option', { value: '', text: '（不用图片）' }));
      var names = (ed ? ed.files : [])
        .filter(function (f) {
          return IMAGE_EXT.test(f.name);
        })
        .map(function (f) {
          return f.name;
        });
      names.forEach(function (n) {
        select.appendChild(h('option', { value: n, text: n }));
      });
      if (value && names.indexOf(value) < 0) select.appendChild(h('option', { value: value, text: value + '（文章文件夹里没有这个文件）' }));
      select.value = value || '';
    };
    var showInfo = function () {
      var f = ed && ed.files.filter(function (x) {
        return x.name === select.value;
      })[0];
      info.textContent = f ? '大小：' + fmtSize(f.size) : '';
    };
    var upload = h('button', {
      type: 'button',
      class: 'button',
      onclick: async function () {
        var files = await pickFiles('image/*', false);
        if (!files.length) return;
        var result = await uploadFile(files[0]);
        if (!result) return;
        current = result.name;
        fill();
        select.value = result.name;
        showInfo();
        onChange();
        say('已上传“' + result.name + '”（' + fmtSize(result.size) + '），用作' + (field.label || field.key) + '。', 'ok');
      },
    }, ['上传图片', h('span', { class: 'visually-hidden', text: '作为' + (field.label || field.key) })]);
    wrap.appendChild(labelNode);
    wrap.appendChild(h('div', { class: 'inline-row' }, [select, upload]));
    wrap.appendChild(info);
    if (hintNode) wrap.appendChild(hintNode);
    wrap.appendChild(errorNode);
    fill();
    return {
      node: wrap,
      refresh: fill,
      get: function () {
        return select.value || null;
      },
      set: function (v) {
        current = v || null;
        select.value = '';
        fill();
        select.value = v || '';
        showInfo();
      },
      focus: function () {
        select.focus();
      },
      setError: fieldErrorSetter(select, errorNode, wrap),
    };
  }

  /** 附件：每行一个文件和它的标题；上传添加。 */
  function attachmentsField(field, onChange, wrap, hintNode, errorNode) {
    var rows = [];
    var legendId = 'field-' + field.key + '-label';
    var fieldset = h('fieldset', { class: 'attachments', 'aria-describedby': errorNode.id }, [h('legend', { id: legendId, text: field.label || field.key })]);
    var table = h('div', { class: 'attachment-rows' });
    var addButton = h('button', {
      type: 'button',
      class: 'button',
      id: 'field-' + field.key,
      onclick: async function () {
        var files = await pickFiles('', true);
        for (var i = 0; i < files.length; i++) {
          var result = await uploadFile(files[i]);
          if (!result) continue;
          rows.push({ file: result.name, title: files[i].name.replace(/\.[^.]+$/, '') });
          say('已上传附件“' + result.name + '”（' + fmtSize(result.size) + '）。请核对附件标题。', 'ok');
        }
        if (files.length) {
          draw();
          onChange();
        }
      },
    }, ['上传附件', h('span', { class: 'visually-hidden', text: '到' + (field.label || field.key) })]);
    var draw = function () {
      clear(table);
      if (!rows.length) table.appendChild(h('p', { class: 'empty', text: '还没有附件。' }));
      rows.forEach(function (row, i) {
        var titleId = uid('att-title');
        var f = ed && ed.files.filter(function (x) {
          return x.name === row.file;
        })[0];
        table.appendChild(
          h('div', { class: 'attachment-row' }, [
            h('span', { class: 'attachment-file' }, [row.file, f ? h('span', { class: 'muted', text: '（' + fmtSize(f.size) + '）' }) : null]),
            h('label', { for: titleId, text: '第 ' + (i + 1) + ' 个附件的标题' }),
            h('input', {
              type: 'text',
              id: titleId,
              class: 'input',
              value: row.title || '',
              oninput: function (e) {
                row.title = e.target.value;
                onChange();
              },
            }),
            h('button', {
              type: 'button',
              class: 'button button-quiet',
              onclick: function () {
                rows.splice(i, 1);
                draw();
                onChange();
                addButton.focus();
              },
            }, ['移除', h('span', { class: 'visually-hidden', text: '第 ' + (i + 1) + ' 个附件' })]),
          ])
        );
      });
    };
    fieldset.appendChild(table);
    fieldset.appendChild(addButton);
    if (hintNode) fieldset.appendChild(hintNode);
    fieldset.appendChild(errorNode);
    wrap.appendChild(fieldset);
    draw();
    return {
      node: wrap,
      refresh: draw,
      get: function () {
        return rows.map(function (r) {
          return { file: r.file, title: (r.title || '').replace(/^\s+|\s+$/g, '') };
        });
      },
      set: function (v) {
        rows = (Array.isArray(v) ? v : []).map(function (a) {
          return typeof a === 'string' ? { file: a, title: '' } : { file: a.file || '', title: a.title || '' };
        });
        draw();
      },
      focus: function () {
        addButton.focus();
      },
      setError: function (text) {
        errorNode.textContent = text || '';
        errorNode.hidden = !text;
        wrap.classList.toggle('has-error', !!text);
        if (text) fieldset.setAttribute('aria-invalid', 'true');
        else fieldset.removeAttribute('aria-invalid');
      },
    };
  }

  // ───────────────────────── 选文件、上传 ─────────────────────────

  function pickFiles(accept, multiple) {
    return new Promise(function (resolve) {
      var input = document.createElement('input');
      input.type = 'file';
      if (accept) input.accept = accept;
      input.multiple = !!multiple;
      input.style.display = 'none';
      input.addEventListener('change', function () {
        var files = Array.prototype.slice.call(input.files || []);
        if (input.parentNode) input.parentNode.removeChild(input);
        resolve(files);
      });
      document.body.appendChild(input);
      input.click();
    });
  }

  /** 新文章第一次上传或保存前，先问服务器文件会写在哪里。 */
  async function ensurePath() {
    var e = ed;
    if (!e) return null;
    if (e.path) return e.path;
    var title = e.widgets.title ? e.widgets.title.get() : null;
    if (!title) {
      say('请先填写标题：文章的文件名和图片文件夹按标题来起。', 'error');
      if (e.widgets.title) {
        e.widgets.title.setError('请先填写标题。');
        e.widgets.title.focus();
      }
      return null;
    }
    var res = await api('POST', 'plan', { json: { column: e.column, title: title } });
    // 等回答的时候用户去了别的页面：这篇文章已经不在表单里了。
    if (ed !== e) return null;
    if (!res.ok) {
      say(errorText(res.data, '无法确定文件位置：'), 'error');
      return null;
    }
    e.path = res.data.path;
    e.planned = true;
    if (res.data.fields) applyDefaults(res.data.fields);
    updateEditorHeader();
    return e.path;
  }

  /** 上传一个文件到文章文件夹；失败时说明原因，返回 null。 */
  async function uploadFile(file) {
    if (file.size > MAX_UPLOAD) {
      say('“' + file.name + '”有 ' + fmtSize(file.size) + '，超过 50 MB 的上限。照片请先压缩，文件请拆分后再上传。', 'error');
      return null;
    }
    var path = await ensurePath();
    if (!path) return null;
    say('正在上传“' + file.name + '”（' + fmtSize(file.size) + '）……', 'info');
    var e = ed;
    var res = await api('POST', 'upload', { query: { path: path, name: file.name || 'image.png' }, body: file, type: file.type || 'application/octet-stream' });
    if (ed !== e) return null;
    if (!res.ok) {
      say(errorText(res.data, '“' + file.name + '”没有上传：'), 'error');
      return null;
    }
    var result = res.data;
    ed.files = ed.files.filter(function (f) {
      return f.name !== result.name;
    });
    ed.files.push({ name: result.name, size: result.size });
    Object.keys(ed.widgets).forEach(function (k) {
      if (ed.widgets[k].refresh) ed.widgets[k].refresh();
    });
    if (result.warnings && result.warnings.length) say('已上传“' + result.name + '”。注意：' + result.warnings.join('；'), 'info');
    else say('已上传“' + result.name + '”（' + fmtSize(result.size) + '）。', 'ok');
    return result;
  }

  function dataUrlToBlob(src) {
    var m = /^data:([^;,]+)?(;base64)?,([\s\S]*)$/.exec(src);
    if (!m) return null;
    var type = m[1] || 'application/octet-stream';
    var bytes;
    if (m[2]) {
      var bin = atob(m[3].replace(/\s+/g, ''));
      bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    } else {
      bytes = new TextEncoder().encode(decodeURIComponent(m[3]));
    }
    return new Blob([bytes], { type: type });
  }

  function extensionFor(type) {
    var map = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/svg+xml': 'svg', 'image/bmp': 'bmp' };
    return map[type] || 'png';
  }

  /** 上传后问图片说明：返回说明文字，不插入时返回 null。 */
  async function askAlt(result, suggested) {
    var inputId = uid('alt');
    var input = h('input', { type: 'text', id: inputId, class: 'input', value: suggested || '', 'aria-describedby': inputId + '-hint', 'data-autofocus': true });
    var size = [fmtSize(result.size)];
    if (result.width && result.height) size.push(result.width + '×' + result.height + ' 像素');
    var body = [
      h('p', { class: 'file-info' }, ['文件：', h('strong', { text: result.name }), '，' + size.join('，')]),
      result.warnings && result.warnings.length ? h('p', { class: 'warning-box', text: result.warnings.join('；') }) : null,
      h('div', { class: 'field' }, [
        h('label', { for: inputId, text: '图片说明' }),
        input,
        h('p', { class: 'hint', id: inputId + '-hint', text: '用一句话说照片里是什么，例如“区政协常委会会议现场”。看不见图片的读者会听到这句话。' }),
      ]),
    ];
    var value = await openDialog({
      title: '给图片写说明',
      body: body,
      buttons: [
        { label: '插入图片', value: 'insert', primary: true },
        { label: '不插入', value: null },
      ],
    });
    if (value !== 'insert') return null;
    return input.value.replace(/^\s+|\s+$/g, '');
  }

  function imageMarkdown(alt, name) {
    return '![' + alt.replace(/[\[\]]/g, '') + '](' + name.replace(/ /g, '%20') + ')';
  }

  /** 上传几张照片，逐张问说明，插到正文的光标处。 */
  async function insertPhotos(files) {
    var images = files.filter(function (f) {
      return /^image\//.test(f.type) || IMAGE_EXT.test(f.name);
    });
    var others = files.filter(function (f) {
      return images.indexOf(f) < 0;
    });
    for (var i = 0; i < images.length; i++) {
      var result = await uploadFile(images[i]);
      if (!result) continue;
      var alt = await askAlt(result, '');
      if (alt === null) {
        say('“' + result.name + '”已放进文章文件夹，但没有插入正文。', 'info');
        continue;
      }
      insertBlock(imageMarkdown(alt, result.name));
      if (!alt) say('已插入“' + result.name + '”。还没有图片说明，发布前检查会提醒。', 'info');
    }
    for (var j = 0; j < others.length; j++) {
      var r = await uploadFile(others[j]);
      if (r) insertBlock('[' + others[j].name.replace(/\.[^.]+$/, '').replace(/[\[\]]/g, '') + '](' + r.name.replace(/ /g, '%20') + ')');
    }
  }

  async function insertGallery() {
    var files = await pickFiles('image/*', true);
    if (!files.length) return;
    var uploaded = [];
    for (var i = 0; i < files.length; i++) {
      var r = await uploadFile(files[i]);
      if (r) uploaded.push(r);
    }
    if (!uploaded.length) return;
    var inputs = uploaded.map(function (r, i) {
      var id = uid('gallery-alt');
      return {
        result: r,
        input: h('input', { type: 'text', id: id, class: 'input', 'data-autofocus': i === 0 ? true : null }),
        id: id,
      };
    });
    var value = await openDialog({
      title: '给图集里的照片写说明',
      wide: true,
      body: [h('p', { class: 'hint', text: '每张照片写一句说明，例如“委员们察看茶园”。' })].concat(
        inputs.map(function (x, i) {
          return h('div', { class: 'field' }, [
            h('label', { for: x.id, text: '第 ' + (i + 1) + ' 张（' + x.result.name + '，' + fmtSize(x.result.size) + '）的说明' }),
            x.input,
          ]);
        })
      ),
      buttons: [
        { label: '插入图集', value: 'insert', primary: true },
        { label: '不插入', value: null },
      ],
    });
    if (value !== 'insert') {
      say('照片已放进文章文件夹，但没有插入图集。', 'info');
      return;
    }
    var lines = inputs.map(function (x) {
      var alt = x.input.value.replace(/\s+/g, ' ').replace(/^\s+|\s+$/g, '');
      return x.result.name + (alt ? ' ' + alt : '');
    });
    insertBlock('```gallery\n' + lines.join('\n') + '\n```');
  }

  // ───────────────────────── 正文编辑 ─────────────────────────

  function bodyArea() {
    return ed && ed.textarea;
  }

  function insertText(text, selectFrom, selectTo) {
    var ta = bodyArea();
    ta.focus();
    var start = ta.selectionStart;
    var ok = false;
    try {
      ok = document.execCommand('insertText', false, text);
    } catch (e) {
      ok = false;
    }
    if (!ok || ta.value.substr(start, text.length) !== text) {
      ta.setRangeText(text, start, ta.selectionEnd, 'end');
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    }
    if (selectFrom !== undefined) ta.setSelectionRange(start + selectFrom, start + selectTo);
  }

  /** 插入一段（图片、表格、图集）：和前后文字之间空一行。 */
  function insertBlock(md) {
    var ta = bodyArea();
    var before = ta.value.slice(0, ta.selectionStart);
    var after = ta.value.slice(ta.selectionEnd);
    var prefix = '';
    if (before && !/\n\n$/.test(before)) prefix = /\n$/.test(before) ? '\n' : '\n\n';
    var suffix = after ? (/^\n\n/.test(after) ? '' : /^\n/.test(after) ? '\n' : '\n\n') : '\n';
    insertText(prefix + md + suffix);
  }

  function lineStart(text, pos) {
    return text.lastIndexOf('\n', pos - 1) + 1;
  }

  var TOOLS = {
    heading: function () {
      var ta = bodyArea();
      var start = lineStart(ta.value, ta.selectionStart);
      var end = ta.value.indexOf('\n', start);
      var line = ta.value.slice(start, end < 0 ? ta.value.length : end);
      if (/^#{2,6} /.test(line)) {
        ta.focus();
        return;
      }
      if (!line.replace(/\s/g, '')) {
        insertText('## 小标题', 3, 6);
        return;
      }
      ta.setSelectionRange(start, start);
      insertText('## ');
    },
    bold: function () {
      var ta = bodyArea();
      var sel = ta.value.slice(ta.selectionStart, ta.selectionEnd);
      if (sel) insertText('**' + sel + '**');
      else insertText('**加粗的文字**', 2, 7);
    },
    list: function () {
      var ta = bodyArea();
      var start = lineStart(ta.value, ta.selectionStart);
      var end = ta.selectionEnd;
      var endLine = ta.value.indexOf('\n', end);
      if (endLine < 0) endLine = ta.value.length;
      var block = ta.value.slice(start, endLine);
      if (!block.replace(/\s/g, '')) {
        ta.setSelectionRange(start, endLine);
        insertText('- 第一项\n- 第二项', 2, 5);
        return;
      }
      var lines = block.split('\n').map(function (l) {
        return !l.replace(/\s/g, '') || /^\s*([-*+]|\d+\.) /.test(l) ? l : '- ' + l.replace(/^[\s\u3000]+/, '');
      });
      ta.setSelectionRange(start, endLine);
      insertText(lines.join('\n'));
    },
    table: function () {
      insertBlock('| 项目 | 内容 |\n| --- | --- |\n| 第一行 | |\n| 第二行 | |');
    },
    link: linkDialog,
    image: async function () {
      var files = await pickFiles('image/*', true);
      if (files.length) await insertPhotos(files);
    },
    gallery: insertGallery,
  };

  /** 链接：本站的另一篇文章（写成 @/ 链接），或一个网址。 */
  async function linkDialog() {
    var ta = bodyArea();
    var selStart = ta.selectionStart;
    var selEnd = ta.selectionEnd;
    var selected = ta.value.slice(selStart, selEnd);
    var textId = uid('link-text');
    var urlId = uid('link-url');
    var filterId = uid('link-filter');
    var postId = uid('link-post');
    var kindName = uid('link-kind');
    var textInput = h('input', { type: 'text', id: textId, class: 'input', value: selected.replace(/\n/g, ' '), 'data-autofocus': true });
    var urlInput = h('input', { type: 'url', id: urlId, class: 'input', placeholder: 'https://' });
    var filter = h('input', { type: 'search', id: filterId, class: 'input', autocomplete: 'off' });
    var select = h('select', { id: postId, class: 'input', size: 8 });
    var fillPosts = function () {
      var q = filter.value.replace(/^\s+|\s+$/g, '');
      clear(select);
      site.columns.forEach(function (col) {
        var posts = (col.posts || []).filter(function (p) {
          return p.path !== (ed && ed.path) && (!q || (p.title || '').indexOf(q) >= 0);
        });
        if (!posts.length) return;
        var group = h('optgroup', { label: col.title });
        posts.slice(0, 200).forEach(function (p) {
          group.appendChild(h('option', { value: p.path, text: p.title || p.path }));
        });
        select.appendChild(group);
      });
      if (select.options.length) select.selectedIndex = 0;
    };
    fillPosts();
    filter.addEventListener('input', fillPosts);
    var postPart = h('div', { class: 'link-part' }, [
      h('div', { class: 'field' }, [h('label', { for: filterId, text: '按标题查找文章' }), filter]),
      h('div', { class: 'field' }, [h('label', { for: postId, text: '选择文章' }), select]),
    ]);
    var urlPart = h('div', { class: 'link-part', hidden: true }, [h('div', { class: 'field' }, [h('label', { for: urlId, text: '网址' }), urlInput])]);
    var radioPost = h('input', { type: 'radio', name: kindName, id: kindName + '-post', value: 'post', checked: true });
    var radioUrl = h('input', { type: 'radio', name: kindName, id: kindName + '-url', value: 'url' });
    var toggle = function () {
      postPart.hidden = !radioPost.checked;
      urlPart.hidden = radioPost.checked;
    };
    radioPost.addEventListener('change', toggle);
    radioUrl.addEventListener('change', toggle);
    var errorNode = h('p', { class: 'field-error', role: 'alert' });
    var value = await openDialog({
      title: '插入链接',
      wide: true,
      body: [
        h('div', { class: 'field' }, [h('label', { for: textId, text: '链接文字' }), textInput, h('p', { class: 'hint', text: '不填时用文章标题。' })]),
        h('fieldset', { class: 'radio-group' }, [
          h('legend', { text: '链接到' }),
          h('span', { class: 'radio' }, [radioPost, h('label', { for: kindName + '-post', text: '本站的文章' })]),
          h('span', { class: 'radio' }, [radioUrl, h('label', { for: kindName + '-url', text: '其他网址' })]),
        ]),
        postPart,
        urlPart,
        errorNode,
      ],
      buttons: [
        { label: '插入链接', value: 'insert', primary: true },
        { label: '取消', value: null },
      ],
      onSubmit: function () {
        if (radioPost.checked && !select.value) {
          errorNode.textContent = '请选择一篇文章。';
          return false;
        }
        if (radioUrl.checked && !/^(https?:\/\/|mailto:|\/)/.test(urlInput.value.replace(/^\s+/, ''))) {
          errorNode.textContent = '网址要以 http:// 或 https:// 开头。';
          urlInput.focus();
          return false;
        }
        return true;
      },
    });
    if (value !== 'insert') return;
    var target;
    var label = textInput.value.replace(/^\s+|\s+$/g, '');
    if (radioPost.checked) {
      target = '@/' + select.value.replace(/^content\//, '');
      if (!label) label = select.options[select.selectedIndex].text;
    } else {
      target = urlInput.value.replace(/^\s+|\s+$/g, '');
      if (!label) label = target;
    }
    ta.setSelectionRange(selStart, selEnd);
    insertText('[' + label.replace(/[\[\]]/g, '') + '](' + target.replace(/ /g, '%20').replace(/\)/g, '%29') + ')');
  }

  /** 粘贴：Word、WPS、网页的格式变成 Markdown；图片上传。 */
  async function onPaste(e) {
    var cd = e.clipboardData;
    if (!cd || !window.TongxinPaste) return;
    var html = cd.getData('text/html');
    var files = Array.prototype.slice.call(cd.files || []).filter(function (f) {
      return /^image\//.test(f.type);
    });
    if (!html && !files.length) return; // 纯文字：照常粘贴
    if (html && window.TongxinPaste.looksLikeCode(html) && !files.length) return;
    e.preventDefault();
    var result = html ? window.TongxinPaste.convert(html) : { markdown: '', images: [], skipped: 0 };
    var md = result.markdown;
    // 标题还空着、粘贴的内容以标题开头：拿它当文章标题。
    var titleWidget = ed.widgets.title;
    if (titleWidget && !titleWidget.get() && ed.textarea.value.replace(/\s/g, '') === '') {
      var m = /^#{1,6} ([^\n]+)\n*/.exec(md);
      if (m) {
        titleWidget.set(m[1].replace(/\\([*`\\[\]])/g, '$1').replace(/\*\*/g, ''));
        md = raiseHeadings(md.slice(m[0].length));
        onFormChange();
      }
    }
    if (md) {
      if (/\n/.test(md)) insertBlock(md);
      else insertText(md);
    }
    // data: 图片：上传后换掉占位符。
    for (var i = 0; i < result.images.length; i++) {
      var img = result.images[i];
      var blob = dataUrlToBlob(img.src);
      var replacement = '';
      if (blob) {
        var file = new File([blob], 'paste-' + (i + 1) + '.' + extensionFor(blob.type), { type: blob.type });
        var up = await uploadFile(file);
        if (up) {
          var alt = await askAlt(up, img.alt);
          if (alt !== null) replacement = imageMarkdown(alt, up.name);
        }
      }
      replaceToken(img.token, replacement);
    }
    var skipped = result.skipped;
    // 复制图片时，剪贴板里除了 HTML 还有图片文件本身。
    if (files.length) {
      if (skipped && files.length >= skipped) skipped = 0;
      await insertPhotos(files);
    }
    if (skipped) {
      say('粘贴的内容里有 ' + skipped + ' 张图片读不到（它们在 Word 的临时文件里或在别的网站上），没有粘进来。请把图片另存到电脑上，再用正文上方的“图片”按钮添加。', 'error');
    } else if (md) {
      say('已把粘贴的内容转换成正文格式，请核对标题、列表和表格。', 'ok');
    }
  }

  /** 标题挪走以后，剩下的小标题从 ## 开始。 */
  function raiseHeadings(md) {
    var top = 7;
    md.replace(/^(#{2,6}) /gm, function (all, hashes) {
      top = Math.min(top, hashes.length);
      return all;
    });
    if (top <= 2 || top === 7) return md;
    var shift = top - 2;
    return md.replace(/^(#{2,6}) /gm, function (all, hashes) {
      return hashes.slice(shift) + ' ';
    });
  }

  function replaceToken(token, replacement) {
    var ta = ed && ed.textarea;
    if (!ta) return;
    var at = ta.value.indexOf(token);
    if (at < 0) return;
    var start = ta.selectionStart;
    var end = ta.selectionEnd;
    var cut = token.length;
    // 没有插入图片时，连同它所在的空行一起去掉。
    if (!replacement && ta.value.substr(at + cut, 2) === '\n\n') cut += 2;
    ta.setRangeText(replacement, at, at + cut, 'preserve');
    var delta = replacement.length - cut;
    if (start > at) ta.setSelectionRange(start + delta, end + delta);
    onFormChange();
  }

  /** 把光标移到正文第 n 行（从 1 数），并滚到那里。 */
  function goToBodyLine(n) {
    var ta = ed.textarea;
    var lines = ta.value.split('\n');
    var index = Math.max(0, Math.min(lines.length - 1, n - 1));
    var pos = 0;
    for (var i = 0; i < index; i++) pos += lines[i].length + 1;
    ta.focus();
    ta.setSelectionRange(pos, pos + lines[index].length);
    // 用一个同样宽的隐藏文本框量出这一行在多高的地方。
    var probe = ta.cloneNode(false);
    probe.removeAttribute('id');
    probe.style.cssText = 'position:absolute;visibility:hidden;height:0;min-height:0;left:-9999px;width:' + ta.clientWidth + 'px';
    probe.value = ta.value.slice(0, pos);
    document.body.appendChild(probe);
    var top = probe.scrollHeight;
    document.body.removeChild(probe);
    ta.scrollTop = Math.max(0, top - ta.clientHeight / 3);
  }

  // ───────────────────────── 编辑页 ─────────────────────────

  function leaveEditor() {
    if (ed && ed.dirty) {
      storeUnsaved(true);
      say('没有保存的修改已暂存，可以在总览的“未保存的内容”里恢复。', 'info');
    }
    if (ed) {
      clearTimeout(ed.previewTimer);
      clearTimeout(ed.remoteTimer);
    }
    ed = null;
  }

  async function showEditor(r) {
    if (!site && !(await loadSite())) {
      clear(main);
      main.appendChild(h('p', { class: 'error-box', text: '读不到网站的内容。请看页面上方的提示。' }));
      return;
    }
    clear(main);
    main.appendChild(h('p', { class: 'loading', text: '正在打开……' }));
    var post = null;
    var column;
    if (r.name === 'edit') {
      var res = await api('GET', 'post', { query: { path: r.path } });
      if (!res.ok) {
        clear(main);
        main.appendChild(h('h1', { text: '打不开这篇文章' }));
        main.appendChild(h('p', { class: 'error-box', text: errorText(res.data, r.path + '：') }));
        main.appendChild(h('p', {}, h('a', { href: '#/', text: '回到文章总览' })));
        return;
      }
      post = res.data;
      column = columnByFolder(post.column);
      if (!column) {
        await loadSite();
        column = columnByFolder(post.column);
      }
    } else {
      column = columnByFolder(r.folder);
    }
    if (!column) {
      clear(main);
      main.appendChild(h('h1', { text: '没有这个栏目' }));
      main.appendChild(h('p', { class: 'error-box', text: '网站里没有“' + (r.folder || (post && post.column) || '') + '”这个栏目。请从文章总览选择栏目。' }));
      main.appendChild(h('p', {}, h('a', { href: '#/', text: '回到文章总览' })));
      return;
    }
    ed = {
      isNew: !post,
      path: post ? post.path : null,
      column: column.folder,
      col: column,
      key: post ? post.path : r.query.key || null,
      version: post ? post.version : null,
      url: post ? post.url : null,
      files: post ? post.files || [] : [],
      findings: post ? post.findings || [] : [],
      problems: post ? post.problems || [] : [],
      bodyLine: post && post.body_line ? post.body_line : null,
      original: post ? post.fields || {} : {},
      originalBody: post ? post.body || '' : '',
      widgets: {},
      baseline: {},
      dirty: false,
      saving: false,
    };
    buildEditor();
    setFormValues(ed.original, ed.originalBody);
    updateEditorHeader();
    if (ed.isNew) {
      // 新文章：日期先填上现在。
      column.fields.forEach(function (f) {
        if (f.type === 'datetime' && f.key === 'date' && ed.widgets.date) ed.widgets.date.set(nowLocal());
      });
    }
    // 新文章：只有日期的空表单不算修改，用户动笔以后才暂存。
    takeBaseline();
    await offerUnsaved(r);
    updateDirty();
    runPreview();
    var first = ed.widgets.title || ed.widgets[column.fields[0] && column.fields[0].key];
    if (first && ed.isNew) first.focus();
    else main.focus({ preventScroll: true });
  }

  function setFormValues(fields, body) {
    ed.col.fields.forEach(function (f) {
      var w = ed.widgets[f.key];
      if (w) w.set(fields[f.key]);
    });
    ed.textarea.value = body || '';
  }

  function takeBaseline() {
    ed.baseline = {};
    Object.keys(ed.widgets).forEach(function (k) {
      ed.baseline[k] = JSON.stringify(ed.widgets[k].get());
    });
    ed.baselineBody = ed.textarea.value;
  }

  /** 字段的值：没改过的按文件原样送回，保存时文件里那一行就不动。 */
  function collectFields() {
    var out = Object.assign({}, ed.original);
    Object.keys(ed.widgets).forEach(function (k) {
      var v = ed.widgets[k].get();
      if (JSON.stringify(v) !== ed.baseline[k] || !(k in ed.original)) out[k] = v;
    });
    return out;
  }

  function currentTitle() {
    return (ed.widgets.title && ed.widgets.title.get()) || '';
  }

  function applyDefaults(fields) {
    Object.keys(fields).forEach(function (k) {
      var w = ed.widgets[k];
      if (!w || k === 'title') return;
      if (JSON.stringify(w.get()) === ed.baseline[k] && fields[k] !== null && fields[k] !== undefined && fields[k] !== '') {
        w.set(fields[k]);
      }
    });
    ed.original = Object.assign({}, fields, ed.original);
  }

  function buildEditor() {
    var col = ed.col;
    clear(main);
    var page = h('div', { class: 'editor' });
    var left = h('div', { class: 'editor-main' });
    var right = h('div', { class: 'editor-side' });
    page.appendChild(left);
    page.appendChild(right);

    ed.headerTitle = h('h1', { class: 'editor-title' });
    ed.headerMeta = h('p', { class: 'editor-meta' });
    left.appendChild(
      h('nav', { class: 'breadcrumb', 'aria-label': '位置' }, [h('a', { href: '#/', text: '文章总览' }), h('span', { 'aria-hidden': 'true', text: ' › ' }), h('span', { text: col.title })])
    );
    left.appendChild(ed.headerTitle);
    left.appendChild(ed.headerMeta);
    ed.restoreBox = h('div', { class: 'restore-box', hidden: true });
    left.appendChild(ed.restoreBox);
    ed.errorSummary = h('div', { class: 'error-box', hidden: true, tabindex: '-1' });
    left.appendChild(ed.errorSummary);

    var form = h('form', { class: 'post-form', novalidate: true, 'aria-labelledby': 'editor-title' });
    ed.headerTitle.id = 'editor-title';
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      save();
    });
    var fieldsBox = h('fieldset', { class: 'fields' }, [
      h('legend', { class: 'visually-hidden', text: '文章信息' }),
      h('p', { class: 'field field-wide field-static' }, [h('span', { class: 'static-label', text: '栏目' }), h('span', { class: 'static-value', text: col.title + '（' + (col.kind_label || col.kind) + '）' })]),
    ]);
    if (col.fields.some(function (f) {
      return f.required;
    })) fieldsBox.appendChild(h('p', { class: 'hint field-wide', text: '带 * 的必须填写。' }));
    // 标题、姓名、日期在正文上面，其余设置在正文下面：打开文章多半是为了写正文。
    var PRIMARY = ['title', 'name', 'date'];
    var moreBox = h('fieldset', { class: 'fields more-fields' }, [h('legend', { class: 'more-legend', text: '更多设置' })]);
    col.fields.forEach(function (f) {
      var w = makeField(f, onFormChange);
      ed.widgets[f.key] = w;
      if (f.type === 'textarea' || f.type === 'attachments' || f.type === 'members' || f.key === 'title') w.node.classList.add('field-wide');
      (PRIMARY.indexOf(f.key) >= 0 ? fieldsBox : moreBox).appendChild(w.node);
    });
    form.appendChild(fieldsBox);

    // 正文
    var bodySection = h('div', { class: 'body-box' });
    var toolbar = h('div', { class: 'toolbar', role: 'group', 'aria-label': '正文格式' });
    [
      ['heading', '小标题', '在这一行前面加 ##，成为小标题'],
      ['bold', '加粗', '把选中的文字加粗'],
      ['list', '列表', '把选中的几行变成列表'],
      ['table', '表格', '插入一个表格，照样子填写'],
      ['link', '链接', '链接到本站的另一篇文章或一个网址'],
      ['image', '图片', '上传照片并插入正文'],
      ['gallery', '图集', '上传几张照片，排成图集'],
    ].forEach(function (t) {
      toolbar.appendChild(
        h('button', {
          type: 'button',
          class: 'tool',
          title: t[2],
          'data-tool': t[0],
          text: t[1],
          onclick: function () {
            TOOLS[t[0]]();
          },
        })
      );
    });
    var ta = h('textarea', { id: 'body', class: 'input body-input', rows: 20, spellcheck: 'false', 'aria-describedby': 'body-hint' });
    ta.addEventListener('input', onFormChange);
    ta.addEventListener('paste', onPaste);
    ta.addEventListener('dragover', function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], 'Files') >= 0) {
        e.preventDefault();
        ta.classList.add('is-dropping');
      }
    });
    ta.addEventListener('dragleave', function () {
      ta.classList.remove('is-dropping');
    });
    ta.addEventListener('drop', function (e) {
      ta.classList.remove('is-dropping');
      var files = e.dataTransfer ? Array.prototype.slice.call(e.dataTransfer.files || []) : [];
      if (!files.length) return;
      e.preventDefault();
      insertPhotos(files);
    });
    ed.textarea = ta;
    bodySection.appendChild(h('label', { for: 'body', class: 'body-label', text: '正文' }));
    bodySection.appendChild(toolbar);
    bodySection.appendChild(ta);
    bodySection.appendChild(h('p', { class: 'hint', id: 'body-hint', text: '段落之间空一行。可以直接粘贴 Word、WPS 的内容，格式会自动整理；照片可以拖到这里。' }));
    form.appendChild(bodySection);
    if (moreBox.children.length > 1) form.appendChild(moreBox);

    // 保存栏
    ed.saveState = h('span', { class: 'save-state' });
    ed.previewLink = h('a', { class: 'button', target: '_blank', rel: 'noopener', hidden: true }, ['打开预览页', h('span', { class: 'visually-hidden', text: '（在新窗口打开）' })]);
    var actions = h('div', { class: 'form-actions' }, [
      h('button', { type: 'submit', class: 'button button-primary', id: 'save-button', text: '保存' }),
      ed.saveState,
      h('span', { class: 'spacer' }),
      ed.previewLink,
    ]);
    if (!ed.isNew) {
      actions.appendChild(h('button', { type: 'button', class: 'button button-danger', text: '删除', onclick: deletePost }));
    }
    form.appendChild(actions);
    left.appendChild(form);

    // 旁边：检查结果和预览
    ed.checkBox = h('section', { class: 'panel check-panel', 'aria-labelledby': 'check-title' });
    right.appendChild(ed.checkBox);
    ed.previewProblems = h('div', { class: 'preview-problems' });
    ed.frame = h('iframe', { class: 'preview-frame', title: '预览', sandbox: 'allow-same-origin' });
    right.appendChild(
      h('section', { class: 'panel preview-panel', 'aria-labelledby': 'preview-title' }, [
        h('h2', { id: 'preview-title', class: 'small-heading', text: '预览' }),
        ed.previewProblems,
        ed.frame,
      ])
    );
    main.appendChild(page);
    updateEditorHeader();
    renderChecks();
  }

  function updateEditorHeader() {
    if (!ed) return;
    var title = currentTitle();
    ed.headerTitle.textContent = ed.isNew ? '新建文章' + (title ? '：' + title : '') : '编辑：' + (title || ed.path);
    document.title = (ed.isNew ? '新建文章' : '编辑：' + (title || ed.path)) + ' · 同心写作台';
    ed.headerMeta.textContent = ed.path ? '文件：' + ed.path : '保存时按标题起文件名。';
    if (ed.url) {
      ed.previewLink.href = previewHref(ed.url);
      ed.previewLink.hidden = false;
    }
  }

  function updateDirty() {
    var dirty = ed.textarea.value !== ed.baselineBody;
    if (!dirty) {
      var keys = Object.keys(ed.widgets);
      for (var i = 0; i < keys.length; i++) {
        if (JSON.stringify(ed.widgets[keys[i]].get()) !== ed.baseline[keys[i]]) {
          dirty = true;
          break;
        }
      }
    }
    ed.dirty = dirty;
    ed.saveState.textContent = dirty ? '有修改还没保存（已暂存在这台电脑上）' : ed.isNew ? '还没有保存' : '已保存';
    ed.saveState.className = 'save-state' + (dirty ? ' is-dirty' : '');
    return dirty;
  }

  function onFormChange() {
    if (!ed) return;
    var dirty = updateDirty();
    updateEditorHeader();
    if (dirty) storeUnsaved(false);
    else {
      // 改回了原样：暂存的内容不需要了。
      dropLocal(ed.key || '');
    }
    schedulePreview();
  }

  /** 暂存：本机马上存一份，服务器最多每 2 秒一次。now 为真时马上发给服务器。 */
  function storeUnsaved(now) {
    if (!ed) return;
    if (!ed.key) {
      ed.key = randomKey();
      // 网址里记下编号，刷新页面后还能找回这篇新文章。离开时网址已经是别的页面了，不能改。
      var r = parseRoute();
      if (ed.isNew && r && r.name === 'new' && !r.query.key) replaceHash('#/new/' + encodeURI(ed.column) + '?key=' + encodeURIComponent(ed.key));
    }
    var draft = {
      key: ed.key,
      path: ed.isNew ? null : ed.path,
      column: ed.column,
      fields: collectFields(),
      body: ed.textarea.value,
      version: ed.version,
      title: currentTitle(),
      saved_at: new Date().toISOString(),
    };
    writeLocal(draft);
    var e = ed;
    var send = function () {
      if (ed !== e && !now) return;
      e.remotePending = false;
      var latest = readLocal(e.key) || draft;
      api('PUT', 'unsaved', {
        json: { key: latest.key, path: latest.path, column: latest.column, fields: latest.fields, body: latest.body, version: latest.version },
      });
    };
    if (now) {
      clearTimeout(e.remoteTimer);
      e.remoteTimer = null;
      send();
      return;
    }
    if (e.remoteTimer) {
      e.remotePending = true;
      return;
    }
    send();
    e.remoteTimer = setTimeout(function tick() {
      e.remoteTimer = null;
      if (e.remotePending && ed === e && e.dirty) {
        send();
        e.remoteTimer = setTimeout(tick, 2000);
      }
    }, 2000);
  }

  /** 打开文章时：有比文件新的未保存内容，问要不要恢复。 */
  async function offerUnsaved(r) {
    if (!ed.key) return;
    var local = readLocal(ed.key);
    var remote = null;
    var res = await api('GET', 'unsaved', { query: { key: ed.key } });
    if (res.ok && res.data && (res.data.body !== undefined || res.data.fields)) remote = res.data;
    var draft = local;
    if (remote && (!local || (Date.parse(remote.saved_at) || 0) > (Date.parse(local.saved_at) || 0))) draft = remote;
    if (!draft) return;
    var fields = draft.fields || {};
    var differs = (draft.body || '') !== ed.textarea.value || !same(normalizeFields(fields), normalizeFields(collectFields()));
    if (!differs) {
      discardUnsaved();
      return;
    }
    var apply = function () {
      setFormValues(Object.assign({}, ed.original, fields), draft.body || '');
      // 暂存的内容是在旧版本上改的：保存时让服务器比较，文件在这之后被改过就会提示冲突。
      if (draft.version) ed.version = draft.version;
      clear(ed.restoreBox);
      ed.restoreBox.hidden = true;
      onFormChange();
      say('已恢复未保存的内容。确认无误后请保存。', 'ok');
      ed.textarea.focus();
    };
    if (ed.isNew || r.query.restore === '1') {
      apply();
      return;
    }
    clear(ed.restoreBox);
    ed.restoreBox.hidden = false;
    ed.restoreBox.appendChild(h('h2', { class: 'small-heading', text: '这篇文章有没保存的内容' }));
    ed.restoreBox.appendChild(
      h('p', { text: '上次' + (draft.saved_at ? '（' + fmtTime(draft.saved_at) + '）' : '') + '的修改没有保存。要恢复这些修改，还是放弃它们、用文件里现在的内容？' })
    );
    ed.restoreBox.appendChild(
      h('div', { class: 'inline-row' }, [
        h('button', { type: 'button', class: 'button button-primary', text: '恢复未保存的内容', onclick: apply }),
        h('button', {
          type: 'button',
          class: 'button',
          text: '放弃',
          onclick: function () {
            discardUnsaved();
            clear(ed.restoreBox);
            ed.restoreBox.hidden = true;
            say('已放弃未保存的内容。', 'info');
            ed.textarea.focus();
          },
        }),
      ])
    );
    say('这篇文章有上次没保存的内容，可以恢复。', 'info');
  }

  function normalizeFields(fields) {
    var out = {};
    Object.keys(fields || {})
      .sort()
      .forEach(function (k) {
        var v = fields[k];
        if (v === '' || v === undefined || (Array.isArray(v) && !v.length) || v === false) v = null;
        out[k] = v;
      });
    return out;
  }

  function discardUnsaved() {
    if (!ed || !ed.key) return;
    dropLocal(ed.key);
    api('DELETE', 'unsaved', { query: { key: ed.key } });
  }

  // ───────────────────────── 预览 ─────────────────────────

  function schedulePreview() {
    clearTimeout(ed.previewTimer);
    ed.previewTimer = setTimeout(runPreview, 400);
  }

  async function runPreview() {
    if (!ed) return;
    var e = ed;
    e.previewSeq = (e.previewSeq || 0) + 1;
    var seq = e.previewSeq;
    var res = await api('POST', 'preview', { json: { path: e.path, column: e.column, fields: collectFields(), body: e.textarea.value } });
    if (ed !== e || seq !== e.previewSeq) return;
    clear(e.previewProblems);
    if (!res.ok) {
      e.previewProblems.appendChild(h('p', { class: 'error-box', text: errorText(res.data, '预览失败：') }));
      return;
    }
    var problems = res.data.problems || [];
    if (problems.length) {
      var box = h('div', { class: 'error-box' }, [h('p', { text: res.data.html ? '这篇文章有问题，发布前请改好：' : '这篇文章现在生成不了页面（下面是上一次的预览）：' })]);
      var list = h('ul', { class: 'problem-list' });
      problems.forEach(function (p) {
        list.appendChild(
          h('li', {}, [
            lineButton(p.line, p.field),
            document.createTextNode((p.message || '') + (p.hint ? ' 改法：' + p.hint : '')),
          ])
        );
      });
      box.appendChild(list);
      e.previewProblems.appendChild(box);
    }
    if (res.data.html) {
      var frame = e.frame;
      var y = 0;
      try {
        y = frame.contentWindow ? frame.contentWindow.scrollY : 0;
      } catch (err) {
        y = 0;
      }
      var restore = function () {
        frame.removeEventListener('load', restore);
        try {
          if (y) frame.contentWindow.scrollTo(0, y);
        } catch (err) {
          /* 读不到预览的滚动位置：从头显示 */
        }
      };
      frame.addEventListener('load', restore);
      frame.srcdoc = res.data.html;
    }
  }

  // ───────────────────────── 检查结果 ─────────────────────────

  function lineButton(line, field) {
    if (!line && !field) return null;
    return h('button', {
      type: 'button',
      class: 'line-link',
      text: line ? '第 ' + line + ' 行' : '去填写',
      onclick: function () {
        jumpTo(line, field);
      },
    });
  }

  var RULE_FIELDS = {
    'meta-date': 'date',
    'meta-future': 'date',
    'meta-title-dup': 'title',
    'meta-source': 'source',
    'meta-author': 'author',
    'link-attachment': 'attachments',
    'meta-attachment-size': 'attachments',
  };

  /** 跳到文件的第 line 行：在正文里就移动光标；在文件开头的设置里就转到对应的字段。 */
  function jumpTo(line, field, rule) {
    if (!ed) return;
    var bodyLine = ed.bodyLine;
    if (field && ed.widgets[field]) {
      ed.widgets[field].focus();
      return;
    }
    if (bodyLine && line >= bodyLine) {
      goToBodyLine(line - bodyLine + 1);
      return;
    }
    var key = (rule && RULE_FIELDS[rule]) || null;
    if (key && ed.widgets[key]) {
      ed.widgets[key].focus();
      return;
    }
    if (!bodyLine) {
      // 不知道正文从哪一行开始：按文件开头的设置数估计。
      goToBodyLine(Math.max(1, line - estimateFrontLines()));
      return;
    }
    var firstKey = ed.col.fields[0] && ed.col.fields[0].key;
    if (firstKey && ed.widgets[firstKey]) ed.widgets[firstKey].focus();
  }

  function estimateFrontLines() {
    var n = 2;
    var fields = ed.original || {};
    Object.keys(fields).forEach(function (k) {
      var v = fields[k];
      if (v === null || v === undefined || v === false || (Array.isArray(v) && !v.length)) return;
      n += Array.isArray(v) && v.length && typeof v[0] === 'object' ? v.length * 2 + 1 : 1;
    });
    return n + 1;
  }

  function renderChecks() {
    var box = ed.checkBox;
    clear(box);
    var head = h('div', { class: 'panel-head' }, [
      h('h2', { id: 'check-title', class: 'small-heading', text: '发布前检查' }),
      ed.path && !ed.isNew
        ? h('button', {
            type: 'button',
            class: 'button button-quiet',
            text: '重新检查',
            onclick: async function () {
              say('正在检查……', 'info');
              var res = await api('GET', 'check', { query: { path: ed.path } });
              if (!res.ok) {
                say(errorText(res.data, '检查失败：'), 'error');
                return;
              }
              ed.findings = res.data.findings || [];
              renderChecks();
              say(ed.findings.length ? '检查完毕，有 ' + ed.findings.length + ' 条提醒。' : '检查完毕，没有发现问题。', 'ok');
            },
          })
        : null,
    ]);
    box.appendChild(head);
    var items = [];
    (ed.problems || []).forEach(function (p) {
      items.push({ line: p.line, level: 'error', message: p.message, fix: p.hint, field: p.field });
    });
    (ed.findings || []).forEach(function (f) {
      items.push(f);
    });
    if (!items.length) {
      box.appendChild(h('p', { class: 'empty', text: ed.isNew ? '保存后在这里显示检查结果。' : '没有发现问题。' }));
      return;
    }
    var list = h('ul', { class: 'finding-list' });
    items.forEach(function (f) {
      var level = LEVELS[f.level] || '提示';
      list.appendChild(
        h('li', { class: 'finding finding-' + (f.level || 'notice') }, [
          h('button', {
            type: 'button',
            class: 'finding-jump',
            onclick: function () {
              jumpTo(f.line, f.field, f.rule);
            },
          }, [h('span', { class: 'finding-level', text: level }), f.line ? h('span', { class: 'finding-line', text: '第 ' + f.line + ' 行' }) : null, h('span', { class: 'finding-message', text: f.message || '' })]),
          f.fix ? h('p', { class: 'finding-fix', text: '改法：' + f.fix }) : null,
        ])
      );
    });
    box.appendChild(list);
  }

  // ───────────────────────── 保存 ─────────────────────────

  function clearErrors() {
    Object.keys(ed.widgets).forEach(function (k) {
      ed.widgets[k].setError('');
    });
    ed.textarea.removeAttribute('aria-invalid');
    clear(ed.errorSummary);
    ed.errorSummary.hidden = true;
  }

  function showProblems(problems, heading) {
    var general = [];
    var firstField = null;
    problems.forEach(function (p) {
      var w = p.field && ed.widgets[p.field];
      var text = sentence(p.message || '') + (p.hint ? '改法：' + sentence(p.hint) : '');
      if (w) {
        w.setError(text);
        if (!firstField) firstField = w;
      } else {
        general.push(p);
      }
    });
    if (general.length || !firstField) {
      ed.errorSummary.hidden = false;
      ed.errorSummary.appendChild(h('h2', { class: 'small-heading', text: heading }));
      var list = h('ul', { class: 'problem-list' });
      general.forEach(function (p) {
        list.appendChild(h('li', {}, [lineButton(p.line, p.field), document.createTextNode((p.message || '') + (p.hint ? ' 改法：' + p.hint : ''))]));
      });
      ed.errorSummary.appendChild(list);
      if (general.some(function (p) {
        return p.line && ed.bodyLine && p.line >= ed.bodyLine;
      })) ed.textarea.setAttribute('aria-invalid', 'true');
    }
    if (firstField) firstField.focus();
    else ed.errorSummary.focus();
  }

  function checkRequired() {
    var missing = [];
    ed.col.fields.forEach(function (f) {
      if (!f.required) return;
      var v = ed.widgets[f.key] && ed.widgets[f.key].get();
      if (v === null || v === '' || (Array.isArray(v) && !v.length)) missing.push({ field: f.key, message: '请填写' + (f.label || f.key) + '。' });
    });
    return missing;
  }

  async function save(overrideVersion) {
    if (!ed || ed.saving) return;
    var e = ed;
    clearErrors();
    var missing = checkRequired();
    if (missing.length) {
      say('还没有保存：有 ' + missing.length + ' 项必填的没有填写。', 'error');
      showProblems(missing, '请先填写');
      return;
    }
    e.saving = true;
    try {
      if (e.isNew && !e.planned) e.path = null; // 还没上传过文件：按现在的标题起文件名
      var path = await ensurePath();
      if (!path) return;
      var payload = {
        path: path,
        new: e.isNew,
        column: e.column,
        fields: collectFields(),
        body: e.textarea.value,
        version: overrideVersion !== undefined ? overrideVersion : e.version,
        key: e.key,
      };
      say('正在保存……', 'info');
      var res = await api('POST', 'save', { json: payload });
      if (ed !== e) return;
      if (res.status === 409 && res.data && res.data.disk) {
        say('没有保存：' + sentence(res.data.error || '文件在别处被改过。'), 'error');
        await conflict(payload, res.data);
        return;
      }
      if (res.status === 400) {
        say('没有保存：' + sentence(res.data.error || '有几处需要改。') + sentence(res.data.hint || ''), 'error');
        showProblems(res.data.problems || [], '要改好这些地方才能保存');
        return;
      }
      if (!res.ok) {
        say(errorText(res.data, '没有保存：'), 'error');
        return;
      }
      saved(payload, res.data);
    } finally {
      e.saving = false;
    }
  }

  function saved(payload, data) {
    var oldKey = ed.key;
    var wasNew = ed.isNew;
    ed.isNew = false;
    ed.planned = false;
    ed.path = data.path || payload.path;
    ed.version = data.version;
    ed.url = data.url || ed.url;
    ed.findings = data.findings || [];
    ed.problems = [];
    if (data.body_line) ed.bodyLine = data.body_line;
    ed.original = payload.fields;
    ed.key = ed.path;
    clearTimeout(ed.remoteTimer);
    ed.remoteTimer = null;
    ed.remotePending = false;
    if (oldKey) dropLocal(oldKey);
    dropLocal(ed.path);
    if (oldKey && oldKey !== ed.path) api('DELETE', 'unsaved', { query: { key: oldKey } });
    takeBaseline();
    updateDirty();
    if (wasNew) {
      replaceHash(editHash(ed.path));
      // 删除按钮等只有已保存的文章才有：重画一遍。
      var scrollY = window.scrollY;
      var body = ed.textarea.value;
      var selection = [ed.textarea.selectionStart, ed.textarea.selectionEnd];
      var fields = collectFields();
      buildEditor();
      setFormValues(fields, body);
      takeBaseline();
      updateDirty();
      ed.textarea.setSelectionRange(selection[0], selection[1]);
      window.scrollTo(0, scrollY);
      var saveButton = document.getElementById('save-button');
      if (saveButton) saveButton.focus();
      runPreview();
    }
    updateEditorHeader();
    renderChecks();
    var href = previewHref(ed.url);
    say('已保存' + (ed.findings.length ? '，发布前检查有 ' + ed.findings.length + ' 条提醒' : '') + '。', 'ok', href ? { href: href, text: '打开预览页', external: true } : null);
    // 概览里的文章列表下次打开时重新读取。
    site = site && Object.assign({}, site);
  }

  function versionText(fields, body) {
    var lines = [];
    ed.col.fields.forEach(function (f) {
      var v = fields[f.key];
      if (v === null || v === undefined || v === '' || v === false || (Array.isArray(v) && !v.length)) return;
      var shown;
      if (Array.isArray(v)) {
        shown = v
          .map(function (x) {
            return typeof x === 'object' ? x.file + (x.title ? '（' + x.title + '）' : '') : memberName(x) || x;
          })
          .join('、');
      } else if (v === true) shown = '是';
      else shown = String(v);
      lines.push((f.label || f.key) + '：' + shown);
    });
    return lines.join('\n') + '\n\n' + (body || '');
  }

  /** 文件在磁盘上被改过：两份并排给用户看，由用户决定。 */
  async function conflict(payload, data) {
    var disk = data.disk;
    var mineText = versionText(payload.fields, payload.body);
    var diskText = versionText(disk.fields || {}, disk.body || '');
    var mineId = uid('mine');
    var diskId = uid('disk');
    var choice = await openDialog({
      title: '文件在别处被改过',
      wide: true,
      body: [
        h('p', { text: sentence(data.error || '你打开这篇文章以后，文件在磁盘上被改过（可能有人用别的编辑器改了它）。') + '请对照两份内容，选一份保存。' }),
        h('div', { class: 'compare' }, [
          h('section', { class: 'compare-side', 'aria-labelledby': mineId }, [h('h3', { id: mineId, text: '我的版本（写作台里的）' }), h('pre', { class: 'compare-text', tabindex: '0', text: mineText })]),
          h('section', { class: 'compare-side', 'aria-labelledby': diskId }, [h('h3', { id: diskId, text: '磁盘上的版本' }), h('pre', { class: 'compare-text', tabindex: '0', text: diskText })]),
        ]),
        h('p', { class: 'hint', text: '选“用我的版本覆盖”，磁盘上的修改会被替换；选“采用磁盘上的版本”，写作台里没保存的修改会被替换。拿不准时可以先复制需要的文字。' }),
      ],
      buttons: [
        { label: '用我的版本覆盖', value: 'mine', primary: true },
        { label: '采用磁盘上的版本', value: 'disk' },
        { label: '先不决定', value: null },
      ],
    });
    if (!ed) return;
    if (choice === 'mine') {
      ed.saving = false;
      await save(disk.version);
    } else if (choice === 'disk') {
      ed.original = disk.fields || {};
      ed.version = disk.version;
      setFormValues(ed.original, disk.body || '');
      takeBaseline();
      discardUnsaved();
      updateDirty();
      updateEditorHeader();
      runPreview();
      say('已换成磁盘上的版本。', 'ok');
    } else {
      say('还没有保存。改好后再按“保存”，会再次对照。', 'info');
    }
  }

  async function deletePost() {
    if (!ed || ed.isNew) return;
    var title = currentTitle() || ed.path;
    var ok = await confirmDialog(
      '删除文章',
      '确定删除《' + title + '》吗？文章和它的图片、附件会移到回收站，需要时可以在文章总览的“回收站”里恢复。',
      '删除',
      '取消',
      true
    );
    if (!ok) return;
    var res = await api('POST', 'delete', { json: { path: ed.path, version: ed.version } });
    if (res.status === 409) {
      say('没有删除：文件在别处被改过。请刷新页面看看最新的内容，再决定是否删除。', 'error');
      return;
    }
    if (!res.ok) {
      say(errorText(res.data, '没有删除：'), 'error');
      return;
    }
    discardUnsaved();
    ed = null;
    location.hash = '#/';
    say('已删除《' + title + '》。它在回收站里，可以恢复。', 'ok');
  }

  // ───────────────────────── 全局 ─────────────────────────

  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 's' || e.key === 'S')) {
      if (!ed) return;
      e.preventDefault();
      save();
    }
  });

  window.addEventListener('beforeunload', function (e) {
    if (ed && ed.dirty) {
      storeUnsaved(true);
      e.preventDefault();
      e.returnValue = '';
      return '';
    }
    return undefined;
  });

  window.addEventListener('hashchange', route);

  if (!window.fetch || !window.Promise) {
    clear(main);
    main.appendChild(h('p', { class: 'error-box', text: '这个浏览器太旧，用不了写作台。请换用新版的 Chrome、Edge、360 或 QQ 浏览器（极速模式）。' }));
    return;
  }
  if (!TOKEN || TOKEN.indexOf('{{') === 0) {
    say('页面缺少通行码，写作台无法保存。请从 tongxin serve 显示的写作台地址打开本页。', 'error');
  }
  loadSite().then(function () {
    var r = parseRoute();
    if (r && (r.name === 'edit' || r.name === 'new')) showEditor(r);
    else showOverview();
  });
})();
