/**
 * The phone pages' one script, served as /assets/stamp.js (the CSP allows no inline script).
 * Everything it adds is feature-detected and the page works without it:
 *
 * - Web NFC (Chrome on Android): a "stamp here" button, shown only when `NDEFReader` exists,
 *   scans, takes the first URL record that starts with this host's own tap prefix
 *   (`<public URL>/t/`, from the body's data-tap-prefix) and opens it. Without Web NFC the page's
 *   own words say to hold the phone to the stamp, which the phone's background tag reading does.
 * - Passkeys: "save a passkey" and "use my passkey" buttons, shown only when the browser has
 *   WebAuthn, run the ceremony with @simplewebauthn/browser (served locally as
 *   /assets/webauthn.js) against the page's JSON endpoints under /card/passkey/.
 *
 * Sentences come from data- attributes the server wrote in the page's language.
 */
export const PAGE_SCRIPT = `"use strict";
(function () {
  function show(element) { if (element) element.hidden = false; }
  function say(status, text) { if (status) status.textContent = text; }

  function startNfc(section) {
    var button = section.querySelector("[data-nfc-start]");
    var status = section.querySelector("[data-status]");
    var prefix = document.body.getAttribute("data-tap-prefix") || "";
    if (!button || prefix === "" || !("NDEFReader" in window)) return;
    show(section);
    button.addEventListener("click", function () {
      var reader = new window.NDEFReader();
      var stop = new AbortController();
      button.disabled = true;
      say(status, section.getAttribute("data-scanning"));
      reader.addEventListener("reading", function (event) {
        var records = event.message.records;
        for (var i = 0; i < records.length; i++) {
          if (records[i].recordType !== "url") continue;
          var url = new TextDecoder().decode(records[i].data);
          if (url.indexOf(prefix) === 0) { stop.abort(); window.location.assign(url); return; }
        }
        say(status, section.getAttribute("data-no-link"));
      });
      reader.scan({ signal: stop.signal }).catch(function () {
        button.disabled = false;
        say(status, section.getAttribute("data-failed"));
      });
    });
  }

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

  var CEREMONIES = {
    register: function (library) {
      return postJson("/card/passkey/register/options", {})
        .then(function (options) { return library.startRegistration({ optionsJSON: options }); })
        .then(function (response) { return postJson("/card/passkey/register", { response: response }); });
    },
    login: function (library) {
      return postJson("/card/passkey/login/options", {})
        .then(function (options) { return library.startAuthentication({ optionsJSON: options }); })
        .then(function (response) { return postJson("/card/passkey/login", { response: response }); });
    },
  };

  function startPasskey(section) {
    var library = window.SimpleWebAuthnBrowser;
    var button = section.querySelector("[data-passkey-action]");
    var status = section.querySelector("[data-status]");
    if (!button || !library || !window.PublicKeyCredential) return;
    var ceremony = CEREMONIES[button.getAttribute("data-passkey-action")];
    if (!ceremony) return;
    show(section);
    button.addEventListener("click", function () {
      button.disabled = true;
      say(status, section.getAttribute("data-working"));
      ceremony(library).then(function (answer) {
        say(status, section.getAttribute("data-done"));
        if (answer && typeof answer.next === "string") window.location.assign(answer.next);
      }).catch(function () {
        button.disabled = false;
        say(status, section.getAttribute("data-failed"));
      });
    });
  }

  document.querySelectorAll("[data-nfc]").forEach(startNfc);
  document.querySelectorAll("[data-passkey]").forEach(startPasskey);
})();
`;
