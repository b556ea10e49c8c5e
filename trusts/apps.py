from django.apps import AppConfig

from nhsit.lib.text import normalise_text_of


class TrustsConfig(AppConfig):
    name = "trusts"
    verbose_name = "Organisations and suppliers"

    def ready(self):
        normalise_text_of(self)
