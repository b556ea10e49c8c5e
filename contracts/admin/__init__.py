"""The data editors' workshop: every record editable, every change kept, no edit silently lost."""

from contracts.admin import entitlements, organisations, records, revisions  # noqa: F401  (registers the admins)
from contracts.admin.inlines import COMPACT_TEXT, CitationInline

__all__ = ["COMPACT_TEXT", "CitationInline"]
