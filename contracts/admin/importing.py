"""Spreadsheet import in the admin (django-import-export), made strict where the library's defaults are not.

- A file is read by nhsit.lib.import_files: a file it cannot read exactly is refused with a plain message.
- Nothing is written unless the whole file is valid; the preview says when it would change nothing.
- The confirmation writes only if every record the file touches is as the preview found it; otherwise, or if
  another editor's save wins the race for a row, nothing is written and the answer is 409.
- A confirmation that fails is never reported as a success (the library redirects with its counts whatever
  happened).
- Errors name where they are in the file, never with a traceback.
"""

from concurrency.exceptions import RecordModifiedError
from django import forms
from django.contrib.auth import get_permission_codename
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm

from contracts.admin.conflicts import conflict
from contracts.imports import ImportReport
from nhsit.lib.import_files import ImportFileError, StrictCSV, StrictXLSX

VERSIONS_SALT = "contracts.import.versions"


class VersionedConfirmImportForm(ConfirmImportForm):
    """The confirmation carries the versions the preview saw, signed, so the import can tell what changed since."""

    versions = forms.CharField(widget=forms.HiddenInput())

    def clean_versions(self) -> dict:
        try:
            return signing.loads(self.cleaned_data["versions"], salt=VERSIONS_SALT)
        except signing.BadSignature:
            raise forms.ValidationError("This confirmation is not one this site made: import the file again.") from None


class AllOrNothingImportMixin(ImportMixin):
    """Spreadsheet import with a preview; a file with any bad row, of any kind, writes nothing."""

    import_formats = [StrictCSV, StrictXLSX]
    import_template_name = "admin/import_export/import_checked.html"
    confirm_form_class = VersionedConfirmImportForm

    def has_import_permission(self, request) -> bool:
        """An import adds rows and changes rows: it needs both permissions."""
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        )

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_import_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        kwargs.pop("form", None)
        if not hasattr(request, "import_report"):
            request.import_report = ImportReport()
        return {**kwargs, "report": request.import_report}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", "This file could not be read. Check that the format chosen is the file's.")

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["versions"] = signing.dumps(request.import_report.seen_versions, salt=VERSIONS_SALT, compress=True)
        return initial

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            context = response.context_data
            self._explain(context, getattr(request, "import_report", ImportReport()))
            if not context.get("fields_list"):  # the library lists the columns only when the file was read
                resources = [
                    resource(**self.get_import_resource_kwargs(request))
                    for resource in self.get_import_resource_classes(request)
                ]
                context["fields_list"] = [
                    (resource.get_display_name(), [field.column_name for field in resource.get_user_visible_fields()])
                    for resource in resources
                ]
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Write the previewed file, or nothing: see the module's docstring."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return self._page(request, {"confirm_form": None, "errors": confirm_form.errors}, status=400)
        data = confirm_form.cleaned_data
        input_format = self.get_import_formats()[int(data["format"])]()
        storage = self.get_tmp_storage_class()(
            name=data["import_file_name"], encoding=None, read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )  # fmt: skip
        try:
            dataset = input_format.create_dataset(storage.read())
        except (OSError, ImportFileError):
            message = "The previewed file is no longer on the server, or cannot be read: import it again."
            return self._page(request, {"file_problem": message}, status=400)
        request.import_report = ImportReport(expected_versions=data["versions"])
        result = self.process_dataset(dataset, confirm_form, request, **kwargs)
        if not (result.has_errors() or result.has_validation_errors()):
            storage.remove()
            return self.process_result(result, request)
        stale = [row for row in result.rows for error in row.errors if isinstance(error.error, RecordModifiedError)]
        if stale:
            storage.remove()
            return conflict(
                request,
                message=f"Nothing was imported: {len(stale)} of the records this file changes "
                f"{'was' if len(stale) == 1 else 'were'} saved, added or deleted by someone else after your preview. "
                "Import the file again to see a fresh preview of what it would change now.",
            )
        context = {"result": result}
        self._explain(context, request.import_report)
        return self._page(request, context, status=400)

    def _page(self, request, context: dict, *, status: int) -> TemplateResponse:
        page = {**self.admin_site.each_context(request), "title": "Import", "opts": self.model._meta, **context}
        page.setdefault("import_error_display", self.import_error_display)
        return TemplateResponse(request, [self.import_template_name], page, status=status)

    @staticmethod
    def _explain(context: dict, report: ImportReport) -> None:
        """Where each error is in the file, and whether the file would change anything at all."""
        result = context.get("result")
        if result is None:
            return
        context["row_errors"] = [
            (report.place(number), str(error.error)) for number, errors in result.row_errors() for error in errors
        ]
        for row in result.invalid_rows:
            row.place = report.place(row.number)
        if not (result.has_errors() or result.has_validation_errors()):
            changes = sum(result.totals.get(kind, 0) for kind in ("new", "update", "delete"))
            context["nothing_to_change"] = changes == 0
            if changes == 0:
                context.pop("confirm_form", None)
