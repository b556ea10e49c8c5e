"""A person at a browser, without the browser: a signed-in session that reads a page's forms and sends them back
as a browser would (hidden fields, chosen options, ticked boxes, text areas), over real HTTP to a served site."""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    attributes: dict
    fields: list[tuple[str, str]] = field(default_factory=list)

    def data(self) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        return values


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(attributes.get("action", ""), attributes.get("method", "get").lower(), attributes))
        if not self.forms:
            return
        form = self.forms[-1]
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in attributes:
            kind = attributes.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    form.fields.append((name, attributes.get("value", "on")))
            elif kind not in {"submit", "button", "image", "reset", "file"}:
                form.fields.append((name, attributes.get("value", "")))
        elif tag == "select" and name and "disabled" not in attributes:
            self._select, self._options = (name, "multiple" in attributes), []
        elif tag == "option" and self._select is not None:
            self._option = {"value": attributes.get("value"), "selected": "selected" in attributes, "text": []}
        elif tag == "textarea" and name and "disabled" not in attributes:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"].append(data)
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            option = self._option
            value = option["value"] if option["value"] is not None else "".join(option["text"]).strip()
            self._options.append((value, option["selected"]))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.forms[-1].fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = unescape("".join(self._text))
            # A browser drops the one line break that follows <textarea>, and sends lines ending CR LF.
            text = text[1:] if text.startswith("\n") else text
            self.forms[-1].fields.append((self._textarea, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self._textarea = None


def page_forms(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Reply:
    status: int
    headers: dict
    text: str

    def form(self, **attributes) -> Form:
        """The page's POST form with these attributes (id="entitlement_form", say), or its first POST form that
        is not the header's sign-out form."""
        for form in page_forms(self.text):
            if not attributes and form.attributes.get("id") == "logout-form":
                continue
            if form.method == "post" and all(form.attributes.get(key) == value for key, value in attributes.items()):
                return form
        raise AssertionError(f"No POST form with {attributes} on the page (status {self.status}).")


class Session:
    """One person's cookies on one site; redirects are not followed, so a save's 302 can be seen."""

    def __init__(self, site: str):
        self.site = site
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def _send(self, request: urllib.request.Request) -> Reply:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Reply(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read().decode())

    def get(self, path: str) -> Reply:
        return self._send(urllib.request.Request(self.site + path))

    def post(self, path: str, data: dict, files: dict[str, tuple[str, bytes]] | None = None) -> Reply:
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, values in data.items():
                for value in values if isinstance(values, list) else [values]:
                    parts.append(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                    )
            for name, (filename, content) in files.items():
                head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            kind = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.site + path, data=body, headers={"Content-Type": kind})
        return self._send(request)

    def sign_in(self, username: str, password: str) -> None:
        form = self.get("/admin/login/").form(id="login-form")
        data = {**form.data(), "username": username, "password": password}
        reply = self.post("/admin/login/", data)
        assert reply.status == 302, f"{username} could not sign in ({reply.status})"
