"""A reader or an editor over HTTP, as a browser is one: cookies, the CSRF token, and
the admin's forms posted with every field the page holds (scripts/soak.py,
tests/deploy/test_stack.py). Standard library only."""

import http.cookiejar
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Page:
    status: int
    url: str
    headers: object
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")


class Browser:
    def __init__(self, base_url, timeout=30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Page(response.status, response.url, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.url, error.headers, error.read())

    def get(self, path, headers=None):
        return self._open(urllib.request.Request(self.base_url + path, headers=headers or {}))

    def post(self, path, fields, files=()):
        """POST `fields` (pairs) and `files` ((name, filename, bytes, type) tuples) as
        the browser does: urlencoded, or multipart when there are files. Redirects
        are followed, as after a save in the admin."""
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(list(fields)).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base_url + path,
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "Referer": self.base_url + path},
        )
        return self._open(request)

    def submit(self, path, changes=(), files=(), form_id=None, drop=()):
        """Open `path`, take its form's fields as they are, replace those named in
        `changes` (pairs; a button is one more pair), leave out `drop`, and post it."""
        page = self.get(path)
        if page.status != 200:
            return page
        changed = dict(changes)
        fields = [
            (name, value)
            for name, value in form_fields(page.text, form_id)
            if name not in changed and name not in drop
        ]
        return self.post(path, fields + list(changed.items()), files)

    def log_in(self, username, password, admin_path="admin"):
        login = f"/{admin_path}/login/"
        page = self.submit(login, [("username", username), ("password", password)])
        if page.status != 200 or urllib.parse.urlsplit(page.url).path == login:
            raise RuntimeError(f"登录失败：{username}（{page.status}）")
        return page

    def cookie(self, name):
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)


def multipart(fields, files):
    boundary = "fedsite" + secrets.token_hex(12)
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for name, filename, content, content_type in files:
        quoted = urllib.parse.quote(filename)
        head = (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{quoted}"; filename*=UTF-8\'\'{quoted}\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def form_fields(html, form_id=None):
    """The (name, value) pairs a browser would submit from the page's form (the one
    with `form_id`, else the first one with a CSRF token), buttons and files left out."""
    parser = _FormParser(form_id)
    parser.feed(html)
    parser.close()
    if parser.fields is None:
        raise ValueError(f"页面上没有表单 {form_id or ''}".strip())
    return parser.fields


class _FormParser(HTMLParser):
    SKIPPED_TYPES = {"submit", "button", "image", "reset", "file"}

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.fields = None  # the chosen form's fields, once one is found
        self._current = None  # fields of the form being read
        self._textarea = None  # [name, text] while inside a <textarea>
        self._select = None  # [name, first option, chosen options, multiple]
        self._option = None  # [value or None, text] while inside an <option>

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form" and self.fields is None:
            wanted = self.form_id is None or attrs.get("id") == self.form_id
            self._current = [] if wanted else None
            return
        if self._current is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in self.SKIPPED_TYPES:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._current.append((name, attrs.get("value", "on")))
                return
            self._current.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = [name, None, [], "multiple" in attrs]
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "", "selected" in attrs]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if self._current is None:
            return
        if tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self._current.append((self._textarea[0], re.sub(r"^\r?\n", "", self._textarea[1])))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value = self._option[0] if self._option[0] is not None else self._option[1].strip()
            if self._select[1] is None:
                self._select[1] = value
            if self._option[2]:
                self._select[2].append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            name, first, chosen, multiple = self._select
            if not chosen and not multiple and first is not None:
                chosen = [first]
            self._current.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "form":
            names = {name for name, _ in self._current}
            if self.form_id is not None or "csrfmiddlewaretoken" in names:
                self.fields = self._current
            self._current = None
