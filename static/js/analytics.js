// Analytics page: draws the charts from the data the page embeds with json_script.
// Without JavaScript the page still shows the cards and the tables under each chart.
(function () {
  "use strict";
  var source = document.getElementById("analytics-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang || undefined;
  var brand = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim() || "#3b5bdb";
  var palette = [brand, "#2b8a3e", "#f59f00", "#c92a2a", "#7048e8", "#1098ad", "#e64980", "#5c940d",
    "#d9480f", "#364fc7", "#868e96"];

  function dayLabel(iso) {
    // Local calendar days: build the date from its parts, not as UTC midnight.
    var parts = iso.split("-");
    var day = new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
    return day.toLocaleDateString(lang, { day: "numeric", month: "short" });
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new window.Chart(canvas, config);
  }

  var common = { responsive: true, maintainAspectRatio: false, animation: false };

  draw("chart-daily", {
    type: "bar",
    data: {
      labels: data.days.map(dayLabel),
      datasets: [
        { type: "bar", label: data.names.views, data: data.views, backgroundColor: brand, order: 2 },
        {
          type: "line", label: data.names.visitors, data: data.visitors, borderColor: palette[1],
          backgroundColor: palette[1], tension: 0, pointRadius: data.days.length > 40 ? 0 : 2, order: 1
        }
      ]
    },
    options: Object.assign({}, common, {
      interaction: { mode: "index", intersect: false },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
    })
  });

  draw("chart-devices", {
    type: "doughnut",
    data: { labels: data.devices.labels, datasets: [{ data: data.devices.values, backgroundColor: palette }] },
    options: Object.assign({}, common, { plugins: { legend: { position: "bottom" } } })
  });

  function bars(id, series) {
    draw(id, {
      type: "bar",
      data: { labels: series.labels, datasets: [{ data: series.values, backgroundColor: brand }] },
      options: Object.assign({}, common, {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
      })
    });
  }
  bars("chart-os", data.os);
  bars("chart-browsers", data.browsers);

  // Per video: the share of viewers still watching at each quarter (100 % at the start).
  var dropOff = document.getElementById("video-drop-off");
  if (dropOff) {
    var lines = JSON.parse(dropOff.textContent);
    draw("chart-drop-off", {
      type: "line",
      data: {
        labels: lines.labels,
        datasets: lines.lines.map(function (line, index) {
          var colour = palette[index % palette.length];
          return { label: line.name, data: line.values, borderColor: colour, backgroundColor: colour, tension: 0 };
        })
      },
      options: Object.assign({}, common, {
        scales: { y: { beginAtZero: true, max: 100, ticks: { callback: function (value) { return value + " %"; } } } }
      })
    });
  }
})();
