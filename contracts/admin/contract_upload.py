"""Uploading a whole contract in the workshop: seed files (a .zip of a dataset folder, or the folder itself),
previewed, then written all or nothing by the same loader as load_seed.

Both steps need the permission to upload a contract, checked on each POST. The preview writes nothing: it is the
load, rolled back, and the files are kept on the server under a token only the uploader's session holds (see
pending_uploads). Applying loads them again, as the uploader, in one transaction, and writes only if that does
exactly what the preview showed; published revisions are guarded as everywhere else (a corrector's permission
to change what they say, a publisher's to publish). Every problem is shown with its file, line and rule.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from contracts.admin.pending_uploads import (
    PendingUpload,
    pending_upload_find,
    pending_upload_forget,
    pending_upload_keep,
)
from contracts.services.seed import SeedChanged, SeedError, SeedReport, seed_load, seed_preview
from contracts.services.seed.bundle import MOST_BYTES, MOST_FILES, seed_bundle_read

UPLOAD_CONTRACT = "contracts.upload_contract"
UPLOAD_REASON = "Uploaded in the admin as a whole contract"
# How many created or changed records the preview names per kind before saying how many more.
NAMED_PER_KIND = 10
# How many problems are listed before saying how many more.
PROBLEMS_SHOWN = 200


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (a folder's, with webkitdirectory), cleaned as a list."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ContractUploadForm(forms.Form):
    archive = forms.FileField(
        required=False,
        label="A .zip of the dataset folder",
        help_text="The folder's .toml files, side by side (other files in it are set aside).",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    folder = MultipleFileField(
        required=False,
        label="Or the folder itself",
        help_text=f"Its .toml files are read; anything else is set aside. At most {MOST_FILES} files and "
        f"{MOST_BYTES // (1024 * 1024)} MB.",
        widget=MultipleFileInput(attrs={"webkitdirectory": True, "multiple": True}),
    )

    def clean(self):
        data = super().clean() or {}
        chosen = [name for name in ("archive", "folder") if data.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError("Choose a .zip of seed files, or a folder of them (one, not both).")
        files = self.files_chosen()
        if len(files) > MOST_FILES:
            raise forms.ValidationError(f"This upload has {len(files)} files; at most {MOST_FILES} are read.")
        if sum(file.size or 0 for file in files) > MOST_BYTES:
            raise forms.ValidationError(
                f"This upload is larger than {MOST_BYTES // (1024 * 1024)} MB: upload a .zip of the folder's .toml "
                "files alone."
            )
        return data

    def files_chosen(self) -> list:
        data = self.cleaned_data
        return [data["archive"]] if data.get("archive") else list(data.get("folder") or [])

    def uploads(self) -> list[tuple[str, bytes]]:
        return [(file.name, file.read()) for file in self.files_chosen()]


class ContractUploadMixin:
    """The upload's two addresses beside the contract list, and its button on the list."""

    change_list_template = "admin/contracts/contract/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("upload/", wrap(self.upload_view), name="contracts_contract_upload"),
            path("upload/apply/", wrap(require_POST(self.upload_apply_view)), name="contracts_contract_upload_apply"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def has_upload_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(UPLOAD_CONTRACT)

    def changelist_view(self, request, extra_context=None):
        extra = {"may_upload": self.has_upload_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra)  # type: ignore[misc]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """The form (GET), or the preview of what the uploaded files would do (POST)."""
        if not self.has_upload_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self._upload_page(request, {"form": ContractUploadForm()})
        form = ContractUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._upload_page(request, {"form": form}, status=400)
        try:
            bundle = seed_bundle_read(uploads=form.uploads())
            report = seed_preview(files=bundle.files, user=request.user)  # type: ignore[arg-type]
        except SeedError as error:
            return self._upload_page(request, {"form": form, **_problems(error)}, status=400)
        context = {"form": ContractUploadForm(), "report": _preview(report), "ignored": bundle.ignored}
        context["file_names"] = sorted(bundle.files)
        if report.refused:
            context.update(_problems(SeedError(report.refused)), refused=True)
        elif report.changed:
            upload = PendingUpload(bundle.files, bundle.ignored, report.summary(), int(request.user.pk or 0))
            context["token"] = pending_upload_keep(request.session, upload)
        return self._upload_page(request, context)

    def upload_apply_view(self, request: HttpRequest) -> HttpResponse:
        """Write the previewed files, all or nothing."""
        if not self.has_upload_permission(request):
            raise PermissionDenied
        token = request.POST.get("token", "")
        upload = pending_upload_find(request.session, token, user_id=int(request.user.pk or 0))
        if upload is None:
            message = (
                "This preview is no longer kept (it was applied, replaced or has expired): upload the files again."
            )
            return self._upload_page(request, {"form": ContractUploadForm(), "problem": message}, status=400)
        try:
            report = seed_load(files=upload.files, user=request.user, reason=UPLOAD_REASON, expected=upload.summary)  # type: ignore[arg-type]
        except SeedChanged as error:
            pending_upload_forget(request.session)
            return self._upload_page(request, {"form": ContractUploadForm(), **_problems(error)}, status=409)
        except SeedError as error:
            return self._upload_page(request, {"form": ContractUploadForm(), **_problems(error)}, status=400)
        pending_upload_forget(request.session)
        created, updated = sum(report.created.values()), sum(report.updated.values())
        messages.success(
            request,
            f"The upload was written: {created} record{'s' if created != 1 else ''} created, {updated} changed, "
            f"{sum(report.unchanged.values())} already as the files give them.",
        )
        return redirect(reverse("admin:contracts_contract_changelist"))

    def _upload_page(self, request: HttpRequest, context: dict, *, status: int = 200) -> TemplateResponse:
        page = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": "Upload a whole contract",
            "opts": self.model._meta,  # type: ignore[attr-defined]
            "most_files": MOST_FILES,
            "most_megabytes": MOST_BYTES // (1024 * 1024),
            **context,
        }
        return TemplateResponse(request, "admin/contracts/contract/upload.html", page, status=status)


def _problems(error: SeedError) -> dict:
    shown = error.problems[:PROBLEMS_SHOWN]
    return {"problems": shown, "more_problems": len(error.problems) - len(shown)}


def _preview(report: SeedReport) -> list[dict]:
    """Per kind of record: how many are created, changed and unchanged, and the first of each by name."""
    rows = []
    for kind in report.kinds():
        created, updated = report.created_names.get(kind, []), report.updated_names.get(kind, [])
        rows.append(
            {
                "kind": kind,
                "created": report.created[kind],
                "updated": report.updated[kind],
                "unchanged": report.unchanged[kind],
                "created_names": created[:NAMED_PER_KIND],
                "more_created": max(0, len(created) - NAMED_PER_KIND),
                "updated_names": updated[:NAMED_PER_KIND],
                "more_updated": max(0, len(updated) - NAMED_PER_KIND),
            }
        )
    return rows
