/* Rankings of an evaluation round as horizontal bar charts (Chart.js, vendored).
   The data comes from the page's json_script element; every chart also has its table. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("qd-results-data");
    if (!source || !window.Chart) { return; }
    var data = JSON.parse(source.textContent);
    [["departments", "#b71c1c"], ["townships", "#5d4037"]].forEach(function (pair) {
      var canvas = document.getElementById("qd-chart-" + pair[0]);
      var series = data[pair[0]];
      if (!canvas || !series || !series.labels.length) { return; }
      var previous = window.Chart.getChart(canvas);
      if (previous) { previous.destroy(); }
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: series.labels,
          datasets: [{ label: "综合得分", data: series.totals, backgroundColor: pair[1] }]
        },
        options: {
          indexAxis: "y",
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: { x: { suggestedMin: Math.max(0, Math.min.apply(null, series.totals) - 5), suggestedMax: 100 } }
        }
      });
    });
  }
  if (window.Chart) {
    draw();
  } else {
    var library = document.getElementById("qd-chartjs");
    if (library) { library.addEventListener("load", draw); }
  }
})();
