/* The service worker's own part of the offline app (docs/offline.md), imported by the worker Workbox builds
 * (workbox-config.cjs), after idb and static/js/offline-queue.js. Background Sync: the browser wakes the
 * worker when the connection returns, even with the app closed, and the queue is sent from here. */
(function () {
  "use strict";

  // The open pages show what was sent and what was refused (static/js/offline.js).
  function tellPages(report) {
    return self.clients.matchAll({ type: "window" }).then(function (pages) {
      pages.forEach(function (page) {
        page.postMessage({ type: "partybuild-offline-sent", sent: report.sent });
      });
    });
  }

  self.addEventListener("sync", function (event) {
    if (event.tag !== self.pbQueue.SYNC_TAG) {
      return;
    }
    event.waitUntil(
      self.pbQueue.sendAll(null).then(function (report) {
        tellPages(report);
        if (report.stop) {
          // Still no network (or the session ended): the browser tries again later.
          throw new Error("offline queue: entries still waiting");
        }
      })
    );
  });
})();
