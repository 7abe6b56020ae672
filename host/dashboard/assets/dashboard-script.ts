/**
 * The dashboard's one script, served as /dashboard/assets/dashboard.js (the CSP allows no inline
 * script). Two jobs, each found by its data- attributes:
 *
 * - passkeys ([data-ceremony]): shown only when the browser has WebAuthn; asks `<url>/options`,
 *   runs the ceremony with @simplewebauthn/browser (served locally as /assets/webauthn.js), posts
 *   the answer to `<url>` and goes where the answer says;
 * - the counter view ([data-feed]): an EventSource on the feed's URL; each `verdict` event's
 *   fields go into a new line on top of the list as text (never markup). EventSource reconnects by
 *   itself; the status line says whether the view is live;
 * - the reports page's chart ([data-chart]): uPlot (served locally as /dashboard/assets/uplot.js)
 *   draws the numbers of the table beside it, read from the rows' data- attributes, so the chart
 *   shows exactly what the table (its text alternative) says; it follows the page's width.
 *
 * Sentences come from data- attributes the server wrote in the page's language.
 */
export const DASHBOARD_SCRIPT = `"use strict";
(function () {
  var MOST_LINES = 50;

  function say(status, text) { if (status) status.textContent = text; }

  function postJson(path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer && answer.error ? answer.error.message : "HTTP " + response.status);
        return answer;
      });
    });
  }

  function startCeremony(section) {
    var library = window.SimpleWebAuthnBrowser;
    var button = section.querySelector("[data-start]");
    var status = section.querySelector("[data-status]");
    var missing = section.querySelector("[data-no-webauthn]");
    if (!button || !library || !window.PublicKeyCredential) return;
    if (missing) missing.hidden = true;
    button.hidden = false;
    var url = section.getAttribute("data-url");
    var kind = section.getAttribute("data-ceremony");
    button.addEventListener("click", function () {
      button.disabled = true;
      say(status, section.getAttribute("data-working"));
      postJson(url + "/options", {})
        .then(function (options) {
          return kind === "enrol" ? library.startRegistration({ optionsJSON: options }) : library.startAuthentication({ optionsJSON: options });
        })
        .then(function (response) { return postJson(url, { response: response }); })
        .then(function (answer) { window.location.assign(answer.next); })
        .catch(function (error) {
          button.disabled = false;
          say(status, section.getAttribute("data-failed") + " (" + (error && error.message ? error.message : String(error)) + ")");
        });
    });
  }

  function verdictItem(line) {
    var item = document.createElement("li");
    item.className = "verdict " + (line.tone === "good" ? "good" : "bad");
    var head = document.createElement("p");
    head.className = "verdict-head";
    var title = document.createElement("strong");
    title.textContent = line.title;
    var stamp = document.createElement("span");
    stamp.className = "verdict-stamp";
    stamp.textContent = line.stamp;
    var time = document.createElement("span");
    time.className = "verdict-time";
    time.textContent = line.time;
    head.appendChild(title);
    head.appendChild(stamp);
    head.appendChild(time);
    var sentence = document.createElement("p");
    sentence.className = "verdict-sentence";
    sentence.textContent = line.sentence;
    var where = document.createElement("p");
    where.className = "verdict-where";
    where.textContent = line.where;
    item.appendChild(head);
    item.appendChild(sentence);
    item.appendChild(where);
    return item;
  }

  function startFeed(feed) {
    if (!("EventSource" in window)) return;
    var list = feed.querySelector("[data-verdicts]");
    var empty = feed.querySelector("[data-empty]");
    var status = feed.querySelector("[data-connection]");
    var source = new EventSource(feed.getAttribute("data-feed"));
    source.addEventListener("open", function () {
      say(status, feed.getAttribute("data-live"));
      feed.setAttribute("data-state", "live");
    });
    source.addEventListener("error", function () {
      // CLOSED: the server answered with no stream (the session ended); otherwise EventSource retries by itself.
      var ended = source.readyState === EventSource.CLOSED;
      say(status, feed.getAttribute(ended ? "data-ended" : "data-reconnecting"));
      feed.setAttribute("data-state", "reconnecting");
    });
    source.addEventListener("verdict", function (event) {
      var line;
      try { line = JSON.parse(event.data); } catch (error) { return; }
      if (empty) empty.hidden = true;
      list.insertBefore(verdictItem(line), list.firstChild);
      while (list.children.length > MOST_LINES) list.removeChild(list.lastChild);
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  var CHART_HEIGHT = 220;
  var HALF_DAY = 43200;

  function startChart(figure) {
    var Plot = window.uPlot;
    var target = figure.querySelector("[data-plot]");
    if (!Plot || !target) return;
    // The table lists the days with taps; every other day of the range is drawn as a zero.
    var first = Number(figure.getAttribute("data-first"));
    var last = Number(figure.getAttribute("data-last"));
    if (!(last >= first)) return;
    var byDay = {};
    Array.prototype.forEach.call(figure.querySelectorAll("tr[data-x]"), function (row) {
      byDay[row.getAttribute("data-x")] = [Number(row.getAttribute("data-stamps")), Number(row.getAttribute("data-customers"))];
    });
    var data = [[], [], []];
    for (var x = first; x <= last; x += 2 * HALF_DAY) {
      var found = byDay[String(x)] || [0, 0];
      data[0].push(x);
      data[1].push(found[0]);
      data[2].push(found[1]);
    }
    // x is noon UTC of each calendar day: labelled in UTC, a date never moves to its neighbour.
    var days = new Intl.DateTimeFormat(figure.getAttribute("data-lang") === "ko" ? "ko-KR" : "en-GB", { month: "short", day: "numeric", timeZone: "UTC" });
    function size() { return { width: Math.max(200, target.clientWidth), height: CHART_HEIGHT }; }
    var grid = { stroke: "#e6e0d4", width: 1 };
    var options = {
      width: size().width,
      height: CHART_HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: function () { return [first - HALF_DAY, last + HALF_DAY]; } },
        y: { range: function (u, min, max) { return [0, Math.max(4, Math.ceil(max * 1.1))]; } },
      },
      axes: [
        { stroke: "#54565c", grid: grid, ticks: grid, space: 72, values: function (u, splits) { return splits.map(function (s) { return days.format(new Date(s * 1000)); }); } },
        { stroke: "#54565c", grid: grid, ticks: grid, size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000], values: function (u, splits) { return splits.map(function (s) { return String(s); }); } },
      ],
      series: [
        {},
        { label: figure.getAttribute("data-stamps-label"), stroke: "#b3261e", fill: "rgba(179, 38, 30, 0.7)", width: 1, paths: Plot.paths.bars({ size: [0.7, 28] }), points: { show: false } },
        { label: figure.getAttribute("data-customers-label"), stroke: "#1747c9", width: 2, points: { show: true, size: 6, fill: "#1747c9" } },
      ],
    };
    var plot = new Plot(options, data, target);
    var pending = 0;
    window.addEventListener("resize", function () {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(function () { plot.setSize(size()); });
    });
    figure.setAttribute("data-points", String(data[0].length));
    figure.setAttribute("data-drawn", "true");
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-ceremony]"), startCeremony);
    Array.prototype.forEach.call(document.querySelectorAll("[data-feed]"), startFeed);
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), startChart);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
`;
