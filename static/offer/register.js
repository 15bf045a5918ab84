// Registers on a phone, with poor signal. Progressive enhancement only: without this file the register is a
// plain form post.
//
// - Each tap is kept on this phone (localStorage: young person ids, marks and times, never names) with the time
//   it was made, so closing the page or losing the signal loses nothing.
// - "Send the register" queues the submission (its fields and its idempotency key) and sends it with fetch.
//   If the phone is offline it stays queued and is sent when the connection returns ("online"), when a
//   delivery page loads again, or on a timer. The server applies a key once, so a retry never doubles a mark.
// - A service worker (/delivery/sw.js) keeps the register pages opened while online, so they reopen offline.
(function () {
  "use strict";

  var PENDING = "musichub.registers.pending";
  var SENT = "musichub.registers.sent";
  var TAPS = "musichub.registers.taps.";
  var RETRY_MS = 15000;
  var MAX_SENT_KEYS = 50;

  var TEXT = {
    saved: "Saved on this phone, will send when you're back online.",
    sending: "Sending the register…",
    sent: "Sent.",
    signIn: "Sign in again to send the register: it is still saved on this phone.",
    retry: "Not sent yet: the register is saved on this phone and will be sent again shortly.",
    waiting: function (n) {
      return n === 1
        ? "1 register is saved on this phone and will be sent when you're back online."
        : n + " registers are saved on this phone and will be sent when you're back online.";
    },
    notYours: "This register could not be sent: you no longer take this session's register. Ask the hub's staff.",
    concernOffline:
      "You are offline, so the concern was not sent. If a child is in danger now, call 999. Otherwise send it " +
      "when you are back online, or phone the hub's designated safeguarding lead.",
  };

  // ---- Storage (a phone with storage turned off still works: it just cannot keep things offline) -------

  function read(name, fallback) {
    try {
      var value = window.localStorage.getItem(name);
      return value ? JSON.parse(value) : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function write(name, value) {
    try {
      window.localStorage.setItem(name, JSON.stringify(value));
    } catch (error) {
      /* storage full or disabled: the plain send still works */
    }
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function pending() { return read(PENDING, []); }

  function savePending(list) { write(PENDING, list); }

  function rememberSent(key) {
    var keys = read(SENT, []).filter(function (k) { return k !== key; });
    keys.push(key);
    write(SENT, keys.slice(-MAX_SENT_KEYS));
  }

  function wasSent(key) { return read(SENT, []).indexOf(key) !== -1; }

  // ---- Status messages -----------------------------------------------------------------------------------

  var statusBox = document.getElementById("register-status");
  var errorBox = document.getElementById("register-errors");
  var form = document.getElementById("register-form");
  var sessionId = form ? form.getAttribute("data-session") : null;

  function say(text, kind) {
    if (!statusBox) return;
    statusBox.textContent = text;
    statusBox.className = "register-status" + (kind ? " register-status--" + kind : "");
  }

  function showErrors(errors) {
    if (!errorBox) return;
    var list = errorBox.querySelector("ul");
    list.textContent = "";
    errors.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    errorBox.hidden = errors.length === 0;
    if (errors.length) errorBox.focus();
  }

  function describeQueue() {
    var waiting = pending();
    var here = waiting.filter(function (entry) { return entry.session === sessionId; });
    if (form && here.length) say(TEXT.saved, "pending");
    else if (!form && waiting.length) say(TEXT.waiting(waiting.length), "pending");
  }

  // ---- Sending -------------------------------------------------------------------------------------------

  function freshToken(url) {
    // A page kept offline may hold an old CSRF token (after signing in again): fetch the page for a new one.
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } }).then(function (response) {
      if (response.redirected && /\/accounts\/login/.test(response.url)) throw new Error("signed-out");
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var input = page.querySelector("input[name=csrfmiddlewaretoken]");
      if (!input) throw new Error("no-token");
      return input.value;
    });
  }

  function post(entry) {
    var body = new URLSearchParams();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
  }

  function withToken(entry, token) {
    entry.fields = entry.fields.map(function (pair) {
      return pair[0] === "csrfmiddlewaretoken" ? [pair[0], token] : pair;
    });
    return entry;
  }

  function drop(key) {
    savePending(pending().filter(function (entry) { return entry.key !== key; }));
  }

  function clearTaps(entry) {
    var name = TAPS + entry.session;
    var taps = read(name, {});
    Object.keys(taps).forEach(function (id) {
      if (taps[id].tapped && Date.parse(taps[id].tapped) <= entry.savedAt) delete taps[id];
    });
    write(name, taps);
  }

  function sendOne(entry, retried) {
    return post(entry).then(function (response) {
      if (response.redirected && /\/accounts\/login/.test(response.url)) return "signed-out";
      if (response.status === 403 && !retried) {
        return freshToken(entry.url).then(function (token) {
          var updated = withToken(entry, token);
          savePending(pending().map(function (e) { return e.key === updated.key ? updated : e; }));
          return sendOne(updated, true);
        });
      }
      if (response.status === 403 || response.status === 404) {
        // Not (or no longer) theirs to take, or the session is gone: sending again cannot help.
        drop(entry.key);
        if (entry.session === sessionId) {
          say("", "");
          showErrors([TEXT.notYours]);
        }
        return "refused";
      }
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
      if (!json) return "later"; // a server error or a proxy page: try again later
      return response.json().then(function (answer) {
        drop(entry.key);
        rememberSent(entry.key);
        if (response.ok) {
          clearTaps(entry);
          if (entry.session === sessionId) {
            showErrors([]);
            say(TEXT.sent + " " + (answer.message || ""), "sent");
          }
          return "sent";
        }
        // Refused (a mark for someone no longer in the group, a cancelled session): resending cannot help.
        if (entry.session === sessionId) {
          say("", "");
          showErrors(answer.errors || []);
        }
        return "refused";
      });
    });
  }

  var busy = false;

  function flush() {
    var queue = pending();
    if (busy || !queue.length) return Promise.resolve();
    if (navigator.onLine === false) {
      describeQueue();
      return Promise.resolve();
    }
    busy = true;
    if (queue.some(function (entry) { return entry.session === sessionId; })) say(TEXT.sending, "pending");
    var outcome = "sent";
    var chain = Promise.resolve();
    queue.forEach(function (entry) {
      chain = chain.then(function () {
        if (outcome === "offline" || outcome === "signed-out") return;
        return sendOne(entry, false).then(function (result) {
          if (result === "signed-out" || result === "later") outcome = result;
        }, function () {
          outcome = "offline"; // fetch failed: no connection
        });
      });
    });
    return chain.then(function () {
      busy = false;
      if (outcome === "offline") describeQueue();
      else if (outcome === "signed-out") say(TEXT.signIn, "pending");
      else if (outcome === "later") say(TEXT.retry, "pending");
      else if (!form) describeQueue();
    });
  }

  // ---- The register form ---------------------------------------------------------------------------------

  function field(name) { return form.querySelector("[name='" + name + "']"); }

  function rememberTap(id, mark, reason, tapped) {
    var name = TAPS + sessionId;
    var taps = read(name, {});
    taps[id] = { mark: mark, reason: reason, tapped: tapped };
    write(name, taps);
  }

  function onMark(event) {
    var input = event.target;
    var match = /^(mark|reason)_(\d+)$/.exec(input.name || "");
    if (!match) return;
    var id = match[2];
    var checked = form.querySelector("input[name='mark_" + id + "']:checked");
    if (!checked) return;
    var tapped = new Date().toISOString();
    var tappedField = field("tapped_" + id);
    if (tappedField) tappedField.value = tapped;
    var reason = field("reason_" + id);
    rememberTap(id, checked.value, reason ? reason.value : "", tapped);
  }

  function restoreTaps() {
    // Taps made on this phone and not yet sent come back when the page is reopened (online or from the cache),
    // unless the register shows a later mark made since (on another phone).
    var name = TAPS + sessionId;
    var taps = read(name, {});
    Object.keys(taps).forEach(function (id) {
      var row = form.querySelector("[data-young-person='" + id + "']");
      var tap = taps[id];
      if (!row) return;
      var shown = Date.parse(row.getAttribute("data-marked-at") || "") || 0;
      if (shown >= Date.parse(tap.tapped)) {
        delete taps[id];
        return;
      }
      var radio = row.querySelector("input[name='mark_" + id + "'][value='" + tap.mark + "']");
      if (radio) radio.checked = true;
      var reason = field("reason_" + id);
      if (reason && tap.reason) reason.value = tap.reason;
      var tappedField = field("tapped_" + id);
      if (tappedField) tappedField.value = tap.tapped;
    });
    write(name, taps);
  }

  function onSubmit(event) {
    event.preventDefault();
    showErrors([]);
    var keyField = field("key");
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") fields.push([name, value]);
    });
    var entry = {
      key: keyField.value,
      session: sessionId,
      url: form.action,
      fields: fields,
      savedAt: Date.now(),
    };
    var queue = pending().filter(function (e) { return e.key !== entry.key; });
    queue.push(entry);
    savePending(queue);
    keyField.value = newKey(); // the next send from this page is a new submission
    say(TEXT.saved, "pending");
    flush();
  }

  function setUpRegister() {
    var keyField = field("key");
    if (keyField && wasSent(keyField.value)) keyField.value = newKey(); // a page reopened after it was sent
    restoreTaps();
    form.addEventListener("change", onMark);
    form.addEventListener("input", function (event) {
      if (/^reason_/.test(event.target.name || "")) onMark(event);
    });
    form.addEventListener("submit", onSubmit);
    describeQueue();
  }

  function setUpConcern() {
    var concern = document.getElementById("concern-form");
    var concernStatus = document.getElementById("concern-status");
    if (!concern) return;
    concern.addEventListener("submit", function (event) {
      if (navigator.onLine === false) {
        event.preventDefault();
        if (concernStatus) concernStatus.textContent = TEXT.concernOffline;
      }
    });
  }

  // ---- The service worker --------------------------------------------------------------------------------

  function setUpServiceWorker() {
    var holder = document.getElementById("delivery");
    if (!holder || !("serviceWorker" in navigator)) return;
    var cameThroughWorker = Boolean(navigator.serviceWorker.controller);
    var url = holder.getAttribute("data-service-worker");
    var scope = holder.getAttribute("data-scope");
    navigator.serviceWorker.register(url, { scope: scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // This page was loaded before the worker ran: ask it to keep this page and its files for offline use.
      if (cameThroughWorker || !registration.active) return;
      var urls = [window.location.pathname + window.location.search];
      document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (element) {
        urls.push(element.getAttribute("href") || element.getAttribute("src"));
      });
      registration.active.postMessage({ keep: urls });
    }).catch(function () {
      /* no service worker (private browsing, old browser): the page still works online */
    });
  }

  // ---- Start ---------------------------------------------------------------------------------------------

  if (form) setUpRegister();
  setUpConcern();
  setUpServiceWorker();
  window.addEventListener("online", flush);
  window.addEventListener("offline", describeQueue);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") flush();
  });
  window.setInterval(function () {
    if (pending().length) flush();
  }, RETRY_MS);
  flush();
  if (!pending().length) describeQueue();
})();
