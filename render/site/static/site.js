// The editor's few helpers: add/remove 三级 rows, and check's messages at the field while typing.
// Served by the site itself (no CDN on the intranet); no inline script anywhere (the CSP forbids it).
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  var form = document.getElementById("editor");
  if (!form) { return; }
  var timer = null;
  var asked = 0;

  function rows() { return form.querySelectorAll("tr.row"); }

  function addRow(group) {
    var tr = document.getElementById("row-template").content.firstElementChild.cloneNode(true);
    tr.querySelector('input[name="level2"]').value = group.getAttribute("data-level2");
    group.appendChild(tr);
    tr.querySelector('input[name="name"]').focus();
    later();
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

  function place(problems) {
    var byField = {};
    problems.forEach(function (p) { (byField[p.field] = byField[p.field] || []).push(p); });
    form.querySelectorAll(".problems[data-for]").forEach(function (box) {
      show(box, byField[box.getAttribute("data-for")] || []);
    });
    Array.prototype.forEach.call(rows(), function (tr, n) {
      show(tr.querySelector(".problems"), byField["row-" + n] || []);
    });
  }

  function check() {
    var mine = ++asked;
    var body = new FormData(form);
    fetch(form.getAttribute("data-check"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": body.get("csrfmiddlewaretoken")}
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data && mine === asked) { place(data.problems); form.setAttribute("data-checked", String(mine)); }
    });
  }

  function later() { clearTimeout(timer); timer = setTimeout(check, 300); }

  form.addEventListener("input", later);
  form.addEventListener("click", function (e) {
    var button = e.target.closest("button");
    if (!button) { return; }
    if (button.classList.contains("add")) { addRow(button.closest("tbody")); }
    if (button.classList.contains("remove")) { button.closest("tr").remove(); later(); }
    if (button.classList.contains("up")) {  // within its 二级 only: the row above, unless that is the group's head
      var tr = button.closest("tr");
      var above = tr.previousElementSibling;
      if (above && above.classList.contains("row")) { tr.parentNode.insertBefore(tr, above); later(); }
    }
  });
  check();
})();
