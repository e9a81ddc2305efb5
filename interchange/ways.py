"""Ways to start a response that apps above this one add to /responses/new/ (the reading app:
from a document). This app knows none of them: each registers a template (its section of the page)
and a function ``(request) -> dict`` giving that template's context, in its ``AppConfig.ready``."""

_ways: list = []


def register(template: str, context) -> None:
    if (template, context) not in _ways:
        _ways.append((template, context))


def templates() -> list[str]:
    return [template for template, _context in _ways]


def context(request) -> dict:
    result: dict = {}
    for _template, extra in _ways:
        result.update(extra(request))
    return result
