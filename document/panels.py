"""Panels that apps above this one add to the document page (the reading app: the original document
a response was read from). This app knows none of them: each registers a function in its
``AppConfig.ready`` that takes ``(request, response)`` and returns the panel's HTML (or "" for none)."""

_panels: list = []


def register(panel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def render_all(request, response) -> list:
    return [html for html in (panel(request, response) for panel in _panels) if html]
