"""No edit is silently lost: two people open the same record in the admin, the first saves, and the second's save,
based on the version they opened, is refused with a 409 that says someone else saved first, for every kind of
record an editor can change and for each kind of inline row.

Each change is to a plain text field (notes, a description), never a sourced one (contracts/evidence.py
SOURCED_FIELDS), so the only thing that can refuse the second save is its stale version. The records are the real
London seed; its revisions are drafts here (`seed_drafts`), which editors may change.
"""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from contracts.admin.inlines import VersionedInlineMixin
from contracts.evidence import SOURCED_FIELDS
from tests.conftest import client_for
from tests.helpers import admin_form_data, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_drafts")]

REFUSED = "Someone else saved this record after you opened it, so your save was refused"
ARTICLE = "ehi-2010-04-london-it-programme-slashed"
# The seeded records changed here, by the lookups that find them.
ORIGINAL = {"contract__slug": "london-lsp", "code": "original"}
CCN3 = {"contract__slug": "london-lsp", "code": "ccn3"}
RNOH_CERNER = {"organisation__code": "RAN", "system__slug": "cerner-millennium"}
RNOH_CERNER_ORIGINAL = {**RNOH_CERNER, "revision__code": "original"}
RNOH_CERNER_CCN3 = {**RNOH_CERNER, "revision__code": "ccn3"}
BARNET_CERNER = {"organisation__code": "RVL", "system__slug": "cerner-millennium"}
RNOH_PAS = {"organisation__code": "RAN", "product": "Silverlink PAS (iSoft-badged)"}
# The article's words on the Royal National Orthopaedic's plan to replace its PAS with Cerner.
RNOH_PAS_REPLACEMENT = {"source__key": ARTICLE, "local_system__product": RNOH_PAS["product"], "grade": "stated"}
HAMMERSMITH_INTO_IMPERIAL = {"predecessor__code": "RQN", "successor__code": "RYJ"}


@dataclass(frozen=True)
class Record:
    """One seeded record, the plain text field two people change, and who may change it."""

    model: str
    lookup: dict
    field: str
    # "editor": the Editor group may change it. "administrator": no role but a superuser may (the Editor group
    # only reads contracts, systems and suppliers).
    role: str = "editor"

    def get(self):
        return apps.get_model(self.model)._default_manager.get(**self.lookup)

    def __str__(self) -> str:
        return self.model


RECORDS = [
    Record("contracts.Source", {"key": ARTICLE}, "notes"),
    Record("contracts.Citation", RNOH_PAS_REPLACEMENT, "note"),
    Record("contracts.ReportedFigure", {"key": "cerner-live-april-2010"}, "notes"),
    Record("trusts.Succession", HAMMERSMITH_INTO_IMPERIAL, "notes"),
    Record("trusts.LocalSystem", RNOH_PAS, "notes"),
    Record("trusts.Organisation", {"code": "RAN"}, "notes"),
    Record("contracts.Revision", CCN3, "summary"),
    Record("contracts.Entitlement", RNOH_CERNER_ORIGINAL, "notes"),
    Record("contracts.Deliverable", {"revision__code": "ccn3", "code": "map-of-medicine"}, "notes"),
    Record("contracts.Deployment", BARNET_CERNER, "notes"),
    Record("contracts.Contract", {"slug": "london-lsp"}, "description", role="administrator"),
    Record("contracts.System", {"slug": "cerner-millennium"}, "description", role="administrator"),
    Record("trusts.Supplier", {"slug": "bt"}, "notes", role="administrator"),
    Record("trusts.OrganisationKind", {"slug": "acute"}, "description"),
    Record("trusts.IdentifierScheme", {"prefix": "GB-NHS"}, "notes", role="administrator"),
]


def versioned_models() -> set[str]:
    """Every model in the admin that refuses stale saves: each has a django-concurrency version field."""
    return {model._meta.label for model in admin.site._registry if hasattr(model, "_concurrencymeta")}


def change_url(record) -> str:
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def _superuser(username: str) -> User:
    return User.objects.create_superuser(username=username, password="a-long-test-password")


@pytest.fixture
def two_people(editor, second_editor):
    """Who opens the record first and who second, by the role that may change it."""
    return {
        "editor": (editor, second_editor),
        "administrator": (_superuser("administrator"), _superuser("second-administrator")),
    }


def test_every_versioned_model_in_the_admin_has_a_stale_save_test():
    """A model added to the admin with a version field, but not to RECORDS, fails here."""
    assert {record.model for record in RECORDS} == versioned_models()


def test_each_stale_save_changes_a_plain_field_that_needs_no_source():
    for record in RECORDS:
        model = apps.get_model(record.model)
        assert record.field not in SOURCED_FIELDS.get(model, ()), record


def test_each_stale_save_is_made_by_the_editor_role_wherever_it_may_change_the_record():
    """A superuser stands in only where no real role may change the record."""
    editors = Group.objects.get(name="Editor").permissions
    for record in RECORDS:
        meta = apps.get_model(record.model)._meta
        may_change = editors.filter(content_type__app_label=meta.app_label, codename=f"change_{meta.model_name}")
        assert may_change.exists() == (record.role == "editor"), record


