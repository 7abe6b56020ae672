/**
 * The dashboard's one script, served as /dashboard/assets/dashboard.js (the CSP allows no inline
 * script). Two jobs, each found by its data- attributes:
 *
 * - passkeys ([data-ceremony]): shown only when the browser has WebAuthn; asks `<url>/options`,
 *   runs the ceremony with @simplewebauthn/browser (served locally as /assets/webauthn.js), posts
 *   the answer to `<url>` and goes where the answer says;
 * - the counter view ([data-feed]): an EventSource on the feed's URL; each `verdict` event's
 *   fields go into a new line on top of the list as text (never markup). EventSource reconnects by
 *   itself; the status line says whether the view is live.
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

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-ceremony]"), startCeremony);
    Array.prototype.forEach.call(document.querySelectorAll("[data-feed]"), startFeed);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
`;
