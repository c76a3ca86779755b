// 同心预览服务器（tongxin serve）加到每个页面里的脚本：保存文件后自动刷新页面；
// 生成出错时在页面上方显示错误（哪个文件、第几行、怎么改），改好后自动消失。
// 只在预览时加入，tongxin build 生成的网站里没有它。
(function () {
  "use strict";
  var me = document.currentScript;
  var shown = Number(me && me.getAttribute("data-generation")) || 0;
  var overlay = null;

  function el(tag, style, text) {
    var node = document.createElement(tag);
    if (style) node.style.cssText = style;
    if (text) node.textContent = text;
    return node;
  }

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function show(errors) {
    hide();
    overlay = el("div",
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);" +
      "color:#fff;font:16px/1.6 system-ui,'PingFang SC','Microsoft YaHei',sans-serif;padding:24px");
    overlay.id = "tongxin-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "生成出错");
    var box = el("div", "max-width:60rem;margin:0 auto");
    box.appendChild(el("h2", "font-size:22px;margin:0 0 8px;color:#ffb4a8",
      "生成出错：发现 " + errors.length + " 个错误"));
    box.appendChild(el("p", "margin:0 0 16px;color:#ddd",
      "页面还是上一次成功生成的样子。按下面的提示改好文件并保存，这个提示会自动消失。"));
    errors.forEach(function (e) {
      var item = el("div", "background:#2b2b2b;border-left:4px solid #ff6b57;padding:12px 16px;margin:0 0 12px");
      item.className = "tongxin-error";
      item.appendChild(el("div", "font-family:monospace;color:#9fd3ff",
        e.file + (e.line ? "：第 " + e.line + " 行" : "")));
      item.appendChild(el("div", "font-weight:bold;margin:4px 0", e.message));
      if (e.hint) item.appendChild(el("div", "color:#ddd", "改法：" + e.hint));
      box.appendChild(item);
    });
    var close = el("button", "font:inherit;padding:8px 16px;margin-top:8px;cursor:pointer", "暂时关闭提示");
    close.type = "button";
    close.addEventListener("click", hide);
    box.appendChild(close);
    overlay.appendChild(box);
    document.body.appendChild(overlay);
  }

  function connect() {
    var source = new EventSource("/__tongxin/events");
    source.addEventListener("status", function (event) {
      var status = JSON.parse(event.data);
      if (status.errors && status.errors.length) {
        show(status.errors);
      } else if (status.generation > shown) {
        location.reload();
      } else {
        hide();
      }
    });
    source.onerror = function () {
      // The server restarted or stopped: try again shortly.
      source.close();
      setTimeout(connect, 1000);
    };
  }
  connect();
})();