@pytest.mark.parametrize("record", RECORDS, ids=str)
def test_the_second_editor_is_told_someone_saved_first_and_the_first_editors_value_survives(record, two_people):
    first_user, second_user = two_people[record.role]
    saved = record.get()
    url = change_url(saved)
    history = saved.history.count()
    first, second = client_for(first_user), client_for(second_user)
    first_form = admin_form_data(first.get(url))
    second_form = admin_form_data(second.get(url))

    first_form[record.field] = "First editor's words"
    assert first.post(url, first_form).status_code == 302

    second_form[record.field] = "Second editor's words"
    refused = second.post(url, second_form)
    assert refused.status_code == 409, (record.model, refused.status_code)
    page = visible_text(refused)
    assert REFUSED in page
    assert f"by {first_user.username}: " in page  # what was changed meanwhile, and by whom
    assert "Second editor's words" in page  # the second editor's input is still in the form, to copy
    saved.refresh_from_db()
    assert getattr(saved, record.field) == "First editor's words"
    assert saved.history.count() == history + 1


@dataclass(frozen=True)
class InlineRow:
    """A row shown inline on another record's page (narrowed by `query`), the text field changed in the row, and
    the page's own text field, changed in the same stale save."""

    parent: str
    parent_lookup: dict
    row: str
    row_lookup: dict
    field: str
    parent_field: str = "notes"
    query: str = ""

    def __str__(self) -> str:
        return f"{self.row} on a {self.parent} page"


INLINE_ROWS = [
    InlineRow(
        "contracts.Revision", ORIGINAL, "contracts.Entitlement", RNOH_CERNER_ORIGINAL, "deployment_slot",
        parent_field="summary", query="?system=cerner-millennium",
    ),
    InlineRow("trusts.LocalSystem", RNOH_PAS, "contracts.Citation", RNOH_PAS_REPLACEMENT, "note"),
    InlineRow("trusts.Organisation", {"code": "RAN"}, "contracts.Entitlement", RNOH_CERNER_CCN3, "delivery_model"),
    InlineRow("trusts.Organisation", {"code": "RVL"}, "contracts.Deployment", BARNET_CERNER, "phase"),
    InlineRow("trusts.Organisation", {"code": "RAN"}, "trusts.LocalSystem", RNOH_PAS, "notes"),
    InlineRow("trusts.Organisation", {"code": "RQN"}, "trusts.Succession", HAMMERSMITH_INTO_IMPERIAL, "notes"),
]  # fmt: skip


def versioned_inlines() -> set[str]:
    """Each kind of inline row that refuses stale saves, by its admin class, as shown on any registered page."""
    return {
        inline.__name__
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if issubclass(inline, VersionedInlineMixin)
    }


def inline_class(case: InlineRow) -> str:
    model_admin = admin.site._registry[apps.get_model(case.parent)]
    row_model = apps.get_model(case.row)
    (inline,) = [inline for inline in model_admin.inlines if inline.model is row_model]
    return inline.__name__


def test_every_kind_of_inline_row_has_a_stale_save_test():
    assert {inline_class(case) for case in INLINE_ROWS} == versioned_inlines()


def inline_prefix(page, row) -> str:
    """The form prefix of `row` among the page's inline rows, e.g. "entitlements-3"."""
    (prefix,) = [
        form.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is type(row)
        for form in inline.formset.forms
        if form.instance.pk == row.pk
    ]
    return prefix


@pytest.mark.parametrize("case", INLINE_ROWS, ids=str)
def test_a_row_changed_on_its_own_page_refuses_the_stale_inline_row_and_nothing_is_saved(case, editor, second_editor):
    parent = apps.get_model(case.parent)._default_manager.get(**case.parent_lookup)
    row = apps.get_model(case.row)._default_manager.get(**case.row_lookup)
    parent_url = change_url(parent) + case.query
    parent_history, row_history = parent.history.count(), row.history.count()
    opened = client_for(second_editor).get(parent_url)
    stale, prefix = admin_form_data(opened), inline_prefix(opened, row)

    first = client_for(editor)
    form = admin_form_data(first.get(change_url(row)))
    form[case.field] = "Changed on its own page"
    assert first.post(change_url(row), form).status_code == 302

    stale[f"{prefix}-{case.field}"] = "Changed inline"
    stale[case.parent_field] = "The page's own change, sent with the row's"
    refused = client_for(second_editor).post(parent_url, stale)
    assert refused.status_code == 409, (str(case), refused.status_code)
    assert REFUSED in visible_text(refused)
    row.refresh_from_db()
    parent.refresh_from_db()
    assert getattr(row, case.field) == "Changed on its own page"
    assert row.history.count() == row_history + 1
    assert getattr(parent, case.parent_field) != "The page's own change, sent with the row's"
    assert parent.history.count() == parent_history  # nothing of the page was saved either
