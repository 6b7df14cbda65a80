"""Content negotiation for endpoints whose ``?format=`` names the file they make (the dues summary, the
joint evaluation report), not a DRF renderer."""

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer


class FormatNamesTheFile(BaseContentNegotiation):
    """Answers in JSON whatever ``?format=`` says: the view reads the format itself and, for a file, answers
    with the file (or a job that makes it)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = JSONRenderer()
        return renderer, renderer.media_type
