"""The forms of a page as a browser would submit them (for tests that post what a page shows)."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    """The values a browser would submit from each form of a page, as it stands."""

    def __init__(self):
        super().__init__()
        self.forms, self._data, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self._data = {}
            self.forms.append(self._data)
        if self._data is None:
            return
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            checkable = attrs.get("type") in {"checkbox", "radio"}
            if not checkable or "checked" in attrs:
                self._data[name] = attrs.get("value") or ("on" if checkable else "")
        elif tag == "select" and name:
            self._select = name
            self._data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self._data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._data = None

    def handle_data(self, data):
        if self._textarea and self._data is not None:
            text = self._data[self._textarea]
            self._data[self._textarea] += data.removeprefix("\n") if not text else data


def form_on(client, url, marker):
    """The data of the form on ``url`` that has a field named ``marker``."""
    page = client.get(url)
    assert page.status_code == 200
    parser = _Forms()
    parser.feed(page.content.decode())
    return next(form for form in parser.forms if marker in form)
