"""Existing data migrates to identifier schemes and kinds as records, and back: the seed's organisations keep
their codes and kinds both ways."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.serving import scratch_database

CODES_AND_KINDS = "import json; from django.db import connection; c = connection.cursor(); c.execute({sql!r}); print(json.dumps(sorted(c.fetchall())))"  # noqa: E501

pytestmark = pytest.mark.django_db


def test_the_seed_migrates_back_to_ods_codes_and_forwards_again(tmp_path):
    with scratch_database(tmp_path, "identifiers") as url:
        environment = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "nhsit.settings"}

        def manage(*arguments: str) -> str:
            result = subprocess.run([sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR,
                                    env=environment, capture_output=True, text=True)  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
            return result.stdout

        def rows(sql: str) -> str:
            return manage("shell", "-c", CODES_AND_KINDS.format(sql=sql))

        manage("migrate", "--noinput")
        manage("load_seed")
        after = rows("SELECT scheme_id, code, kind FROM trusts_organisation")
        assert '["GB-NHS", "RAN", "specialist_acute"]' in after
        manage("migrate", "contracts", "0008", "--noinput")
        manage("migrate", "trusts", "0005", "--noinput")
        before = rows("SELECT ods_code, kind FROM trusts_organisation")
        assert '["RAN", "specialist_acute"]' in before
        assert before.count("[") == after.count("[")
        manage("migrate", "--noinput")
        assert rows("SELECT scheme_id, code, kind FROM trusts_organisation") == after
