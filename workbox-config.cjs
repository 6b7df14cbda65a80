/* The offline app's service worker (docs/offline.md), written by Workbox from node_modules at set-up
 * (`make assets`: `node workbox-config.cjs`) to var/pwa/sw.js, which partybuild/pwa.py serves at /sw.js.
 * Workbox's runtime is inlined into that one file: nothing is loaded from a CDN and nothing is vendored.
 *
 * Precached: the app shell the secretary's pages load (CSS, scripts, icons) and the font subsets that the
 * interface's Chinese text needs. Pages: network first, kept for offline use. Other font subsets: kept
 * once fetched (the characters of names and topics). */
const fs = require("fs");
const path = require("path");

// Where each source directory is served under STATIC_URL (partybuild/settings/base.py, STATICFILES_DIRS).
const SERVED = [
  ["static/", "/static/"],
  ["node_modules/bootstrap/dist/", "/static/vendor/bootstrap/"],
  ["node_modules/htmx.org/dist/", "/static/vendor/htmx/"],
  ["node_modules/idb/build/", "/static/vendor/idb/"],
  ["node_modules/@fontsource/noto-sans-sc/", "/static/vendor/noto-sans-sc/"],
];
const FONT_CSS = "node_modules/@fontsource/noto-sans-sc/400.css";
const CATALOG = "locale/zh_Hans/LC_MESSAGES/django.po";
const SHELL = [
  "static/css/partybuild.css",
  "static/css/print.css",
  "static/js/entry.js",
  "static/js/picker.js",
  "static/js/offline.js",
  "static/js/offline-queue.js",
  "static/pwa/*.{svg,webmanifest}",
  "node_modules/bootstrap/dist/css/bootstrap.min.css",
  "node_modules/bootstrap/dist/js/bootstrap.bundle.min.js",
  "node_modules/htmx.org/dist/htmx.min.js",
  "node_modules/idb/build/umd.js",
  FONT_CSS,
];

function servedUrl(file) {
  const [source, url] = SERVED.find(([prefix]) => file.startsWith(prefix));
  return url + file.slice(source.length);
}

function inRange(code, range) {
  const [low, high] = range.trim().replace("U+", "").split("-");
  return code >= parseInt(low, 16) && code <= parseInt(high || low, 16);
}

// The subsets (one woff2 file per unicode-range) holding a character of the interface's Chinese text.
function fontSubsetsUsed() {
  const text = fs.existsSync(CATALOG) ? fs.readFileSync(CATALOG, "utf8") : "";
  const codes = new Set([...text].map((char) => char.codePointAt(0)));
  const faces = fs.readFileSync(FONT_CSS, "utf8").split("@font-face").slice(1);
  const used = [];
  for (const face of faces) {
    const file = /url\(\.\/(files\/[^)]+\.woff2)\)/.exec(face);
    const ranges = /unicode-range:([^;]+);/.exec(face);
    if (file && ranges && [...codes].some((code) => ranges[1].split(",").some((r) => inRange(code, r)))) {
      used.push(path.posix.join(path.dirname(FONT_CSS), file[1]));
    }
  }
  return used;
}

// The page shown offline for a page not kept (partybuild/pwa.py), rendered by Django in the user's language:
// precached by URL, its revision the digest of its template and the catalog.
const OFFLINE_PAGE = "/offline/";
const OFFLINE_SOURCES = ["templates/offline.html", "templates/base.html", CATALOG];

function revisionOf(files) {
  const digest = require("crypto").createHash("sha256");
  files.filter((file) => fs.existsSync(file)).forEach((file) => digest.update(fs.readFileSync(file)));
  return digest.digest("hex").slice(0, 16);
}

const config = {
  globDirectory: ".",
  additionalManifestEntries: [{ url: OFFLINE_PAGE, revision: revisionOf(OFFLINE_SOURCES) }],
  globPatterns: [...SHELL, ...fontSubsetsUsed()],
  globIgnores: [],
  maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
  manifestTransforms: [
    async (entries) => ({ manifest: entries.map((entry) => ({ ...entry, url: servedUrl(entry.url) })) }),
  ],
  swDest: "var/pwa/sw.js",
  mode: "production",
  sourcemap: false,
  inlineWorkboxRuntime: true,
  skipWaiting: true,
  clientsClaim: true,
  cleanupOutdatedCaches: true,
  // The queue's background sync (static/js/offline-sw.js) and what it needs, served by Django.
  importScripts: ["/static/vendor/idb/umd.js", "/static/js/offline-queue.js", "/static/js/offline-sw.js"],
  runtimeCaching: [
    {
      // The pages a secretary records with: home, the branch page, the four entry forms and the month's dues
      // (static/js/offline.js).
      urlPattern: ({ request, url }) =>
        request.mode === "navigate" &&
        /^\/($|branch\/\d+\/$|people\/((visits|meetings|trainings|study-records)\/new|dues\/month)\/$)/.test(
          url.pathname,
        ),
      handler: "NetworkFirst",
      options: {
        cacheName: "pb-pages",
        networkTimeoutSeconds: 8,
        matchOptions: { ignoreVary: true },
        cacheableResponse: { statuses: [200] },
        // A page that answered with the login form (the session ended) is not the page.
        plugins: [{ cacheWillUpdate: async ({ response }) => (response.redirected ? null : response) }],
      },
    },
    {
      // Any other page, while there is no network: the precached page that says so and links to those kept,
      // instead of the browser's own error page.
      urlPattern: ({ request }) => request.mode === "navigate",
      handler: "NetworkOnly",
      options: {
        plugins: [
          {
            handlerDidError: async () =>
              // Written out: the worker receives this function as text, without the constants above.
              (await caches.match("/offline/", { ignoreSearch: true })) || Response.error(),
          },
        ],
      },
    },
    {
      urlPattern: ({ url }) => url.pathname.startsWith("/static/vendor/noto-sans-sc/files/"),
      handler: "CacheFirst",
      options: { cacheName: "pb-fonts", expiration: { maxEntries: 120 }, cacheableResponse: { statuses: [200] } },
    },
  ],
};

module.exports = config;

if (require.main === module) {
  require("workbox-build")
    .generateSW(config)
    .then(({ count, size, warnings }) => {
      if (warnings.length) {
        throw new Error(warnings.join("\n"));
      }
      console.log(`${config.swDest}: precaches ${count} files, ${size} bytes`);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
