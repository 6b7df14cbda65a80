/* Dashboard charts: reads the chart specifications the page put in <script id="dashboard-charts"
   type="application/json"> (json_script) and draws each with ECharts into the element of the same id.
   No inline script, so it runs under the strict Content-Security-Policy. */
(function () {
  "use strict";

  var FONT = '"Noto Sans SC", system-ui, -apple-system, "Segoe UI", sans-serif';

  /* The room the legend takes above the plot: entries about 14 px a character plus the colour mark, laid
     out in lines as wide as the chart. */
  function legendHeight(spec, width) {
    if (spec.series.length < 2) { return 12; }
    var lines = 1, used = 0;
    spec.series.forEach(function (item) {
      var entry = String(item.name).length * 14 + 44;
      if (used && used + entry > width - 16) { lines += 1; used = 0; }
      used += entry;
    });
    return lines * 24 + 8;
  }

  function barOption(spec, narrow, width) {
    var category = { type: "category", data: spec.categories, axisLabel: { interval: 0, hideOverlap: true } };
    // Fewer, non-overlapping figures on the value axis of a phone-wide chart (3,500 was drawn as "3,500"
    // into its neighbour's label).
    var value = { type: "value", minInterval: 1, splitNumber: narrow ? 3 : 5, axisLabel: { hideOverlap: true } };
    if (!spec.horizontal) {
      category.axisLabel.rotate = spec.categories.length > 4 ? 30 : 0;
    } else {
      category.axisLabel.width = 110;
      category.axisLabel.overflow = "truncate";
      category.inverse = true;
    }
    var series = spec.series.map(function (item, index) {
      var one = { name: item.name, type: "bar", data: item.data };
      if (spec.stacked) { one.stack = "total"; }
      if (item.color) { one.itemStyle = { color: item.color }; }
      if (spec.mark && index === 0) {
        one.markLine = {
          symbol: "none",
          label: { position: "insideEndTop", formatter: spec.mark.name + " " + spec.mark.value },
          data: [spec.horizontal ? { xAxis: spec.mark.value } : { yAxis: spec.mark.value }]
        };
      }
      return one;
    });
    return {
      textStyle: { fontFamily: FONT },
      // Drawn on the canvas: an HTML tooltip carries inline styles the Content-Security-Policy refuses.
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      // Every legend entry shown, on as many lines as it takes (a paged legend hid some, and printed its
      // pager); the plot starts below it.
      legend: { show: spec.series.length > 1, top: 0, type: "plain" },
      // A horizontal bar's names are truncated to 110 px, which ECharts leaves out when it makes room for
      // the labels (containLabel): they were cut at the left edge. Room is made for them by hand instead.
      grid: spec.horizontal
        ? { left: 118, right: 16, top: legendHeight(spec, width), bottom: 24 }
        : { left: 8, right: 16, top: legendHeight(spec, width), bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? category : value,
      series: series
    };
  }

  function pieOption(spec) {
    return {
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)", renderMode: "richText" },
      legend: { bottom: 0, type: "plain" },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        avoidLabelOverlap: true,
        label: { formatter: "{b}: {c}" },
        data: spec.data
      }]
    };
  }

  /* Where a click on a segment leads: a pie slice's data.url, or for a bar the url of its series at that
     category (the page builds both, see assessments/views/dashboard.py). */
  function segmentUrl(spec, params) {
    if (spec.type === "pie") { return params.data && params.data.url; }
    var series = spec.series[params.seriesIndex];
    return series && series.urls ? series.urls[params.dataIndex] : null;
  }

  function follow(chart, spec, element) {
    var any = spec.type === "pie"
      ? spec.data.some(function (item) { return item.url; })
      : spec.series.some(function (item) { return item.urls && item.urls.some(Boolean); });
    if (!any) { return; }
    element.dataset.clickable = "true";
    chart.on("click", function (params) {
      var url = segmentUrl(spec, params);
      if (url) { window.location.assign(url); }
    });
  }

  function draw(spec) {
    var element = document.getElementById(spec.id);
    if (!element) { return null; }
    var narrow = element.clientWidth < NARROW;
    if (spec.type !== "pie" && narrow && !spec.horizontal && spec.categories.length > 5) {
      // On a phone a bar per township stands sideways: every name is read in full, none is dropped.
      spec = Object.assign({}, spec, { horizontal: true });
    }
    if (spec.type !== "pie" && spec.horizontal) {
      // A row per name, each tall enough to be labelled (a fixed height dropped every other indicator).
      var rows = spec.categories.length * 26 + legendHeight(spec, element.clientWidth) + 36;
      element.style.height = Math.max(element.clientHeight, rows) + "px";
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var option = spec.type === "pie" ? pieOption(spec) : barOption(spec, narrow, element.clientWidth);
    var empty = spec.type === "pie" ? spec.data.length === 0 : spec.categories.length === 0;
    if (empty) {
      option.title = { text: element.dataset.empty || "—", left: "center", top: "middle",
                       textStyle: { color: "#6c757d", fontSize: 14, fontFamily: FONT } };
    }
    chart.setOption(option);
    follow(chart, spec, element);
    element.dataset.rendered = "true";
    return chart;
  }

  var NARROW = 576; // CSS pixels: Bootstrap's small breakpoint, below which the page is a phone's

  var MM = 96 / 25.4; // CSS pixels in a millimetre
  var STILL = { duration: 0 };

  /* A chart's size on paper, in millimetres in partybuild.css (--pb-print-width, --pb-print-height). */
  function paperSize(chart) {
    var style = window.getComputedStyle(chart.getDom());
    var width = parseFloat(style.getPropertyValue("--pb-print-width"));
    var height = parseFloat(style.getPropertyValue("--pb-print-height"));
    return width && height ? { width: width * MM, height: height * MM, animation: STILL } : null;
  }

  /* Printing (docs/printing.md): each chart is redrawn at its size on A4 before the page is laid out for
     paper, and at its box's size afterwards. A browser's print dialog announces itself with beforeprint and
     afterprint; an emulated print (a PDF made by a headless browser) only through the print media query. */
  function followPrinting(charts) {
    var onPaper = false;
    function toPaper() {
      if (onPaper) { return; }
      onPaper = true;
      charts.forEach(function (chart) {
        var size = paperSize(chart);
        if (size) { chart.resize(size); }
      });
    }
    function toScreen() {
      if (!onPaper) { return; }
      onPaper = false;
      charts.forEach(function (chart) { chart.resize({ width: "auto", height: "auto", animation: STILL }); });
    }
    window.addEventListener("beforeprint", toPaper);
    window.addEventListener("afterprint", toScreen);
    window.matchMedia("print").addEventListener("change", function (event) {
      if (event.matches) { toPaper(); } else { toScreen(); }
    });
  }

  function start() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof echarts === "undefined") { return; }
    var charts = JSON.parse(source.textContent).map(draw).filter(Boolean);
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
    followPrinting(charts);
    var year = document.getElementById("year-select");
    if (year && year.form) {
      year.addEventListener("change", function () { year.form.submit(); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* The dues card's figures load after the page (templates/assessments/dashboard/_dues_pending.html): when
   they do not arrive (no signal, a server error), the card says so and offers to ask again, instead of
   saying "adding up" for ever. */
(function () {
  "use strict";

  document.addEventListener("htmx:afterRequest", function (event) {
    var card = event.detail.elt;
    if (event.detail.successful || !card.hasAttribute || !card.hasAttribute("data-load-failed")) { return; }
    var status = card.querySelector("[data-load-status]");
    var again = document.createElement("button");
    again.type = "button";
    again.className = "btn btn-sm btn-outline-secondary ms-2";
    again.textContent = card.getAttribute("data-load-again");
    again.addEventListener("click", function () {
      status.textContent = card.getAttribute("data-loading");
      status.classList.replace("text-danger", "text-muted");
      card.setAttribute("aria-busy", "true");
      window.htmx.trigger(card, "retry");
    });
    status.textContent = card.getAttribute("data-load-failed");
    status.classList.replace("text-muted", "text-danger");
    status.appendChild(again);
    card.removeAttribute("aria-busy");
  });
})();
