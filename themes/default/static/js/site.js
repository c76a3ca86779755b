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
  // 图集：点缩略图在本页放大查看。没有脚本时，缩略图就是指向大图的普通链接。
  // 用原生 <dialog>：焦点留在对话框里，Esc 关闭；左右方向键切换；关闭后焦点回到原来的缩略图。
  Array.prototype.forEach.call(document.querySelectorAll("[data-gallery]"), function (gallery) {
    var links = gallery.querySelectorAll("a.gallery-link");
    if (!links.length || typeof HTMLDialogElement !== "function") {
      return;
    }
    var dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "照片查看");
    dialog.innerHTML =
      '<figure><img alt=""><figcaption></figcaption></figure>' +
      '<p class="lightbox-count" aria-live="polite"></p>' +
      '<div class="lightbox-tools">' +
      '<button type="button" data-step="-1">上一张</button>' +
      '<button type="button" data-step="1">下一张</button>' +
      '<button type="button" data-close>关闭</button></div>';
    document.body.appendChild(dialog);
    var img = dialog.querySelector("img");
    var caption = dialog.querySelector("figcaption");
    var count = dialog.querySelector(".lightbox-count");
    var current = 0;

    function show(index) {
      current = (index + links.length) % links.length;
      var link = links[current];
      var thumb = link.querySelector("img");
      img.src = link.getAttribute("href");
      img.alt = thumb ? thumb.alt : "";
      caption.textContent = link.getAttribute("data-caption") || "";
      caption.hidden = !caption.textContent;
      count.textContent = "第 " + (current + 1) + " 张，共 " + links.length + " 张";
    }

    Array.prototype.forEach.call(links, function (link, index) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        show(index);
        dialog.showModal();
      });
    });
    dialog.addEventListener("click", function (event) {
      var target = event.target;
      if (target === dialog || target.hasAttribute("data-close")) {
        dialog.close();
      } else if (target.hasAttribute("data-step")) {
        show(current + Number(target.getAttribute("data-step")));
      }
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") {
        show(current + 1);
        event.preventDefault();
      } else if (event.key === "ArrowLeft") {
        show(current - 1);
        event.preventDefault();
      } else if (event.key === "Escape") {
        dialog.close();
      }
    });
    dialog.addEventListener("close", function () {
      img.removeAttribute("src");
      links[current].focus();
    });
  });
})();
