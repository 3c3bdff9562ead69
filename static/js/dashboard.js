// The heads' dashboard: draws the charts from the numbers the page carries in
// <script type="application/json" id="dashboard-data"> (Django's json_script: the Content
// Security Policy allows no inline script), shows the date fields the chosen period needs, and
// lets an export form's refusal (HTTP 400) replace the export status so the head reads why.
//
// Chart.js (static/vendor/chartjs, MIT) is served by the desk itself: no CDN. Money comes as
// text with two decimals; it is turned into a number here for plotting only, and the tables
// on the page keep the exact figures.
(function () {
  "use strict";

  var INK = "#1d2430";
  var ACCENT = "#1f5fbf";
  var OK = "#1d7a46";
  var WARN = "#a86400";
  var LINE = "#d9dee7";

  function number(text) {
    if (text === null || text === undefined) return null;
    var value = parseFloat(text);
    return isNaN(value) ? null : value;
  }

  function options(extra) {
    var base = {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { labels: { color: INK } } },
      scales: {
        x: { ticks: { color: INK }, grid: { color: LINE } },
        y: { beginAtZero: true, ticks: { color: INK }, grid: { color: LINE } },
      },
    };
    return Object.assign(base, extra || {});
  }

  function drawOrders(canvas, data) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.days,
        datasets: [
          {
            type: "bar",
            label: data.labels.orders,
            data: data.orders,
            backgroundColor: ACCENT,
            yAxisID: "y",
          },
          {
            type: "line",
            label: data.labels.value,
            data: data.values.map(number),
            borderColor: OK,
            backgroundColor: OK,
            yAxisID: "value",
            tension: 0.2,
          },
        ],
      },
      options: options({
        scales: {
          x: { ticks: { color: INK }, grid: { color: LINE } },
          y: {
            beginAtZero: true,
            position: "left",
            ticks: { color: INK, precision: 0 },
            title: { display: true, text: data.labels.orders, color: INK },
            grid: { color: LINE },
          },
          value: {
            beginAtZero: true,
            position: "right",
            ticks: { color: INK },
            title: { display: true, text: data.labels.value, color: INK },
            grid: { drawOnChartArea: false },
          },
        },
      }),
    });
  }

  function drawConversion(canvas, data) {
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: data.days,
        datasets: [
          {
            label: data.labels.conversion,
            data: data.conversion.map(number),
            borderColor: WARN,
            backgroundColor: WARN,
            spanGaps: true,
            tension: 0.2,
          },
        ],
      },
      options: options({
        scales: {
          x: { ticks: { color: INK }, grid: { color: LINE } },
          y: { beginAtZero: true, suggestedMax: 100, ticks: { color: INK }, grid: { color: LINE } },
        },
      }),
    });
  }

  function drawManagers(canvas, data) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.managers.map(function (row) {
          return row.name;
        }),
        datasets: [
          {
            label: data.labels.value,
            data: data.managers.map(function (row) {
              return number(row.value);
            }),
            backgroundColor: OK,
          },
        ],
      },
      options: options({ indexAxis: "y", plugins: { legend: { display: false } } }),
    });
  }

  function drawCharts() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [
      ["chart-orders", drawOrders],
      ["chart-conversion", drawConversion],
      ["chart-managers", drawManagers],
    ];
    charts.forEach(function (pair) {
      var canvas = document.getElementById(pair[0]);
      if (!canvas) return;
      var existing = window.Chart.getChart(canvas);
      if (existing) existing.destroy();
      pair[1](canvas, data);
    });
  }

  // Only the date fields the chosen period reads: "on" for a day, week or month; "from" and
  // "to" for a custom period. Without JavaScript every field shows and the server sorts it out.
  function showPeriodFields() {
    var select = document.getElementById("filter-period");
    if (!select) return;
    var custom = select.value === "custom";
    ["filter-on"].forEach(function (id) {
      toggle(id, !custom);
    });
    ["filter-start", "filter-end"].forEach(function (id) {
      toggle(id, custom);
    });
  }

  function toggle(id, visible) {
    var input = document.getElementById(id);
    if (!input) return;
    var label = document.querySelector('label[for="' + id + '"]');
    input.hidden = !visible;
    input.disabled = !visible;
    if (label) label.hidden = !visible;
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "filter-period") showPeriodFields();
  });

  // htmx swaps nothing on a 4xx by default; the export form's refusal says what to fix.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.id === "export-status") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  showPeriodFields();
  drawCharts();
})();
