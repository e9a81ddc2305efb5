"""Panels that apps above this one add to the action page (the evidence app: evidence and
validation). This app knows none of them: each registers a function in its ``AppConfig.ready``
that takes ``(request, action, rights)`` and returns the panel's HTML (or "" for none)."""

_panels: list = []


def register(panel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def render_all(request, action, rights) -> list:
    return [html for html in (panel(request, action, rights) for panel in _panels) if html]
