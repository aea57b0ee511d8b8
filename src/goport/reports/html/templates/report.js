(function () {
  "use strict";
  // The ranked table: sort by a column's header, filter by strategy, score and path. The values
  // come from the rows embedded as JSON (the numbers of goport's JSON report), never from HTML.
  var table = document.getElementById("ranking");
  var source = document.getElementById("goport-rows");
  if (!table || !source) { return; }
  var byId = {};
  JSON.parse(source.textContent).rows.forEach(function (r) { byId[r.id] = r; });
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var current = { key: "rank", dir: 1 };
  var ascending = { rank: true, path: true, strategy: true, days: true };

  function compare(a, b, key, dir) {
    var x = byId[a.dataset.id][key], y = byId[b.dataset.id][key];
    if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }
    return x < y ? -dir : (x > y ? dir : 0);
  }

  function sortBy(key) {
    var dir = current.key === key ? -current.dir : (ascending[key] ? 1 : -1);
    current = { key: key, dir: dir };
    rows.sort(function (a, b) {
      return compare(a, b, key, dir) || compare(a, b, "rank", 1);
    });
    rows.forEach(function (tr) { body.appendChild(tr); });
    table.querySelectorAll("th[data-key]").forEach(function (th) {
      var on = th.dataset.key === key;
      th.setAttribute("aria-sort", on ? (dir > 0 ? "ascending" : "descending") : "none");
    });
  }

  var strategy = document.getElementById("f-strategy");
  var minimum = document.getElementById("f-score");
  var path = document.getElementById("f-path");
  var count = document.getElementById("f-count");

  function filter() {
    var s = strategy.value, least = parseFloat(minimum.value), text = path.value.toLowerCase();
    var shown = 0;
    rows.forEach(function (tr) {
      var r = byId[tr.dataset.id];
      var keep = (!s || r.strategy === s) && (isNaN(least) || r.score >= least) &&
        (!text || r.path.toLowerCase().indexOf(text) >= 0);
      tr.hidden = !keep;
      shown += keep ? 1 : 0;
    });
    count.textContent = shown + " of " + rows.length + " modules";
  }

  table.querySelectorAll("th[data-key]").forEach(function (th) {
    th.addEventListener("click", function () { sortBy(th.dataset.key); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th.dataset.key); }
    });
  });
  [strategy, minimum, path].forEach(function (el) { el.addEventListener("input", filter); });
  filter();
  // printed, every collapsed part shows
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
}());
