"""Text as it is stored: one kind of line ending.

Browsers send a text area's lines ending CR LF, spreadsheets and files may use CR LF or CR alone, and a record
typed in one and read back through another would otherwise differ only in what cannot be seen. Every text field
is normalised to LF once, as it is saved, whatever path the text came by (a form, an import, the seed).
"""

from typing import Any

from django.apps import AppConfig
from django.db import models


def normalise_line_endings(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_text_fields(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """A pre_save receiver: every CharField and TextField of the instance, with LF line endings. A raw save
    (a backup being restored) stores exactly what it is given."""
    if raw:
        return
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(instance, field.attname, normalise_line_endings(value))


def normalise_text_of(app_config: AppConfig) -> None:
    """Connect the receiver to every model of an app (in its AppConfig.ready)."""
    for model in app_config.get_models():
        models.signals.pre_save.connect(normalise_text_fields, sender=model, dispatch_uid=f"text:{model._meta.label}")
