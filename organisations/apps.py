from django.apps import AppConfig
from django.db.backends.signals import connection_created

from nhsit.lib.search import use_candidate_threshold
from nhsit.lib.text import normalise_text_of


class OrganisationsConfig(AppConfig):
    """The organisation register. Its label stays "trusts", the app's first name, which its tables, migrations,
    permissions and history keep."""

    name = "organisations"
    label = "trusts"
    verbose_name = "Organisations and suppliers"

    def ready(self):
        normalise_text_of(self)
        connection_created.connect(use_candidate_threshold, dispatch_uid="search_candidate_threshold")
