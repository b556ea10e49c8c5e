"""What a person would take away from a response: its CSV rows, its visible text."""

import csv
import io
import re
from html import unescape

from django.forms import MultiWidget


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def csv_header(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return next(csv.reader(io.StringIO(text)))


def visible_text(response) -> str:
    """The page's text with tags removed and white space collapsed, as a reader would see it."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def shown_count(response) -> int:
    """The number in the results bar: "29 rows", "1 organisation", "1,500 entitlements", "No rows"."""
    match = re.search(r'<p class="count" role="status">\s*(No|[\d,]+) ', response.content.decode())
    assert match, "no count shown"
    return 0 if match.group(1) == "No" else int(match.group(1).replace(",", ""))


def admin_form_data(response) -> dict:
    """What an admin change page's form would submit unchanged, inlines included."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):  # a date and a time, say: one input each
                parts = value if isinstance(value, list | tuple) else field.widget.decompress(value)
                for index, (widget, part) in enumerate(zip(field.widget.widgets, parts or [], strict=True)):
                    data[f"{key}_{index}"] = widget.format_value(part) or ""
                continue
            data[key] = str(value) if not isinstance(value, list | tuple) else value
    return data


def pager_link(response, rel: str, *, pager: str | None = None) -> str | None:
    """The address of a page's Next (`rel="next"`) or Previous (`"prev"`) link: the first on the page, or the one in
    the pager labelled `pager`."""
    html = response.content.decode()
    if pager is not None:
        start = html.find(f'aria-label="{pager}"')
        html = html[start : html.index("</nav>", start)] if start >= 0 else ""
    found = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return unescape(found.group(1)).split("#")[0] if found else None


def pages_walked(client, path: str, start: str, shown, *, pager: str | None = None, rel: str = "next") -> list:
    """What `shown(response)` gives of each page from `path` + `start`, following the pager's `rel` links to the
    end (in the order walked)."""
    pages = []
    address: str | None = start
    while address is not None:
        response = client.get(f"{path}{address}")
        assert response.status_code == 200, visible_text(response)[:300]
        pages.append(shown(response))
        address = pager_link(response, rel, pager=pager)
    return pages


def offset_pages(ids: list, per_page: int) -> list[list]:
    """The ids cut into pages as numbered pages would be."""
    return [ids[start : start + per_page] for start in range(0, len(ids), per_page)]
