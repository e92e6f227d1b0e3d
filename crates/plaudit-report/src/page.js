// The rollout browser. The rollouts are data: they reach the page through textContent only.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("rollout-data").textContent);
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
  options(status, distinct(function (r) { return [r.status]; }));
  options(route, distinct(function (r) { return r.route ? [r.route] : []; }));
  options(comp, distinct(function (r) { return Object.keys(r.components || {}); }));

  function show(r, tr) {
    var d = $("rollout-detail");
    var prev = tbody.querySelector("tr.selected");
    if (prev) prev.classList.remove("selected");
    tr.classList.add("selected");
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

  function render() {
    var c = comp.value, m = parseFloat(min.value);
    var rows = data.filter(function (r) {
      if (status.value && r.status !== status.value) return false;
      if (route.value && r.route !== route.value) return false;
      if (c) {
        var v = (r.components || {})[c];
        if (typeof v !== "number") return false;
        if (!isNaN(m) && v < m) return false;
      }
      return true;
    });
    var key = function (r) { return typeof r.reward === "number" ? r.reward : -Infinity; };
    if (sort.value === "reward-desc") rows.sort(function (a, b) { return key(b) - key(a); });
    if (sort.value === "reward-asc") rows.sort(function (a, b) { return key(a) - key(b); });
    tbody.replaceChildren();
    rows.forEach(function (r) {
      var tr = el("tr", null, "rollout");
      tr.dataset.line = r.line;
      [r.line, JSON.stringify(r.id), r.status, r.route || "", fmt(r.reward), fmt(r.advantage)]
        .forEach(function (v) { tr.appendChild(el("td", v)); });
      tr.appendChild(el("td", r.error || "", "error"));
      tr.addEventListener("click", function () { show(r, tr); });
      tbody.appendChild(tr);
    });
    $("rollout-count").textContent = rows.length + " of " + data.length + " sampled rollouts";
  }
  [status, route, comp, sort].forEach(function (e) { e.addEventListener("change", render); });
  min.addEventListener("input", render);
  render();
})();
