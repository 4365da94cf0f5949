// rolecheck report: sorting and filtering. The page is complete without it.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("verdicts-table");
  function sortable(t) {
    if (!t) return;
    [].forEach.call(t.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      th.title = "sort";
      var sort = function () {
        var body = t.tBodies[0], rows = [].slice.call(body.rows);
        var dir = th.getAttribute("data-dir") === "asc" ? -1 : 1;
        th.setAttribute("data-dir", dir > 0 ? "asc" : "desc");
        var num = th.className === "n";
        rows.sort(function (a, b) {
          var x = a.cells[i].textContent, y = b.cells[i].textContent;
          return (num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y)) * dir;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }
  sortable(table);
  sortable(document.getElementById("companies-table"));
  if (!form || !table) return;
  form.hidden = false;
  var el = form.elements, shown = document.getElementById("shown");
  var rows = [].slice.call(table.tBodies[0].rows);
  function apply() {
    var role = el.role.value, flag = el.flag.value;
    var company = el.company.value.trim().toLowerCase(), q = el.q.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (tr) {
      var ok = (!role || tr.getAttribute("data-role") === role) &&
        (!flag || tr.getAttribute("data-flag") === flag) &&
        (!company || tr.cells[3].textContent.toLowerCase() === company) &&
        (!q || tr.cells[2].textContent.toLowerCase().indexOf(q) >= 0);
      tr.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n;
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  [].forEach.call(document.querySelectorAll("a[data-company]"), function (a) {
    a.addEventListener("click", function () {
      form.reset();
      el.company.value = a.getAttribute("data-company");
      apply();
    });
  });
  var hash = new URLSearchParams(location.hash.slice(1));
  ["role", "flag", "company", "q"].forEach(function (k) { if (hash.has(k)) el[k].value = hash.get(k); });
  apply();
})();
