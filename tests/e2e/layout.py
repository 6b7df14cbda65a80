"""A page's layout in the browser tests: the desktop size (a phone's is ``PHONE`` in tests/e2e/conftest.py),
that the page does not scroll sideways, and screenshots to look at it by eye."""

import os
import tempfile
from pathlib import Path

DESKTOP = {"width": 1440, "height": 900}


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "scrolls sideways"


class Screenshots:
    """One test module's screenshots, in ``$PB_SHOTS`` when it is set, else in ``folder_name`` of the system's
    temporary folder; the folder is made on the first file."""

    def __init__(self, folder_name: str):
        self.folder = Path(os.environ.get("PB_SHOTS") or Path(tempfile.gettempdir()) / folder_name)

    def path(self, file_name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / file_name

    def __call__(self, page, name: str, *, full_page: bool = True) -> None:
        page.screenshot(path=str(self.path(f"{name}.png")), full_page=full_page)
