"""Import/export file formats (django-import-export Resources), split by topic."""

from .roster import CadreResource, MemberResource, ReserveCadreResource

__all__ = ["CadreResource", "MemberResource", "ReserveCadreResource"]
