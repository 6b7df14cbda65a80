"""Report files: the joint evaluation report rendered as an xlsx workbook and as a PDF."""
