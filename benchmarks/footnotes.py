"""How a PDF render's time grows with the number of distinct footnotes: in one text, and in one document.

Run from the repository root:

    .venv/bin/python benchmarks/footnotes.py [--counts 25,50,100,200] [--bound 120]

In a throwaway SQLite database and an in-memory PDF cache (both made here, in a temporary folder),
with the seed imported. Each figure is one render of the whole seed document through ``render_pdf``
(a bounded render process, as the worker makes it: ``--bound`` seconds, "stopped" past it), with:

  - *calls one after another*: the introduction ends with a sentence followed by N calls, each of a
    note of its own (the case WeasyPrint lays out quadratically: the notes cannot all fit the page
    of their call and are reported to the next page, again and again);
  - *one paragraph*: a paragraph of N sentences, each calling a note of its own;
  - *one per paragraph*: the same N notes, one sentence and its call a paragraph;
  - *every text at the limit*: the introduction, every recommendation's text and every action's
    narrative each with ``core.richtext.MAX_FOOTNOTES`` notes called one after another (the most
    the limit lets a document hold without adding texts, in the worst layout).

Every note is a sentence of about 90 characters, as a real note citing the report.
Prints the machine, its load average, and Markdown tables for benchmarks/README.md.
"""

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

NOTE = "Zie het evaluatierapport, hoofdstuk 8, p. {n}, en de bijlage met de interviews van de partners."
SENTENCE = "De evaluatie stelt dit vast in een van haar bevindingen"


def notes_text(count, *, prefix="n", layout="packed", lead=""):
    """``count`` distinct notes: their calls "packed" one after another at the end of one sentence,
    in one "paragraph" of a sentence each, or "one per paragraph"."""
    if layout == "packed":
        body = SENTENCE + "." + "".join(f"[^{prefix}{n}]" for n in range(count))
    else:
        calls = [f"{SENTENCE} {n + 1}.[^{prefix}{n}]" for n in range(count)]
        body = " ".join(calls) if layout == "paragraph" else "\n\n".join(calls)
    definitions = "\n".join(f"[^{prefix}{n}]: {NOTE.format(n=n + 1)}" for n in range(count))
    return f"{lead}\n\n{body}\n\n{definitions}\n" if lead else f"{body}\n\n{definitions}\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="25,50,100,200", help="numbers of distinct notes in one text")
    parser.add_argument("--bound", type=float, default=120, help="the render's time bound in seconds")
    parser.add_argument("--skip-texts", action="store_true", help="only the document with every text at the limit")
    parser.add_argument("--limit", type=int, default=0, help="notes per text in that document (MAX_FOOTNOTES)")
    args = parser.parse_args()

    from pdf import machine, page_count, set_up  # benchmarks/pdf.py

    os.environ.setdefault("DEBUG", "1")  # as benchmarks/pdf.py runs (no SECRET_KEY needed)
    work = set_up()
    from django.conf import settings
    from django.core.management import call_command

    from actions.models import Action
    from core.richtext import MAX_FOOTNOTES
    from document import pdf
    from interchange.importer import import_file
    from recommendations.models import Recommendation

    settings.PDF_RENDER_SECONDS = args.bound
    limit = args.limit or MAX_FOOTNOTES
    for key, value in machine().items():
        print(f"{key:20} {value}")
    print(f"{'load average':20} {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    call_command("migrate", verbosity=0)
    seed = import_file(Path(ROOT / "responses/seed/leerecosystemen.yaml"), replace=True)
    seed.refresh_from_db()
    chapter = seed.chapters.order_by("order").first()  # the introduction, the seed's first chapter
    introduction = chapter.body

    def render():
        start = time.perf_counter()
        try:
            data = pdf.render_pdf(seed)
        except pdf.TooComplex as error:
            return None, error.reason, time.perf_counter() - start
        return data, "", time.perf_counter() - start

    def printed_notes(data):
        """How many of the added notes the PDF holds (each says "interviews" once)."""
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(data)
            file.flush()
            text = subprocess.run(["pdftotext", file.name, "-"], capture_output=True, text=True, check=True).stdout
        return text.count("interviews")

    def figure(data, reason, seconds, expected=None):
        if data is None:
            return f"stopped ({reason}, {seconds:.0f} s)"
        notes = f", {printed_notes(data)} of {expected} notes printed" if expected else ""
        return f"{seconds:.1f} s, {page_count(data)} pages{notes}"

    render()  # starts the render processes' fork server
    data, reason, plain = render()
    print(f"\nthe seed without added notes: {figure(data, reason, plain)}", flush=True)

    if not args.skip_texts:
        print(
            "\n| distinct notes in one text | calls one after another | one paragraph, a sentence each"
            " | one per paragraph | load average |"
        )
        print("|---|---|---|---|---|")
        for count in (int(c) for c in args.counts.split(",")):
            row = []
            for layout in ("packed", "paragraph", "paragraphs"):
                chapter.body = notes_text(count, layout=layout, lead=introduction)
                chapter.save()
                row.append(figure(*render(), expected=count))
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"| {count} | {' | '.join(row)} | {load} |", flush=True)

    # Every text of the seed at the limit: as many notes as a document can hold without more texts.
    chapter.body = notes_text(limit, prefix="i", lead=introduction)
    chapter.save()
    texts = 1
    for rec in Recommendation.objects.for_response(seed):
        rec.text = notes_text(limit, prefix=f"r{rec.pk}-", lead=rec.text)
        rec.save()
        texts += 1
    for action in Action.objects.filter(response=seed):
        action.narrative = notes_text(limit, prefix=f"a{action.pk}-", lead=action.narrative)
        action.save()
        texts += 1
    seed.refresh_from_db()
    data, reason, seconds = render()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nevery text at the limit ({texts} texts x {limit} notes = {texts * limit} notes): "
        f"{figure(data, reason, seconds, expected=texts * limit)}; load average {load}"
    )
    with contextlib.suppress(OSError):
        work.cleanup()


if __name__ == "__main__":
    main()
