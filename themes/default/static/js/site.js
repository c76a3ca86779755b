/* 同心默认主题的页面脚本：大字模式、高对比度、正文字号和打印。
   只是锦上添花：没有脚本时，所有内容照样能读、能点、能打印。
   访客的选择存在本机浏览器里（localStorage），不发送到任何地方。 */
(function () {
  "use strict";
  var KEY = "tongxin-prefs";
  var root = document.documentElement;

  function load() {
    try {
      return JSON.parse(localStorage.getItem(KEY)) || {};
    } catch (e) {
      return {};
    }
  }

  function save(name, value) {
    var prefs = load();
    prefs[name] = value;
    try {
      localStorage.setItem(KEY, JSON.stringify(prefs));
    } catch (e) {
      /* 隐私模式下存不了，本页仍然生效 */
    }
  }

  // 大字模式、高对比度：开关 <html> 上的同名 class。
  Array.prototype.forEach.call(document.querySelectorAll("[data-pref]"), function (button) {
    var name = button.getAttribute("data-pref");
    button.hidden = false;
    button.setAttribute("aria-pressed", String(root.classList.contains(name)));
    button.addEventListener("click", function () {
      var on = !root.classList.contains(name);
      root.classList.toggle(name, on);
      button.setAttribute("aria-pressed", String(on));
      save(name, on);
    });
  });

  // 正文字号：大、中、小。
  var sizes = document.querySelectorAll("[data-font-size]");
  function showSize(size) {
    Array.prototype.forEach.call(sizes, function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-font-size") === size));
    });
  }
  if (sizes.length) {
    showSize(root.getAttribute("data-font-size") || "medium");
    Array.prototype.forEach.call(sizes, function (button) {
      button.addEventListener("click", function () {
        var size = button.getAttribute("data-font-size");
        root.setAttribute("data-font-size", size);
        showSize(size);
        save("fontSize", size);
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-action=print]"), function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll(".article-tools"), function (tools) {
    tools.hidden = false;
  });
})();
