"""The CJK font of the PDFs: Noto Sans SC from npm's @fontsource/noto-sans-sc (installed by `npm ci`).

The package ships the font split two ways: ~100 small files per weight cut by unicode-range (what browsers
load), and one "chinese-simplified" subset per weight (7,946 glyphs: the common simplified characters, Latin
letters, digits and punctuation). The PDF uses the latter, one file per weight: WeasyPrint embeds each
@font-face file as its own PDF font, and the small files all carry the same internal font name, which made
pypdf and PDF viewers map copied text to the wrong characters. The .woff files are used rather than the
.woff2 ones: WeasyPrint decodes woff2 in pure Python (fontTools), many times slower than woff's zlib.
Nothing is fetched from the network (see ``pdf.url_fetcher``).
"""

from pathlib import Path

from django.conf import settings

FAMILY = "Noto Sans SC"
SUBSET = "chinese-simplified"
WEIGHTS = (400, 700)


class FontMissing(RuntimeError):
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
