"""A fast YAML writer for the interchange format, byte-identical to PyYAML's.

PyYAML's pure-Python dumper spends most of the export walking every character
of every text through its emitter (188 of 215 ms for 300 recommendations); its
C dumper is fast but indents lists differently. This writer emits the same
bytes as ``yaml.dump(data, Dumper=interchange._Dumper, ...)`` with the export's
options, for the shapes and scalars it knows, with string operations and a few
regular expressions instead of a loop per character:

- mappings with plain keys, lists (indented under their key), ``[]``;
- None, int, date, and strings written plain, single-quoted or as a literal
  block (``|``, ``|-``, ``|2-``), following PyYAML's emitter rules
  (``analyze_scalar`` and ``choose_scalar_style``).

Anything else -- control characters, a space before a line break, a text ending
in two line breaks, an empty mapping, a float -- makes ``dump`` return None,
and the caller uses PyYAML itself. tests/test_yaml_emit.py compares both on
the seed, a large synthetic response and many awkward strings.
"""

import datetime
import re

import yaml

STR_TAG = "tag:yaml.org,2002:str"

# Everything PyYAML writes as is with allow_unicode (no escapes): printable, and
# no line break other than "\n" (\x85, \u2028 and \u2029 are left to PyYAML).
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]")
_BLOCK_INDICATOR_FIRST = frozenset("#,[]{}&*!|>'\"%@`")


class Fallback(Exception):
    """Something this writer does not reproduce: PyYAML writes the document."""


def dump(data, dumper) -> str | None:
    """The YAML text of ``data``, or None when PyYAML must write it (``dumper``: the Dumper class it would use)."""
    resolver = yaml.resolver.BaseResolver()
    resolver.yaml_implicit_resolvers = dumper.yaml_implicit_resolvers  # how it tells "1.10" from 1.1
    out = []
    try:
        if not isinstance(data, dict) or not data:
            raise Fallback
        _mapping(data, 0, out, "", resolver)
    except Fallback:
        return None
    out.append("...\n")  # explicit_end: the reader knows the file is whole (docs/interchange.md)
    return "".join(out)


def _mapping(data, indent, out, lead, resolver):
    for index, (key, value) in enumerate(data.items()):
        if not isinstance(key, str) or "\n" in key:
            raise Fallback
        head = (lead if index == 0 else " " * indent) + _plain_or_raise(key, resolver) + ":"
        if isinstance(value, dict):
            if not value:
                raise Fallback
            out.append(head + "\n")
            _mapping(value, indent + 2, out, " " * (indent + 2), resolver)
        elif isinstance(value, list):
            if not value:
                out.append(head + " []\n")
            else:
                out.append(head + "\n")
                _sequence(value, indent + 2, out, resolver)
        else:
            out.append(head + " " + _scalar(value, indent, resolver))


def _sequence(items, indent, out, resolver):
    lead = " " * indent + "- "
    for item in items:
        if isinstance(item, dict):
            if not item:
                raise Fallback
            _mapping(item, indent + 2, out, lead, resolver)
        elif isinstance(item, list):
            raise Fallback
        else:
            out.append(lead + _scalar(item, indent, resolver))


def _scalar(value, indent, resolver) -> str:
    """The scalar as written after ``key: `` or ``- `` in a block at ``indent``, with its line break(s)."""
    if value is None:
        return "null\n"
    if isinstance(value, bool) or not isinstance(value, (str, int, datetime.date)):
        raise Fallback
    if isinstance(value, int):
        return f"{value}\n"
    if isinstance(value, datetime.datetime):
        raise Fallback
    if isinstance(value, datetime.date):
        return value.isoformat() + "\n"
    text = str(value)
    if _UNUSUAL.search(text):
        raise Fallback
    if "\n" in text:
        return _literal(text, indent)
    if _plain_allowed(text) and resolver.resolve(yaml.ScalarNode, text, (True, False)) == STR_TAG:
        return text + "\n"
    return "'" + text.replace("'", "''") + "'\n"


def _plain_allowed(text: str) -> bool:
    """PyYAML's ``allow_block_plain`` for a one-line string of printable characters."""
    if not text or text[0] == " " or text[-1] == " ":
        return False
    if text.startswith(("---", "...")) or text[0] in _BLOCK_INDICATOR_FIRST:
        return False
    if text[0] in "?:-" and (len(text) == 1 or text[1] == " "):
        return False
    return not (": " in text or text.endswith(":") or " #" in text)


def _plain_or_raise(key: str, resolver) -> str:
    if _UNUSUAL.search(key) or not _plain_allowed(key):
        raise Fallback
    if resolver.resolve(yaml.ScalarNode, key, (True, False)) != STR_TAG:
        raise Fallback
    return key


_DOUBLE_QUOTED_ESCAPE = re.compile('[\n"\\\\\U00010000-\U0010fffe]')
_ESCAPES = {"\n": "\\n", '"': '\\"', "\\": "\\\\"}
# PyYAML breaks a double-quoted line longer than the width (100,000): leave such texts to it.
_DOUBLE_QUOTED_LIMIT = 50_000


def _escape(match):
    ch = match.group()
    return _ESCAPES.get(ch) or f"\\U{ord(ch):08X}"


def _literal(text: str, indent: int) -> str:
    """A literal block (``|``), as PyYAML's ``write_literal`` writes it, or the double-quoted
    string PyYAML falls back to when a block cannot hold the text."""
    if " \n" in text or text.endswith(" "):
        # No block for a space before a line break or at the end: one double-quoted line.
        if len(text) > _DOUBLE_QUOTED_LIMIT:
            raise Fallback
        return '"' + _DOUBLE_QUOTED_ESCAPE.sub(_escape, text) + '"\n'
    if text.endswith("\n\n") or text == "\n":
        raise Fallback  # "|+", which also ends the document with "..."
    hints = "2" if text[0] in " \n" else ""
    if not text.endswith("\n"):
        hints += "-"
        text += "\n"
    pad = " " * (indent + 2)
    lines = text[:-1].split("\n")
    return f"|{hints}\n" + "".join(f"{pad}{line}\n" if line else "\n" for line in lines)
