from import_export.admin import ImportMixin
from import_export.formats import base_formats


class AllOrNothingImportMixin(ImportMixin):
    """Spreadsheet import with a preview; a file with any bad row, of any kind, writes nothing."""

    import_formats = [base_formats.CSV, base_formats.XLSX]

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs
