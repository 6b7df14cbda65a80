"""The joint evaluation report as a PDF (WeasyPrint): A4 landscape, a table per township on its own page with
the header row repeated on every page, Chinese text in Noto Sans SC embedded from the npm package
(partybuild/pdf.py)."""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone

from partybuild.pdf import RefusedURL
from partybuild.pdf import font_dir
from partybuild.pdf import render_document
from partybuild.pdf import url_fetcher
from partybuild.pdf import with_font_faces

from ..selectors.joint_report import GRADES
from ..selectors.joint_report import LEVELS
from ..selectors.joint_report import JointReport
from ..selectors.joint_report import grade_label
from ..selectors.joint_report import level_label

TEMPLATE = "assessments/reports/joint_evaluation_pdf.html"
__all__ = ["RefusedURL", "font_dir", "render_html", "render_pdf", "url_fetcher"]


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
    return with_font_faces(render_to_string(TEMPLATE, context))


def render_pdf(report: JointReport, progress: Callable[[float], None] | None = None) -> bytes:
    html = render_html(report)
    if progress is not None:
        progress(0.2)
    rendered = render_document(html)
    if progress is not None:
        progress(0.8)
    return rendered.write_pdf()
