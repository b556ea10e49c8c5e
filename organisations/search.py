"""Finding organisations by what a person types: a code (RAN, GB-LAE-WSM), or part of a name."""

from django.db.models import Q, QuerySet

from organisations.models import Organisation, identified_by


def organisation_search(queryset: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    """Organisations with the text as their code or identifier, or in their name or short name (any case)."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(identified_by(text) | Q(name__icontains=text) | Q(short_name__icontains=text))
