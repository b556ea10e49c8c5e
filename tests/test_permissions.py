"""Every admin address that accepts a POST, walked as every role: what a role may not do is refused and leaves the
database exactly as it was.

The addresses come from the admin's registry (each model admin's own URLs, actions, inlines, editable columns
and imports), so a model, action or view added later is walked without editing this test; an address of a kind
the walk does not know fails it, until the walk is taught what to send there. Each request is also sent by a
superuser, where that can show it would have written, so that a refusal is never only a malformed request.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, User
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from import_export.admin import ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from contracts.models import Source
from tests.helpers import admin_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_drafts")]

ROLES = ["anonymous", "signed-in, not staff", "Viewer", "Editor", "Publisher"]
# What each kind of address needs, as model permission actions.
NEEDS = {"add": ["add"], "change": ["change"], "delete": ["delete"], "revert": ["change"], "list edit": ["change"]}
# Text fields the walk changes to show that a request writes, the first that a form has.
WALKED_FIELDS = [
    "notes", "note", "description", "summary", "value_note", "title", "name", "statement", "first_name",
    "product", "part", "phase", "quote", "delivery_model",
]  # fmt: skip
# What an action with a form of its own is sent besides the selection.
ACTION_FORMS = {
    "new_revision_from_this_one": {"apply": "1", "code": "walked", "title": "Walked", "signed_precision": "day"},
    "delete_selected": {"post": "yes"},
}
# What an action needs of its record for a superuser's run to show that it writes (each sign-in, the walk's own
# included, clears expired attempts, so this is done just before the superuser's run).
ACTION_SETUP = {
    "cleanup_expired_attempts": lambda record: (
        type(record)
        ._default_manager.filter(pk=record.pk)
        .update(attempt_time=record.attempt_time - timedelta(days=365))
    ),
}
KNOWN_URLS = {"changelist", "add", "change", "delete", "history", "simple_history", "import", "process_import"}
# Addresses of a model admin's own, beyond Django's, with what each needs.
OWN_URLS = {"upload": ("upload", ("upload",)), "upload_apply": ("apply upload", ("upload",))}


@dataclass(frozen=True)
class Endpoint:
    model: type[models.Model]
    kind: str
    detail: str = ""
    needs: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return f"{self.model._meta.label} {self.kind}{f' {self.detail}' if self.detail else ''}"


def _superuser_request() -> Any:
    """Enough of a request for the admin to say what a superuser may do (no database needed)."""
    return SimpleNamespace(user=User(is_superuser=True, is_staff=True, is_active=True), GET={}, POST={})


def endpoints() -> list[Endpoint]:
    found = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            name = (pattern.name or "").removeprefix(prefix)
            if pattern.name and name in OWN_URLS:
                kind, needs = OWN_URLS[name]
                found.append(Endpoint(model, kind, needs=needs))
            elif pattern.name and name not in KNOWN_URLS and name != "password_change":
                raise AssertionError(f"The permission walk does not know the admin URL {pattern.name}: teach it.")
        found += [Endpoint(model, kind, needs=tuple(NEEDS[kind])) for kind in ["add", "change", "delete"]]
        if isinstance(model_admin, SimpleHistoryAdmin):
            found.append(Endpoint(model, "revert", needs=("change",)))
        if model_admin.list_editable:
            found.append(Endpoint(model, "list edit", needs=("change",)))
        if isinstance(model_admin, ImportMixin):
            found.append(Endpoint(model, "import", needs=("add", "change")))
            found.append(Endpoint(model, "confirm import", needs=("add", "change")))
        if model is User:
            found.append(Endpoint(model, "password", needs=("change",)))
        for name, action in model_admin.get_actions(_superuser_request()).items():
            declared = getattr(action[0] if action else None, "allowed_permissions", None)
            assert declared, f"The admin action {name} of {model._meta.label} declares no permission."
            found.append(Endpoint(model, "action", name, needs=tuple(declared)))
        for inline in model_admin.inlines:
            found.append(Endpoint(model, "inline", inline.model._meta.model_name, needs=("change",)))
    return sorted(found, key=lambda endpoint: endpoint.label)


def database_fingerprint() -> str:
    """Every row of every table (sessions aside: signing in writes them), as one hash."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table == "django_session":
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest.update(f"{table}:{len(rows)}:{''.join(rows)}".encode())
    return digest.hexdigest()


def client_as(role: str) -> tuple[Client, User | None]:
    client = Client()
    if role == "anonymous":
        return client, None
    user = User.objects.create(username=f"walk-{role.replace(' ', '-').replace(',', '')}")
    if role != "signed-in, not staff":
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client, user


