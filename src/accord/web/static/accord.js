// accord's own script: draws plotly figures whose data the page carries as JSON
// (no inline scripts: the Content-Security-Policy forbids them).
function accordPlots(root) {
  if (typeof Plotly === "undefined") return;
  (root || document).querySelectorAll("[data-figure]").forEach(function (div) {
    var source = document.getElementById(div.dataset.figure);
    if (!source || div.dataset.drawn === source.textContent.length + "") return;
    var fig = JSON.parse(source.textContent);
    Plotly.react(div, fig.data, fig.layout, {displaylogo: false, responsive: true});
    div.dataset.drawn = source.textContent.length + "";
  });
}
document.addEventListener("DOMContentLoaded", function () { accordPlots(document); });
document.addEventListener("htmx:afterSettle", function (e) { accordPlots(e.target); });
