"""Analysts read while an editor saves: the load run.py drives against gunicorn on PostgreSQL."""

import json
import os

from forms import form_fields  # type: ignore[import-not-found]  # load/forms.py, beside it as Locust runs it
from locust import HttpUser, between, events, task

EDIT_URL = os.environ["LOAD_EDIT_URL"]  # the change page of the entitlement the editor keeps saving
SAVES_FILE = os.environ["LOAD_SAVES_FILE"]
saves: list[str] = []


class Analyst(HttpUser):
    wait_time = between(0, 0.2)

    @task(4)
    def trust_list(self):
        self.client.get("/trusts/?kind=acute&kind=specialist_acute&system=cerner-millennium", name="trust list")

    @task(4)
    def trust_page(self):
        self.client.get("/trusts/RAN/", name="trust page")

    @task(3)
    def compare(self):
        self.client.get("/contracts/london-lsp/compare/?system=cerner-millennium&outcome=unknown", name="compare")

    @task(1)
    def export(self):
        with self.client.get("/entitlements/?_export=csv", name="entitlements CSV", stream=True,
                             catch_response=True) as response:  # fmt: skip
            rows = sum(chunk.count(b"\n") for chunk in response.iter_content(65536)) - 1
            if rows < 78:
                response.failure(f"the export held {rows} rows")


class Editor(HttpUser):
    """One editor saving the same published entitlement again and again, each save a correction with a new note."""

    fixed_count = 1
    wait_time = between(0.1, 0.3)

    def on_start(self):
        page = self.client.get("/admin/login/", name="editor opens the login page")
        fields = form_fields(page.text)
        fields.update(username=os.environ["LOAD_EDITOR"], password=os.environ["LOAD_PASSWORD"])
        self.client.post("/admin/login/?next=/admin/", data=fields, name="editor signs in",
                         headers={"Referer": f"{self.host}/admin/login/"})  # fmt: skip

    @task
    def save(self):
        page = self.client.get(EDIT_URL, name="editor opens the entitlement")
        fields = form_fields(page.text)
        note = f"load test save {len(saves) + 1}"
        fields["notes"] = note
        fields["correction_reason"] = f"Load test correction {len(saves) + 1}"
        fields["_save"] = "Save"
        referer = {"Referer": f"{self.host}{EDIT_URL}"}
        with self.client.post(EDIT_URL, data=fields, name="editor saves", allow_redirects=False,
                              headers=referer, catch_response=True) as response:  # fmt: skip
            if response.status_code == 302:
                saves.append(note)
            else:
                response.failure(f"the save answered {response.status_code}")


@events.test_stop.add_listener
def record_saves(**kwargs):
    with open(SAVES_FILE, "w") as file:
        json.dump(saves, file)
