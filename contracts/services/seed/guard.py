"""What a user may change by uploading seed files, by the rules every other write follows (contracts.publishing):
only a publisher publishes or unpublishes a revision, and what a published revision says (its own fields, its
rows, its citations) changes only for someone who may correct published data."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from contracts.models import Revision
from contracts.publishing import CORRECT_PUBLISHED, PUBLISH
from contracts.services.seed.loader import SeedGuard


def upload_guard(*, user: AbstractBaseUser) -> SeedGuard:
    """A guard for `user`'s upload, judged on the revisions published before it (an upload that publishes a
    revision and fills it in at once changes a draft)."""
    published = set(Revision.objects.filter(is_published=True).values_list("pk", flat=True))
    may_publish = user.has_perm(PUBLISH)  # type: ignore[attr-defined]
    may_correct = user.has_perm(CORRECT_PUBLISHED)  # type: ignore[attr-defined]

    def guard(record: models.Model, changing: list[str]) -> str:
        if isinstance(record, Revision):
            publishes = record.is_published if record.pk is None else "is_published" in changing
            if publishes and not may_publish:
                verb = "unpublish" if record.pk is not None and record.pk in published else "publish"
                return f"it would {verb} the revision {record}: only a publisher can"
            own_fields = [name for name in changing if name != "is_published"]
            if record.pk in published and own_fields and not may_correct:
                return f"the revision {record} is published: only someone who may correct published data can change it"
            return ""
        revision_id = getattr(record, "revision_id", None)
        if revision_id in published and not may_correct:
            return (
                f"the {record._meta.verbose_name} {record} belongs to a published revision: only someone who may "
                "correct published data can change it"
            )
        return ""

    return guard
