#!/usr/bin/env python3
# A copy of the scoring tool of issue 21 (/work/shared/tools/fieldscore.py), run by the reading tests.
"""Score a management response read from a document against a hand-made truth, field by field.

Both files are interchange files (managementresponse/2, YAML or JSON; the end line is not required).
Recommendations are paired in document order, falling back on the most similar text; actions (parts
included) are paired by the most similar text, since many documents leave them unnumbered. A text
field counts as right when its words match at 0.9 or better (Markdown marks and spacing ignored);
other fields must be equal after normalising case and spacing.

    python3 fieldscore.py READ.yaml TRUTH.yaml [--min 0.95] [--show 20]

Prints each wrong field, then one line: fields right / fields in the truth, and the items read that
are not in the truth (extra) or in the truth but not read (missing). Exits 1 below --min.
"""

import argparse
import difflib
import re
import sys
import unicodedata

import yaml


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".json"):
        import json

        return json.loads(text)
    return yaml.safe_load(text)


def words(value):
    """The words of a text, without Markdown marks, list markers, punctuation runs or case."""
    if value is None:
        return []
    text = unicodedata.normalize("NFKC", str(value)).lower()
    text = re.sub(r"[*_`#>|\\]+", " ", text)
    text = re.sub(r"[‐-―−]", "-", text)
    return re.findall(r"[\w'’.-]+", text)


def similar(a, b):
    wa, wb = words(a), words(b)
    if not wa and not wb:
        return 1.0
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def same(a, b):
    norm = lambda v: " ".join(words(v)) if not isinstance(v, list) else sorted(" ".join(words(x)) for x in v)
    return norm(a) == norm(b)


def recommendations(doc):
    out = []
    for group in doc.get("groups") or []:
        for theme in group.get("themes") or []:
            out.extend(theme.get("recommendations") or [])
        out.extend(group.get("recommendations") or [])
    out.extend(doc.get("recommendations") or [])
    return out


def actions(doc):
    out = []

    def walk(items):
        for a in items or []:
            out.append(a)
            walk(a.get("parts"))

    walk(doc.get("actions"))
    return out


def action_text(a):
    return f"{a.get('title') or ''} {a.get('narrative') or ''}"


def pair(truth, read, key):
    """Greedy pairing: each truth item with the unpaired read item whose key text is most similar (>= 0.5)."""
    pairs, used = [], set()
    scored = sorted(
        ((similar(key(t), key(r)), i, j) for i, t in enumerate(truth) for j, r in enumerate(read)),
        reverse=True,
    )
    taken = set()
    for s, i, j in scored:
        if s < 0.5 or i in taken or j in used:
            continue
        pairs.append((i, j))
        taken.add(i)
        used.add(j)
    return dict(pairs), len(read) - len(used)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("read")
    ap.add_argument("truth")
    ap.add_argument("--min", type=float, default=0.0)
    ap.add_argument("--show", type=int, default=20)
    args = ap.parse_args()
    read, truth = load(args.read), load(args.truth)
    right, total, wrong = 0, 0, []

    def field(name, ok, got, want):
        nonlocal right, total
        total += 1
        if ok:
            right += 1
        else:
            wrong.append(f"{name}: read {str(got)[:70]!r}, truth {str(want)[:70]!r}")

    rt, rr = truth.get("response") or {}, read.get("response") or {}
    for k in ("title", "organisation", "language", "published_on"):
        field(f"response.{k}", same(rr.get(k), rt.get(k)), rr.get(k), rt.get(k))
    et, er = rt.get("evaluation") or {}, rr.get("evaluation") or {}
    field("evaluation.title", similar(er.get("title"), et.get("title")) >= 0.9, er.get("title"), et.get("title"))
    field("evaluation.delivered_on", same(er.get("delivered_on"), et.get("delivered_on")), er.get("delivered_on"), et.get("delivered_on"))

    at, ar = actions(truth), actions(read)
    amap, aextra = pair(at, ar, action_text)
    for i, a in enumerate(at):
        name = f"action {a.get('number')}"
        if i not in amap:
            total += 5
            wrong.append(f"{name}: missing ({action_text(a)[:60]!r})")
            continue
        b = ar[amap[i]]
        field(f"{name}.text", similar(action_text(b), action_text(a)) >= 0.9, action_text(b), action_text(a))
        field(f"{name}.status", same(b.get("status"), a.get("status")), b.get("status"), a.get("status"))
        field(f"{name}.time_frame", same(b.get("time_frame"), a.get("time_frame")), b.get("time_frame"), a.get("time_frame"))
        field(f"{name}.responsible_units", same(b.get("responsible_units") or [], a.get("responsible_units") or []),
              b.get("responsible_units"), a.get("responsible_units"))
        field(f"{name}.progress", same([p.get("text") for p in b.get("progress") or []], [p.get("text") for p in a.get("progress") or []]),
              len(b.get("progress") or []), len(a.get("progress") or []))
    number_of = {id(ar[j]): at[i].get("number") for i, j in amap.items()}
    read_numbers = {a.get("number"): number_of.get(id(a)) for a in ar}

    rect, recr = recommendations(truth), recommendations(read)
    rmap, rextra = pair(rect, recr, lambda r: r.get("text"))
    for i, r in enumerate(rect):
        name = f"recommendation {r.get('number') or i + 1}"
        if i not in rmap:
            total += 7
            wrong.append(f"{name}: missing ({str(r.get('text'))[:60]!r})")
            continue
        s = recr[rmap[i]]
        field(f"{name}.text", similar(s.get("text"), r.get("text")) >= 0.9, s.get("text"), r.get("text"))
        field(f"{name}.number", same(s.get("number"), r.get("number")), s.get("number"), r.get("number"))
        field(f"{name}.location", same(s.get("location"), r.get("location")), s.get("location"), r.get("location"))
        field(f"{name}.agreement", same(s.get("agreement"), r.get("agreement")), s.get("agreement"), r.get("agreement"))
        field(f"{name}.response", similar(s.get("response"), r.get("response")) >= 0.9, s.get("response"), r.get("response"))
        field(f"{name}.justification", similar(s.get("justification"), r.get("justification")) >= 0.9,
              s.get("justification"), r.get("justification"))

        def linked(rec, numbers=None):
            out = []
            for link in rec.get("actions") or []:
                n = link.get("action") if isinstance(link, dict) else link
                out.append(str(numbers.get(n, f"?{n}") if numbers is not None else n))
            return sorted(out)

        field(f"{name}.links", linked(s, read_numbers) == linked(r), linked(s, read_numbers), linked(r))

    for line in wrong[: args.show]:
        print("  " + line)
    if len(wrong) > args.show:
        print(f"  ... and {len(wrong) - args.show} more")
    score = right / total if total else 0.0
    missing_r = len(rect) - len(rmap)
    missing_a = len(at) - len(amap)
    print(f"fields {score:.4f} ({right}/{total}); recommendations {len(rmap)}/{len(rect)} read, {rextra} extra; "
          f"actions {len(amap)}/{len(at)} read, {aextra} extra")
    ok = score >= args.min and rextra == 0 and aextra == 0 and missing_r == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