def admin_lets_change(user: User | None, model) -> bool:
    """Whether the admin offers this user the record's page to change at all (a publisher may change whether a
    revision is published, and nothing else of it): such a user's POST may be answered as a save, but must write
    nothing they may not change."""

    request = SimpleNamespace(user=user)
    return user is not None and model_admin_of(model).has_change_permission(request, a_record(model))


def may(user: User | None, endpoint: Endpoint, inline_model=None) -> bool:
    if user is None or not user.is_staff:
        return False
    opts = endpoint.model._meta
    allowed = all(user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") for action in endpoint.needs)
    if inline_model is not None:
        allowed = allowed and user.has_perm(f"{inline_model._meta.app_label}.change_{inline_model._meta.model_name}")
    return allowed


def url(model, name: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def walked(data: dict, prefix: str = "") -> dict | None:
    """The form's data with one text field changed; None when the form has none to change."""
    for name in WALKED_FIELDS:
        key = f"{prefix}{name}"
        if key in data and isinstance(data[key], str):
            return {**data, key: f"{data[key]} (walked)"[:100]}
    return None


def a_record(model):
    """The model's first record, made up if there is none (sign-in attempts, say)."""
    from model_bakery import baker

    return model._default_manager.order_by("pk").first() or baker.make(model)


@dataclass
class Request:
    path: str
    data: dict
    writes: bool  # whether a superuser sending it is known to write
    prepare: Callable[[], object] | None = None  # what the superuser's run needs done first


def request_for(endpoint: Endpoint, superuser: Client) -> Request | None:
    """What to send, built from what the admin shows a superuser; None where there is nothing to send it to."""
    model = endpoint.model
    record = a_record(model)
    if endpoint.kind == "add":
        return Request(url(model, "add"), {}, writes=False)
    if record is None:
        return None
    if endpoint.kind == "change":
        data = walked(admin_form_data(superuser.get(url(model, "change", record.pk))))
        return Request(url(model, "change", record.pk), data or {}, writes=data is not None)
    if endpoint.kind == "delete":
        return Request(url(model, "delete", record.pk), {"post": "yes"}, writes=False)
    if endpoint.kind == "password":
        return Request(url(model, "password_change", record.pk), {"password1": "p" * 20, "password2": "p" * 20}, True)
    if endpoint.kind == "revert":
        text = walked(admin_form_data(superuser.get(url(model, "change", record.pk))))
        if text is None:
            return None
        assert superuser.post(url(model, "change", record.pk), text).status_code == 302
        past = record.history.order_by("-history_id")[1]
        form = admin_form_data(superuser.get(url(model, "simple_history", record.pk, past.history_id)))
        return Request(url(model, "simple_history", record.pk, past.history_id), form, True)
    if endpoint.kind == "list edit":
        listing = superuser.get(url(model, "changelist"))
        formset = listing.context["cl"].formset
        data = {"_save": "Save", **dict(re.findall(r'name="([^"]+)" value="([^"]*)"', str(formset.management_form)))}
        for index, form in enumerate(formset.forms):
            data[f"form-{index}-id"] = str(form.instance.pk)
            for name in model_admin_of(model).list_editable:
                data[f"form-{index}-{name}"] = form[name].value()
        first = formset.forms[0]
        choices = [value for value, _label in first.fields["status"].choices if value != first["status"].value()]
        data["form-0-status"] = choices[0]
        return Request(url(model, "changelist"), data, True)
    if endpoint.kind == "import":
        return Request(url(model, "import"), {"format": "0", "resource": "0", "import_file": edited_file(model)}, False)
    if endpoint.kind == "confirm import":
        previewed = superuser.post(
            url(model, "import"), {"format": "0", "resource": "0", "import_file": edited_file(model)}
        )
        return Request(url(model, "process_import"), previewed.context["confirm_form"].initial, writes=True)
    if endpoint.kind == "action":
        version = getattr(record, "version", None)
        selected = f"{record.pk},{version}" if version is not None else str(record.pk)
        data = {"action": endpoint.detail, ACTION_CHECKBOX_NAME: [selected], "index": "0"}
        data.update(ACTION_FORMS.get(endpoint.detail, {}))
        if endpoint.detail.startswith("mark_"):  # a new status asks for its source, or why there is none
            data.update(apply="1", unsourced_reason="Marked by the permission walk")
        if endpoint.detail == "cite_selected":
            source = Source.objects.order_by("pk")[0]
            data.update(
                apply="1", cite_source=str(source.pk), cite_quote="Cited by the permission walk", cite_grade="stated"
            )
        if endpoint.detail.startswith("mark_"):
            target = endpoint.detail.removeprefix("mark_")
            pk, version = model._default_manager.exclude(status=target).order_by("pk").values_list("pk", "version")[0]
            data[ACTION_CHECKBOX_NAME] = [f"{pk},{version}"]
        setup = ACTION_SETUP.get(endpoint.detail)
        return Request(
            url(model, "changelist"), data, writes=endpoint.detail != "delete_selected",
            prepare=(lambda: setup(record)) if setup else None,
        )  # fmt: skip
    if endpoint.kind == "inline":
        return inline_request(endpoint, superuser)
    if endpoint.kind == "upload":
        return Request(url(model, "upload"), {"archive": walked_seed()}, writes=False)
    if endpoint.kind == "apply upload":
        previewed = superuser.post(url(model, "upload"), {"archive": walked_seed()})
        assert previewed.context["token"], previewed.context.get("problems")
        return Request(url(model, "upload_apply"), {"token": previewed.context["token"]}, writes=True)
    raise AssertionError(f"No request for {endpoint.label}")


def edited_file(model):
    """A few of the model's records as its import reads them, one text cell changed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    resource = model_admin_of(model).get_import_resource_classes(_superuser_request())[0]()
    dataset = resource.export(queryset=model._default_manager.order_by("pk")[:3])
    column = next(
        field.column_name
        for name in WALKED_FIELDS
        for field in resource.get_import_fields()
        if field.column_name == name and not field.readonly
    )
    index = dataset.headers.index(column)
    first = list(dataset[0])
    first[index] = f"{first[index] or ''} (walked)"
    dataset[0] = first
    return SimpleUploadedFile(f"{model._meta.model_name}.csv", dataset.csv.encode(), content_type="text/csv")


def walked_seed():
    """A zip of one seed file that adds a supplier."""
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("suppliers.toml", '[[supplier]]\nslug = "walked"\nname = "Walked Ltd"\n')
    return SimpleUploadedFile("walked.zip", packed.getvalue(), content_type="application/zip")


def model_admin_of(model):
    return admin.site._registry[model]


def inline_request(endpoint: Endpoint, superuser: Client) -> Request | None:
    """The parent's page with the first row of one inline changed."""
    model = endpoint.model
    for record in model._default_manager.order_by("pk")[:50]:
        page = superuser.get(url(model, "change", record.pk))
        for inline in page.context["inline_admin_formsets"]:
            formset = inline.formset
            if formset.model._meta.model_name == endpoint.detail and formset.initial_forms:
                data = walked(admin_form_data(page), f"{formset.prefix}-0-")
                assert data is not None, f"No text field to change in the {endpoint.detail} rows"
                return Request(url(model, "change", record.pk), data, True)
    return None


@pytest.mark.parametrize("endpoint", endpoints(), ids=lambda endpoint: endpoint.label)
def test_no_role_writes_what_it_may_not(admin_user, endpoint):
    superuser = Client()
    superuser.force_login(admin_user)
    request = request_for(endpoint, superuser)
    if request is None:
        pytest.skip(f"No {endpoint.model._meta.verbose_name} to send it to.")
    inline_model = None
    if endpoint.kind == "inline":
        inline_model = next(
            inline.model
            for inline in model_admin_of(endpoint.model).inlines
            if inline.model._meta.model_name == endpoint.detail
        )
    for role in ROLES:
        client, user = client_as(role)
        if may(user, endpoint, inline_model):
            continue
        before = database_fingerprint()
        response = client.post(request.path, request.data)
        assert response.status_code in (302, 403, 200, 400, 409), (role, endpoint.label, response.status_code)
        if user is None or not user.is_staff:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), (
                role,
                endpoint.label,
            )
        elif endpoint.kind in {"change", "revert", "inline"} and admin_lets_change(user, endpoint.model):
            pass
        elif endpoint.kind in {
            "add",
            "change",
            "delete",
            "revert",
            "list edit",
            "import",
            "confirm import",
            "password",
            "upload",
            "apply upload",
        }:
            assert response.status_code == 403, (role, endpoint.label, response.status_code)
        assert database_fingerprint() == before, f"{role} wrote through {endpoint.label}"
    if request.writes:
        if request.prepare:
            request.prepare()
        before = database_fingerprint()
        response = superuser.post(request.path, request.data)
        assert database_fingerprint() != before, (
            f"The walk's request to {endpoint.label} writes nothing even for a superuser ({response.status_code})"
        )
