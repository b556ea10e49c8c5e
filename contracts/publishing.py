"""Published revisions: their entitlements and deliverables change only as recorded corrections."""

CORRECT_PUBLISHED = "contracts.correct_published_data"


def is_published(record) -> bool:
    """Whether the record belongs to a published revision."""
    revision = getattr(record, "revision", None)
    return bool(revision is not None and revision.is_published)


def may_change(user, record) -> bool:
    """Whether `user` may change `record` at all, published or not (the model permission aside)."""
    return not is_published(record) or user.has_perm(CORRECT_PUBLISHED)
