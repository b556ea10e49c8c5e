"""Finding organisations by what a person types: an ODS code, or part of a name."""

from django.db.models import Q, QuerySet

from organisations.models import Organisation


def organisation_search(queryset: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    """Organisations whose ODS code, name or short name contains the text (any case)."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(ods_code__iexact=text) | Q(name__icontains=text) | Q(short_name__icontains=text))
