// The rollout browser. The rollouts are data: they reach the page through textContent only.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("rollout-data").textContent);
  // Compare mode (plaudit report --compare): each rollout holds A's and B's results in `a`, `b`.
  var compare = document.getElementById("rollout-data").dataset.mode === "compare";
  function verdictOf(r) { return compare ? r.verdict : r.status; }
  function side(r) { return compare ? r.b : r; }
  var $ = function (id) { return document.getElementById(id); };
  var tbody = document.querySelector("#rollouts tbody");
  var status = $("filter-status"), route = $("filter-route"), comp = $("filter-component");
  var min = $("filter-min"), sort = $("sort");

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function fmt(x) { return typeof x === "number" ? String(Math.round(x * 1e4) / 1e4) : ""; }
  function options(select, values) {
    values.forEach(function (v) { var o = el("option", v); o.value = v; select.appendChild(o); });
  }
  function distinct(pick) {
    var seen = {};
    data.forEach(function (r) { pick(r).forEach(function (v) { seen[v] = true; }); });
    return Object.keys(seen).sort();
  }
  options(status, distinct(function (r) { return [verdictOf(r)]; }));
  options(route, distinct(function (r) { return r.route ? [r.route] : []; }));
  options(comp, distinct(function (r) { return Object.keys(side(r).components || {}); }));

  function show(r, tr) {
    var d = $("rollout-detail");
    var prev = tbody.querySelector("tr.selected");
    if (prev) prev.classList.remove("selected");
    tr.classList.add("selected");
    if (compare) return showPair(r, d);
    d.replaceChildren(el("h3", "line " + r.line + " · id " + JSON.stringify(r.id) + " · " + r.status +
      " · reward " + fmt(r.reward)));
    [["prompt", r.prompt], ["response", r.response], ["reference", r.reference], ["error", r.error],
     ["components", r.components], ["details", r.details], ["group", r.group], ["key", r.key],
     ["advantage", r.advantage], ["length", r.length]].forEach(function (f) {
      if (f[1] === undefined || f[1] === null) return;
      d.appendChild(el("h4", f[0]));
      d.appendChild(el("pre", typeof f[1] === "string" ? f[1] : JSON.stringify(f[1], null, 2)));
    });
  }

  // A and B side by side: the shared texts first, then each result field in two columns.
  function showPair(r, d) {
    d.replaceChildren(el("h3", "line " + r.line + " · id " + JSON.stringify(r.id) + " · " + r.verdict +
      " · A " + fmt(r.a.reward) + " → B " + fmt(r.b.reward)));
    [["prompt", r.prompt], ["response", r.response], ["reference", r.reference]].forEach(function (f) {
      if (f[1] === undefined || f[1] === null) return;
      d.appendChild(el("h4", f[0]));
      d.appendChild(el("pre", typeof f[1] === "string" ? f[1] : JSON.stringify(f[1], null, 2)));
    });
    var t = el("table", null, "pair"), head = el("tr");
    ["", "A", "B"].forEach(function (h) { head.appendChild(el("th", h)); });
    t.appendChild(head);
    ["status", "reward", "error", "components", "details", "advantage"].forEach(function (k) {
      var a = r.a[k], b = r.b[k];
      if ((a === undefined || a === null) && (b === undefined || b === null)) return;
      var tr = el("tr");
      tr.appendChild(el("th", k));
      [a, b].forEach(function (v) {
        var td = el("td");
        td.appendChild(el("pre", v === undefined || v === null ? "" :
          typeof v === "string" ? v : typeof v === "number" ? fmt(v) : JSON.stringify(v, null, 2)));
        tr.appendChild(td);
      });
      if (JSON.stringify(a) !== JSON.stringify(b)) tr.className = "changed";
      t.appendChild(tr);
    });
    d.appendChild(t);
  }

  function render() {
    var c = comp.value, m = parseFloat(min.value);
    var rows = data.filter(function (r) {
      if (status.value && verdictOf(r) !== status.value) return false;
      if (route.value && r.route !== route.value) return false;
      if (c) {
        var v = (side(r).components || {})[c];
        if (typeof v !== "number") return false;
        if (!isNaN(m) && v < m) return false;
      }
      return true;
    });
    var key = function (r) { return typeof side(r).reward === "number" ? side(r).reward : -Infinity; };
    if (sort.value === "reward-desc") rows.sort(function (a, b) { return key(b) - key(a); });
    if (sort.value === "reward-asc") rows.sort(function (a, b) { return key(a) - key(b); });
    var absDelta = function (r) { return typeof r.delta === "number" ? Math.abs(r.delta) : -Infinity; };
    if (sort.value === "delta-desc") rows.sort(function (a, b) { return absDelta(b) - absDelta(a); });
    tbody.replaceChildren();
    rows.forEach(function (r) {
      var tr = el("tr", null, "rollout");
      tr.dataset.line = r.line;
      var cells = compare
        ? [r.line, JSON.stringify(r.id), r.route || "", r.verdict, r.a.status, r.b.status, fmt(r.a.reward),
           fmt(r.b.reward), fmt(r.delta)]
        : [r.line, JSON.stringify(r.id), r.status, r.route || "", fmt(r.reward), fmt(r.advantage)];
      cells.forEach(function (v) { tr.appendChild(el("td", v)); });
      if (compare && r.flipped) tr.classList.add("flipped");
      tr.appendChild(el("td", (compare ? r.b.error || r.a.error : r.error) || "", "error"));
      tr.addEventListener("click", function () { show(r, tr); });
      tbody.appendChild(tr);
    });
    $("rollout-count").textContent = rows.length + " of " + data.length + " sampled rollouts";
  }
  [status, route, comp, sort].forEach(function (e) { e.addEventListener("change", render); });
  min.addEventListener("input", render);
  render();
})();
