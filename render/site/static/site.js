// The site's few helpers: add/remove 三级 rows, check's messages at the field while typing (the editor and
// 部门信息), and the editor's 保存 without leaving the page (only the preview's images are replaced).
// Served by the site itself (no CDN on the intranet); no inline script anywhere (the CSP forbids it).
// Without script every form still posts and the server answers with the whole page.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });

  function post(form, url, accept) {
    var body = new FormData(form);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": body.get("csrfmiddlewaretoken"), "Accept": accept}
    });
  }

  function show(box, items) {
    box.textContent = "";
    items.forEach(function (p) {
      var line = document.createElement("div");
      line.className = "problem " + p.severity;
      line.textContent = (p.label ? p.label + "：" : "") + (p.severity === "warning" ? "（警告）" : "") + p.message;
      box.appendChild(line);
    });
    var cell = box.parentNode;
    if (cell) { cell.classList.toggle("has-error", items.some(function (p) { return p.severity === "error"; })); }
  }

  // check's messages for what the form holds, 300 ms after the last keystroke; a late answer is dropped.
  function live(form) {
    var timer = null;
    var asked = 0;

    function place(problems) {
      var byField = {};
      problems.forEach(function (p) { (byField[p.field] = byField[p.field] || []).push(p); });
      form.querySelectorAll(".problems[data-for]").forEach(function (box) {
        show(box, byField[box.getAttribute("data-for")] || []);
      });
      Array.prototype.forEach.call(form.querySelectorAll("tr.row"), function (tr, n) {
        show(tr.querySelector(".problems"), byField["row-" + n] || []);
      });
      var all = document.getElementById("all-problems");  // the editor's list of them all, under the form
      if (all) {
        var list = all.querySelector("ul");
        list.textContent = "";
        problems.forEach(function (p) {
          var item = document.createElement("li");
          item.className = p.severity;
          item.textContent = p.text;
          list.appendChild(item);
        });
        all.querySelector(".count").textContent = String(problems.length);
        all.hidden = !problems.length;
      }
    }

    function check() {
      var mine = ++asked;
      post(form, form.getAttribute("data-check"), "application/json").then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (data) {
        if (data && mine === asked) { place(data.problems); form.setAttribute("data-checked", String(mine)); }
      });
    }

    function later() { clearTimeout(timer); timer = setTimeout(check, 300); }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function () { clearTimeout(timer); });  // the save answers for itself
    check();
  }

  // 保存 by fetch: the answer names the new preview images; they are loaded before they replace the old
  // ones, then the notice says what was done. A refused save (conflict, full disk) answers the whole page,
  // which replaces this one as a form post would.
  function saving(form) {
    var busy = false;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (busy) { return; }
      busy = true;
      var state = document.getElementById("save-state");  // beside the button, where the clerk is looking
      if (state) { state.textContent = "正在保存并重新生成……"; }
      post(form, form.getAttribute("action"), "application/json").then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === 0) { return r.json().then(shown); }
        return r.text().then(function (html) { document.open(); document.write(html); document.close(); });
      }).catch(function () { form.submit(); }).then(function () { busy = false; });
    });

    function shown(data) {
      form.querySelector('input[name="base"]').value = data.base;
      var aside = document.querySelector("aside.preview");
      var images = data.pages.map(function (src, n) {
        var img = new Image();
        img.alt = "第 " + (n + 1) + " 页";
        img.src = src;
        return img.decode().then(function () { return img; }, function () { return img; });
      });
      return Promise.all(images).then(function (loaded) {
        aside.querySelectorAll("img, p.none").forEach(function (old) { old.remove(); });
        loaded.forEach(function (img) { aside.appendChild(img); });
        if (!loaded.length) {
          var none = document.createElement("p");
          none.className = "none";
          none.textContent = data.none;
          aside.appendChild(none);
        }
        var link = aside.querySelector("h2 a");
        if (link) { link.hidden = !loaded.length; }
        var notice = document.getElementById("saved");
        if (!notice) {
          notice = document.createElement("p");
          notice.className = "notice";
          document.querySelector(".tools").before(notice);
        }
        notice.textContent = data.notice;
        notice.id = "saved";
        var state = document.getElementById("save-state");
        if (state) { state.textContent = data.notice; }
      });
    }
  }

  var editor = document.getElementById("editor");
  document.querySelectorAll("form[data-check]").forEach(live);
  if (editor) { saving(editor); }
  if (!editor) { return; }

  editor.addEventListener("click", function (e) {
    var button = e.target.closest("button");
    if (!button || !/\b(add|remove|up)\b/.test(button.className)) { return; }
    if (button.classList.contains("add")) {
      var group = button.closest("tbody");
      var tr = document.getElementById("row-template").content.firstElementChild.cloneNode(true);
      tr.querySelector('input[name="level2"]').value = group.getAttribute("data-level2");
      group.appendChild(tr);
      tr.querySelector('input[name="name"]').focus();
    }
    if (button.classList.contains("remove")) { button.closest("tr").remove(); }
    if (button.classList.contains("up")) {  // within its 二级 only: the row above, unless that is the group's head
      var row = button.closest("tr");
      var above = row.previousElementSibling;
      if (above && above.classList.contains("row")) { row.parentNode.insertBefore(row, above); }
    }
    editor.dispatchEvent(new Event("input"));  // the rows changed: check again
  });
})();
