/* The offline app on every page (docs/offline.md): registers the service worker, keeps the secretary's pages
 * for offline use, queues an entry form submitted without a signal (static/js/offline-queue.js), sends the
 * queue when the connection returns, shows what waits and what was refused, and clears it all at logout. */
(function () {
  "use strict";

  var script = document.getElementById("offline-script");
  var status = document.getElementById("offline-status");
  var queue = window.pbQueue;
  if (!script || !status || !queue || !window.indexedDB) {
    return;
  }
  var user = script.dataset.user;
  // The create pages whose submissions may wait in the queue (the service worker keeps the same pages).
  var QUEUED_FORMS = /^\/people\/((visits|meetings|trainings|study-records)\/new|dues\/month)\/$/;
  var KEPT_PAGES = /^\/($|branch\/\d+\/$|people\/((visits|meetings|trainings|study-records)\/new|dues\/month)\/$)/;
  var PAGES_CACHE = "pb-pages";

  function byId(id) {
    return document.getElementById(id);
  }

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function newKey(form) {
    var input = form.querySelector('input[name="idempotency_key"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "idempotency_key";
      form.appendChild(input);
    }
    input.value = self.crypto.randomUUID();
    return input;
  }

  // --- the banner -----------------------------------------------------------------------------------------

  function show(id, visible) {
    byId(id).hidden = !visible;
  }

  function errorText(error) {
    var message = error.message || (error.code === "not_found" ? status.dataset.notFound : "");
    return (error.label ? error.label + "：" : "") + message;
  }

  function refusedItem(entry) {
    var item = byId("offline-refused-item").content.firstElementChild.cloneNode(true);
    item.dataset.entry = entry.id;
    item.querySelector("[data-title]").textContent = entry.title;
    item.querySelector("[data-summary]").textContent = entry.summary;
    var list = item.querySelector("[data-errors]");
    entry.errors.forEach(function (error) {
      var line = document.createElement("li");
      line.textContent = errorText(error);
      list.appendChild(line);
    });
    item.querySelector("[data-fix]").href = entry.url + "#queued=" + entry.id;
    item.querySelector("[data-discard]").addEventListener("click", function () {
      if (window.confirm(status.dataset.confirmDiscard)) {
        queue.remove(entry.id).then(render);
      }
    });
    return item;
  }

  function render(sent) {
    return queue.all().then(function (entries) {
      var mine = entries.filter(function (entry) {
        return entry.user === user;
      });
      var pending = mine.filter(function (entry) {
        return entry.state === "pending";
      });
      var refused = mine.filter(function (entry) {
        return entry.state === "refused";
      });
      byId("offline-count").textContent = pending.length;
      byId("offline-others-count").textContent = entries.length - mine.length;
      show("offline-queue", pending.length > 0);
      show("offline-others", entries.length > mine.length);
      if (sent) {
        byId("offline-sent-count").textContent = sent;
        show("offline-sent", true);
      }
      var list = byId("offline-refused-list");
      list.replaceChildren.apply(list, refused.map(refusedItem));
      show("offline-refused", refused.length > 0);
      status.hidden = !entries.length && byId("offline-sent").hidden;
      status.dataset.pending = pending.length;
      status.dataset.refused = refused.length;
    });
  }

  // --- sending --------------------------------------------------------------------------------------------

  var sending = null;

  function send() {
    if (!user || sending) {
      return sending || Promise.resolve(null);
    }
    sending = queue.sendAll(csrfToken()).then(function (report) {
      sending = null;
      return render(report.sent).then(function () {
        return report;
      });
    }, function () {
      sending = null;
      return null;
    });
    return sending;
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) {
      return Promise.resolve();
    }
    return navigator.serviceWorker.ready.then(function (registration) {
      return registration.sync ? registration.sync.register(queue.SYNC_TAG) : null;
    }).catch(function () {});
  }

  // --- entry forms ----------------------------------------------------------------------------------------

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") {
        fields.push([name, value]);
      }
    });
    return fields;
  }

  function summaryOf(form) {
    var parts = [];
    form.querySelectorAll('input[type="month"], input[type="date"], input[type="text"]').forEach(function (input) {
      if (input.value && parts.length < 2) {
        parts.push(input.value);
      }
    });
    return parts.join(" · ");
  }

  function entryFrom(form, existing) {
    var heading = document.querySelector("main h1");
    return Object.assign(existing || {}, {
      id: form.querySelector('input[name="idempotency_key"]').value,
      user: user,
      url: window.location.pathname,
      title: heading ? heading.textContent.trim() : document.title,
      summary: summaryOf(form),
      fields: fieldsOf(form),
      csrf: csrfToken(),
      created: existing ? existing.created : Date.now(),
      state: "pending",
      errors: [],
    });
  }

  function fill(form, entry) {
    var values = {};
    entry.fields.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    Array.prototype.forEach.call(form.elements, function (element) {
      var given = values[element.name];
      if (!given || element.name === "csrfmiddlewaretoken") {
        return;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = given.indexOf(element.value) !== -1;
      } else if (element.type !== "submit" && element.type !== "button") {
        element.value = given[0];
      }
    });
    recount(form);
  }

  // The attendance checklists' counters (static/js/entry.js) follow a change made here.
  function recount(form) {
    form.querySelectorAll("[data-checklist]").forEach(function (list) {
      list.dispatchEvent(new Event("change"));
    });
  }

  function queueForm(form, fixing) {
    var entry = entryFrom(form, fixing);
    return queue.put(entry).then(function () {
      if (!fixing) {
        form.reset();
        recount(form);
        newKey(form);
      }
      // A fix sent online goes from this page, which then opens the saved record: a background sync
      // started now would take the entry first and leave this page without the record's address.
      return fixing && navigator.onLine ? null : askForBackgroundSync();
    }).then(function () {
      return navigator.onLine ? send() : null;
    }).then(function (report) {
      if (fixing && report && report.last && !report.refused) {
        window.location.assign(report.last);
        return;
      }
      return render().then(function () {
        window.scrollTo(0, 0);
      });
    });
  }

  var fixing = null; // the refused entry being fixed on this page, if any

  // "Fix" on a refused entry opens its form at #queued=<key>, filled as it was sent.
  function openQueued(form, key) {
    var match = /^#queued=(.+)$/.exec(window.location.hash);
    if (!match) {
      return Promise.resolve();
    }
    return queue.get(match[1]).then(function (entry) {
      if (!entry || entry.user !== user) {
        return;
      }
      fixing = entry;
      fill(form, entry);
      key.value = entry.id;
      form.scrollIntoView();
    });
  }

  function setUpForm() {
    var form = document.getElementById("entry-form");
    if (!form || !QUEUED_FORMS.test(window.location.pathname)) {
      return Promise.resolve();
    }
    var key = newKey(form);
    form.addEventListener("submit", function (event) {
      if (!fixing && navigator.onLine) {
        return; // online: the page posts as always, with its key against a second tap
      }
      event.preventDefault();
      if (!form.checkValidity()) {
        form.reportValidity();
        return;
      }
      queueForm(form, fixing);
    });
    window.addEventListener("hashchange", function () {
      openQueued(form, key);
    });
    return openQueued(form, key);
  }

  // --- pages kept for offline use, and logging out --------------------------------------------------------

  function keepPages() {
    if (!user || !navigator.onLine || !window.caches || !document.querySelector(".pb-secretary")) {
      return Promise.resolve();
    }
    var urls = script.dataset.pages.split(" ");
    document.querySelectorAll("main a[href]").forEach(function (link) {
      var url = new URL(link.href, window.location.href);
      if (url.origin === window.location.origin && KEPT_PAGES.test(url.pathname)) {
        urls.push(url.pathname + url.search);
      }
    });
    return window.caches.open(PAGES_CACHE).then(function (cache) {
      return Promise.all(urls.filter(function (url, index) {
        return urls.indexOf(url) === index;
      }).map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          return response.ok && !response.redirected ? cache.put(url, response) : null;
        }).catch(function () {});
      }));
    });
  }

  function forgetEverything() {
    var caches = window.caches ? window.caches.delete(PAGES_CACHE) : Promise.resolve();
    return Promise.all([queue.clear(), caches]);
  }

  function guardLogout() {
    document.querySelectorAll("form").forEach(function (form) {
      if (new URL(form.action, window.location.href).pathname !== script.dataset.logout) {
        return;
      }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        queue.all().then(function (entries) {
          if (entries.length && !window.confirm(status.dataset.confirmLogout)) {
            return;
          }
          forgetEverything().then(function () {
            form.submit();
          });
        });
      });
    });
  }

  function registerWorker() {
    if (!user || !("serviceWorker" in navigator)) {
      return Promise.resolve();
    }
    return navigator.serviceWorker.register(script.dataset.serviceWorker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).catch(function () {});
  }

  function start() {
    guardLogout();
    byId("offline-retry").addEventListener("click", send);
    window.addEventListener("online", send);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.type === "partybuild-offline-sent") {
          render(event.data.sent);
        }
      });
    }
    var ready = [registerWorker(), setUpForm(), user ? queue.setUser(user) : null];
    Promise.all(ready).then(function () {
      return Promise.all([render(), navigator.onLine ? send() : null, keepPages()]);
    }).then(function () {
      document.documentElement.dataset.offlineReady = "1";
    });
  }

  start();
})();
