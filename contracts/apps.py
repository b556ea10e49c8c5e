from django.apps import AppConfig

from nhsit.lib.text import normalise_text_of


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts, entitlements and sources"

    def ready(self):
        from contracts.evidence import connect_receivers
        from contracts.pages.quality import connect_summary_receivers

        normalise_text_of(self)
        connect_receivers()
        connect_summary_receivers()
