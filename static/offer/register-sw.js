// The registers' service worker, served at /delivery/sw.js so that its scope is /delivery/.
//
// It keeps the register pages (and "my sessions") opened while online, with the files they use, so a leader
// can reopen a register with no signal. Pages are always fetched from the network first; the kept copy is
// used only when the network fails. It never touches a POST: submissions are queued by register.js.
// Kept pages name young people, so they are dropped after a week and as soon as the person is signed out.
"use strict";

var CACHE = "musichub-registers-v1";
var MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
var PAGES = /^\/delivery\/(sessions\/\d+\/register\/)?$/;

function keptAt(response) {
  return Date.parse(response.headers.get("Date") || "") || 0;
}

function prune() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return cache.match(request).then(function (response) {
          if (!response || Date.now() - keptAt(response) > MAX_AGE_MS) return cache.delete(request);
        });
      }));
    });
  });
}

function isKept(url, request) {
  if (url.origin !== self.location.origin) return false;
  if (request.mode === "navigate") return PAGES.test(url.pathname);
  return url.pathname.indexOf("/static/") === 0 || url.pathname === "/theme.css";
}

function fromNetworkFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.type === "opaqueredirect" || (response.redirected && /\/accounts\/login/.test(response.url))) {
        // Signed out: nothing about young people stays on this phone.
        return caches.delete(CACHE).then(function () { return response; });
      }
      if (response.ok && response.type === "basic") cache.put(request, response.clone());
      return response;
    }).catch(function (error) {
      return cache.match(request, { ignoreVary: true }).then(function (kept) {
        if (kept) return kept;
        throw error;
      });
    });
  });
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(prune().then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (!isKept(url, request)) return;
  event.respondWith(fromNetworkFirst(request));
});

// A page loaded before the worker was running asks it to keep that page and its files.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  var wanted = urls.filter(function (value) {
    var url = new URL(value, self.location.origin);
    return url.origin === self.location.origin && (PAGES.test(url.pathname) || isKept(url, { mode: "no-cors" }));
  });
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(wanted.map(function (value) {
        return fetch(value, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(value, response);
        }).catch(function () { /* offline already: nothing to keep */ });
      }));
    })
  );
});
