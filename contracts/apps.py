from django.apps import AppConfig

from nhsit.lib.text import normalise_text_of


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts, entitlements and sources"

    def ready(self):
        normalise_text_of(self)
