/* The offline queue (docs/offline.md): entries recorded without a signal, kept in IndexedDB (idb, from npm)
 * until the server has them. Loaded by the pages (static/js/offline.js) and by the service worker (its
 * background sync, static/js/offline-sw.js), so both send the same way: the entry page's own form fields,
 * posted as the page would with the entry's idempotency key, so a repeat never makes a second record. */
(function (scope) {
  "use strict";

  var DB_NAME = "partybuild-offline";
  var ENTRIES = "entries";
  var META = "meta";
  var SEND_TIMEOUT_MS = 20000;

  function db() {
    return scope.idb.openDB(DB_NAME, 1, {
      upgrade: function (database) {
        database.createObjectStore(ENTRIES, { keyPath: "id" });
        database.createObjectStore(META);
      },
    });
  }

  function all() {
    return db().then(function (database) {
      return database.getAll(ENTRIES);
    }).then(function (entries) {
      return entries.sort(function (a, b) {
        return a.created - b.created;
      });
    });
  }

  function get(id) {
    return db().then(function (database) {
      return database.get(ENTRIES, id);
    });
  }

  function put(entry) {
    return db().then(function (database) {
      return database.put(ENTRIES, entry);
    });
  }

  function remove(id) {
    return db().then(function (database) {
      return database.delete(ENTRIES, id);
    });
  }

  function clear() {
    return db().then(function (database) {
      return Promise.all([database.clear(ENTRIES), database.clear(META)]);
    });
  }

  // The account the pages were last opened with: entries of another account are never sent with this one's
  // session (a shared phone whose session ended without logging out).
  function setUser(user) {
    return db().then(function (database) {
      return database.put(META, String(user), "user");
    });
  }

  function currentUser() {
    return db().then(function (database) {
      return database.get(META, "user");
    });
  }

  function body(entry, csrfToken) {
    var data = new URLSearchParams();
    entry.fields.forEach(function (pair) {
      if (pair[0] !== "csrfmiddlewaretoken") {
        data.append(pair[0], pair[1]);
      }
    });
    data.append("csrfmiddlewaretoken", csrfToken || entry.csrf || "");
    return data;
  }

  function refuse(entry, errors) {
    entry.state = "refused";
    entry.errors = errors;
    return put(entry).then(function () {
      return "refused";
    });
  }

  // One entry: "sent", "refused" (kept with the server's messages), or "stop" (no network, the session
  // ended, the server is down: the entry stays pending and the rest wait too).
  function sendOne(entry, csrfToken) {
    var abort = new AbortController();
    var timer = setTimeout(function () {
      abort.abort();
    }, SEND_TIMEOUT_MS);
    return fetch(entry.url, {
      method: "POST",
      body: body(entry, csrfToken),
      credentials: "same-origin",
      headers: { Accept: "application/json", "Idempotency-Key": entry.id },
      signal: abort.signal,
    }).then(function (response) {
      clearTimeout(timer);
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.ok && json && !response.redirected) {
        return response.json().then(function (saved) {
          return remove(entry.id).then(function () {
            return { outcome: "sent", url: saved.url };
          });
        });
      }
      if (response.status === 400 && json) {
        return response.json().then(function (answer) {
          return refuse(entry, answer.errors || []);
        });
      }
      if (response.status === 404) {
        return refuse(entry, [{ label: "", code: "not_found" }]);
      }
      return "stop";
    }, function () {
      clearTimeout(timer);
      return "stop";
    }).then(function (result) {
      return typeof result === "string" ? { outcome: result } : result;
    });
  }

  function sendInOrder(entries, csrfToken, report) {
    if (!entries.length) {
      return Promise.resolve(report);
    }
    return sendOne(entries[0], csrfToken).then(function (result) {
      report[result.outcome] += 1;
      report.last = result.url || report.last;
      if (result.outcome === "stop") {
        return report;
      }
      return sendInOrder(entries.slice(1), csrfToken, report);
    });
  }

  // Every pending entry of the current account, oldest first, by one sender at a time (a page and the
  // service worker may both start: the Web Locks API lets the second wait and then find nothing left).
  function sendAll(csrfToken) {
    var run = function () {
      return Promise.all([all(), currentUser()]).then(function (found) {
        var pending = found[0].filter(function (entry) {
          return entry.state === "pending" && entry.user === found[1];
        });
        return sendInOrder(pending, csrfToken, { sent: 0, refused: 0, stop: 0, last: null });
      });
    };
    var locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request("partybuild-offline-send", run) : run();
  }

  scope.pbQueue = {
    SYNC_TAG: "partybuild-offline-queue",
    all: all,
    get: get,
    put: put,
    remove: remove,
    clear: clear,
    setUser: setUser,
    currentUser: currentUser,
    sendAll: sendAll,
  };
})(self);
