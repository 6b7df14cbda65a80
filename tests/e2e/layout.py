"""A page's layout in the browser tests: the desktop size (a phone's is ``PHONE`` in tests/e2e/conftest.py),
that the page does not scroll sideways, and screenshots to look at it by eye."""

import os
from pathlib import Path

DESKTOP = {"width": 1440, "height": 900}


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "scrolls sideways"


class Screenshots:
    """One test module's screenshots, to look at by eye, in ``folder_name`` under ``$PARTYBUILD_SCREENSHOTS``
    when it is set (as every browser test's); none otherwise: a full page at 1440 pixels is seconds of CPU."""

    def __init__(self, folder_name: str):
        root = os.environ.get("PARTYBUILD_SCREENSHOTS")
        self.folder = Path(root) / folder_name if root else None

    def path(self, file_name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / file_name

    def __call__(self, page, name: str, *, full_page: bool = True) -> None:
        if self.folder is not None:
            page.screenshot(path=str(self.path(f"{name}.png")), full_page=full_page)
