"""A ``Found`` made from a real interchange file, for the review page's tests while the readers are
being written (and beside them): the file's whole data, as a reader would hand it over, with the
page of each item and the fields a reader could not read (those are emptied, as a reader leaves them).

The pages are the places the items would have in a document of the shape: the title on page 1, the
chapters on 2, three recommendations a page from 3, two actions a page after them.
"""

from pathlib import Path

import yaml

from reading.found import Found
from reading.review import _set, items, prepared


def found_from_interchange(path: Path, *, unread=()) -> Found:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    data.pop("exported", None)
    layout = data["response"].get("layout") or "table"
    listed = items(prepared(data))
    recommendations = [item for item in listed if item.kind == "recommendation"]
    actions = [item for item in listed if item.kind == "action"]
    pages = {"response": 1}
    pages |= {item.key: 2 for item in listed if item.kind == "chapter"}
    pages |= {item.key: 3 + index // 3 for index, item in enumerate(recommendations)}
    first = 4 + len(recommendations) // 3
    pages |= {item.key: first + index // 2 for index, item in enumerate(actions)}
    # What a reader could not read it leaves empty: empty it in the data the items point into.
    found = prepared(data)
    by_key = {item.key: item for item in items(found)}
    for key, field in unread:
        _set(by_key[key], field, "")
    return Found(data=found, shape=layout, pages=pages, unread=[tuple(pair) for pair in unread])
