/**
 * The page's one script. Everything it adds is optional: filters over the checklist and the fleet's
 * matrix, sorting the matrix by a column, expand/collapse of the evidence, copy buttons for the
 * re-check commands. Without it the report reads the same. It touches only the page (no network) and
 * writes text with `textContent`, never markup from the report.
 */
export const pageScript = `(function () {
  "use strict";
  var d = document;
  function el(tag, text, attrs) {
    var e = d.createElement(tag);
    if (text) e.textContent = text;
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }
  function labelled(text, control) {
    var l = el("label", text + " ");
    l.appendChild(control);
    return l;
  }
  function select(name, options) {
    var s = el("select", "", { name: name });
    options.forEach(function (o) { s.appendChild(el("option", o[1], { value: o[0] })); });
    return s;
  }
  var order = { f: 0, e: 1, w: 2, s: 3, x: 4, p: 5, n: 6 };
  var verdictOrder = { not_ready: 0, incomplete: 1, ready_with_warnings: 2, ready: 3 };

  // The checklist of one audit: show all, or only what needs attention; a text search.
  d.querySelectorAll(".filter[data-for]").forEach(function (box) {
    var target = d.getElementById(box.getAttribute("data-for"));
    if (!target) return;
    if (target.tagName === "TABLE") return fleetFilter(box, target);
    var show = select("show", [["all", "all checks"], ["problems", "needing attention"], ["pass", "passing"]]);
    var text = el("input", "", { type: "search", name: "q", placeholder: "id or words" });
    var expand = el("button", "Expand all evidence", { type: "button" });
    function apply() {
      var q = text.value.toLowerCase();
      target.querySelectorAll("li.check").forEach(function (li) {
        var s = li.getAttribute("data-status");
        var ok = show.value === "all" || (show.value === "pass" ? s === "pass" : s === "fail" || s === "error" || s === "warn" || s === "skipped");
        li.hidden = !(ok && (q === "" || li.textContent.toLowerCase().indexOf(q) >= 0));
      });
      // A group with nothing left to show goes, heading and all.
      target.querySelectorAll("ul.checks").forEach(function (ul) {
        var any = Array.prototype.some.call(ul.children, function (li) { return !li.hidden; });
        ul.hidden = !any;
        var h = ul.previousElementSibling;
        if (h && h.tagName === "H3") h.hidden = !any;
      });
    }
    show.addEventListener("change", apply);
    text.addEventListener("input", apply);
    expand.addEventListener("click", function () {
      var all = d.querySelectorAll("details.evidence");
      var open = expand.textContent.indexOf("Expand") === 0;
      all.forEach(function (x) { x.open = open; });
      expand.textContent = open ? "Collapse all evidence" : "Expand all evidence";
    });
    box.appendChild(labelled("Show", show));
    box.appendChild(labelled("Find", text));
    if (d.querySelector("details.evidence")) box.appendChild(expand);
  });

  // The fleet's matrix: filter by verdict, tag, a check's status and name; sort by a column.
  function fleetFilter(box, table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var tags = {};
    rows.forEach(function (r) { (r.getAttribute("data-tags") || "").split(" ").forEach(function (t) { if (t) tags[t] = 1; }); });
    var verdict = select("verdict", [["", "any verdict"], ["not_ready", "Not ready"], ["incomplete", "Incomplete"], ["ready_with_warnings", "Ready, with warnings"], ["ready", "Ready"]]);
    var tag = select("tag", [["", "any tag"]].concat(Object.keys(tags).sort().map(function (t) { return [t, t]; })));
    var cols = Array.prototype.map.call(table.tHead.rows[0].querySelectorAll("th[data-col]"), function (th) { return th.getAttribute("data-col"); });
    // A cell's class is its status: f fail, e error, w warn, s skipped, x waived, p pass, n n/a.
    rows.forEach(function (r) {
      r.statuses = {};
      cols.forEach(function (c, j) { r.statuses[c] = r.cells[j + 3].className; });
    });
    var check = select("check", [["", "any check"]].concat(cols.map(function (c) { return [c, c + " not passing"]; })));
    var text = el("input", "", { type: "search", name: "q", placeholder: "target name" });
    var count = el("output", "", { "aria-live": "polite" });
    function apply() {
      var q = text.value.toLowerCase(), shown = 0;
      rows.forEach(function (r) {
        var st = r.statuses[check.value];
        var bad = check.value === "" || st === "f" || st === "e" || st === "w" || st === "s";
        var ok = (verdict.value === "" || r.getAttribute("data-verdict") === verdict.value) &&
          (tag.value === "" || (" " + r.getAttribute("data-tags") + " ").indexOf(" " + tag.value + " ") >= 0) &&
          bad && (q === "" || r.cells[0].textContent.toLowerCase().indexOf(q) >= 0);
        r.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + " of " + rows.length + " targets";
    }
    [verdict, tag, check].forEach(function (s) { s.addEventListener("change", apply); });
    text.addEventListener("input", apply);
    box.appendChild(labelled("Verdict", verdict));
    box.appendChild(labelled("Tag", tag));
    box.appendChild(labelled("Check", check));
    box.appendChild(labelled("Find", text));
    box.appendChild(count);
    apply();
    // Sorting: a header cell becomes a button; again reverses.
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var b = el("button", "", { type: "button", class: "sort" });
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      b.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var key = function (r) {
          if (index === 0 || index === 2) return r.cells[index].textContent.toLowerCase();
          if (index === 1) return verdictOrder[r.getAttribute("data-verdict")];
          var c = r.cells[index].className;
          return c in order ? order[c] : 9;
        };
        var keyed = rows.map(function (r, i) { return [key(r), i, r]; });
        keyed.sort(function (a, c) { return a[0] < c[0] ? -dir : a[0] > c[0] ? dir : a[1] - c[1]; });
        rows = keyed.map(function (k) { return k[2]; });
        var frag = d.createDocumentFragment();
        rows.forEach(function (r) { frag.appendChild(r); });
        body.appendChild(frag);
      });
    });
  }

  // Copy buttons for the re-check commands.
  if (navigator.clipboard) {
    d.querySelectorAll("code.cmd").forEach(function (code) {
      var b = el("button", "Copy", { type: "button", class: "copy", "aria-label": "Copy the command" });
      b.addEventListener("click", function () {
        navigator.clipboard.writeText(code.textContent).then(function () { b.textContent = "Copied"; }, function () { b.textContent = "Select and copy"; });
      });
      code.after(b);
    });
  }
})();
`
