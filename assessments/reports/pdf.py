"""The joint evaluation report as a PDF (WeasyPrint): A4 landscape, a table per township on its own page with
the header row repeated on every page, Chinese text in Noto Sans SC embedded from the npm package."""

from collections.abc import Callable
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from ..selectors.joint_report import GRADES, LEVELS, JointReport, grade_label, level_label
from .fonts import font_dir, font_face_css

TEMPLATE = "assessments/reports/joint_evaluation_pdf.html"


class RefusedURL(ValueError):
    pass


def _check(url: str) -> None:
    if not url.startswith("file://"):
        raise RefusedURL(f"refused to fetch {url!r}: the report reads local font files only")
    root = font_dir().resolve().as_uri() + "/"
    if not url.split("?")[0].startswith(root) or "/../" in url:
        raise RefusedURL(f"refused to read {url!r}: outside {root}")


def url_fetcher():
    """A WeasyPrint fetcher that reads the font package's files only: no network, nothing else on disk."""
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 - WeasyPrint is heavy; only report jobs load it

    class FontFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            _check(url)
            return super().fetch(url, headers)

    return FontFilesOnly(allowed_protocols={"file"})


def render_html(report: JointReport) -> str:
    distribution = report.summary["grade_distribution"]
    context = {
        "report": report,
        "summary": report.summary,
        "grades": [grade_label(grade) for grade in GRADES],
        "distribution": [
            (
                level_label(level),
                [distribution[level][grade] for grade in GRADES],
                distribution[level]["none"],
            )
            for level in LEVELS
        ],
        "generated_at": timezone.localtime(),
    }
    html = render_to_string(TEMPLATE, context)
    return html.replace("/*FONT-FACES*/", font_face_css())


def render_pdf(report: JointReport, progress: Callable[[float], None] | None = None) -> bytes:
    import weasyprint  # noqa: PLC0415 - heavy; only report jobs load it

    html = render_html(report)
    if progress is not None:
        progress(0.2)
    base_url = str(Path(font_dir()).resolve())
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=url_fetcher())
    rendered = document.render()
    if progress is not None:
        progress(0.8)
    return rendered.write_pdf()
