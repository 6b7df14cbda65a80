"""PDFs with Chinese text (WeasyPrint), for any app: Noto Sans SC from npm's @fontsource/noto-sans-sc
(installed by `npm ci`), read from local files only.

The package ships the font split two ways: ~100 small files per weight cut by unicode-range (what browsers
load), and one "chinese-simplified" subset per weight (7,946 glyphs: the common simplified characters, Latin
letters, digits and punctuation). The PDF uses the latter, one file per weight: WeasyPrint embeds each
@font-face file as its own PDF font, and the small files all carry the same internal font name, which made
pypdf and PDF viewers map copied text to the wrong characters. The .woff files are used rather than the
.woff2 ones: WeasyPrint decodes woff2 in pure Python (fontTools), many times slower than woff's zlib.
Nothing is fetched from the network (``url_fetcher``).

A template marks where the @font-face rules go with ``/*FONT-FACES*/`` inside its <style>.
"""

from pathlib import Path

from django.conf import settings

FAMILY = "Noto Sans SC"
SUBSET = "chinese-simplified"
WEIGHTS = (400, 700)
FONT_FACES_MARK = "/*FONT-FACES*/"


class FontMissing(RuntimeError):
    pass


class RefusedURL(ValueError):
    pass


def font_dir() -> Path:
    return Path(settings.NODE_MODULES) / "@fontsource" / "noto-sans-sc"


def font_file(weight: int) -> Path:
    path = font_dir() / "files" / f"noto-sans-sc-{SUBSET}-{weight}-normal.woff"
    if not path.exists():
        raise FontMissing(f"{path} is missing: run `npm ci` to install @fontsource/noto-sans-sc.")
    return path


def font_face_css() -> str:
    """@font-face rules naming the package's font files by file:// URL."""
    return "\n".join(
        f"@font-face {{ font-family: '{FAMILY}'; font-weight: {weight}; font-style: normal; "
        f"src: url('{font_file(weight).resolve().as_uri()}') format('woff'); }}"
        for weight in WEIGHTS
    )


def with_font_faces(html: str) -> str:
    return html.replace(FONT_FACES_MARK, font_face_css())


def _check(url: str) -> None:
    if not url.startswith("file://"):
        raise RefusedURL(f"refused to fetch {url!r}: a PDF reads local font files only")
    root = font_dir().resolve().as_uri() + "/"
    if not url.split("?")[0].startswith(root) or "/../" in url:
        raise RefusedURL(f"refused to read {url!r}: outside {root}")


def url_fetcher():
    """A WeasyPrint fetcher that reads the font package's files only: no network, nothing else on disk."""
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 - WeasyPrint is heavy; only PDF paths load it

    class FontFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            _check(url)
            return super().fetch(url, headers)

    return FontFilesOnly(allowed_protocols={"file"})


def render_document(html: str):
    """The laid-out document of ``html`` (its fonts already in: ``with_font_faces``)."""
    import weasyprint  # noqa: PLC0415 - heavy; only PDF paths load it

    base_url = str(Path(font_dir()).resolve())
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=url_fetcher()).render()


def html_to_pdf(html: str) -> bytes:
    return render_document(with_font_faces(html)).write_pdf()
