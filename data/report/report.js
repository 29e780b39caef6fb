// Open the folded block that holds a linked line, and record what the page shows (for tests).
(function () {
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    if (target) target.scrollIntoView({block: "center"});
  }
  window.addEventListener("hashchange", reveal);
  var body = document.body;
  var provinces = {};
  document.querySelectorAll("[data-province]").forEach(function (el) {
    if (el.dataset.province) provinces[el.dataset.province] = true;
  });
  body.dataset.documents = document.querySelectorAll("tr.doc-row").length;
  body.dataset.charts = document.querySelectorAll("svg.chart").length;
  body.dataset.provinces = Object.keys(provinces).length;
  body.dataset.comparedProvinces = document.querySelectorAll("#matrix tr.matrix-row").length;
  body.dataset.agencies = document.querySelectorAll("details.agency").length;
  body.dataset.deadlines = document.querySelectorAll("tr.deadline-row").length;
  body.dataset.rendered = "1";
  reveal();
})();
