"""Published revisions: their own fields, entitlements and deliverables change only as recorded corrections.

Three permissions, each checked where data is written (forms, inline rows, list edits, actions, imports,
reverts), not only by hiding a button:
- publishing and unpublishing a revision (the Publisher group);
- correcting what a published revision says (the Corrector group), each correction with a reason;
- the model permissions of the Editor group, for drafts.
"""

from contracts.models import Revision

CORRECT_PUBLISHED = "contracts.correct_published_data"
PUBLISH = "contracts.publish_revision"


def published_revision(record):
    """The published revision `record` belongs to (or is), as stored; None when it is a draft's or no revision's."""
    revision = record if isinstance(record, Revision) else getattr(record, "revision", None)
    return revision if revision is not None and revision.is_published else None


def is_published(record) -> bool:
    """Whether the record is a published revision or belongs to one."""
    return published_revision(record) is not None


def may_change(user, record) -> bool:
    """Whether `user` may change `record` at all, published or not (the model permission aside)."""
    return not is_published(record) or user.has_perm(CORRECT_PUBLISHED)
