"""The comparison of two long texts, before and after the bounded word diff, and the home page
while three such comparisons run.

Run from the repository root (needs PostgreSQL 15 server binaries, as benchmarks/pages.py):

    .venv/bin/python benchmarks/compare.py [--rounds 5] [--before /tmp/old-yaml] [--timeout 600]

  1. Two texts of 100,000 characters that differ in 20 words (words drawn from the seed
     response, a blank line every 80 words: paragraphs; and the same as one paragraph), and
     two entirely different texts. After: ``publishing.comparison.word_diff`` here, best of
     3. Before (with ``--before DIR``: a checkout of commit 34700e0, where the function was
     ``responses.comparison.word_diff``): the old function on the same texts, in a child
     process, stopped after ``--timeout`` seconds.
  2. A throwaway PostgreSQL cluster (tests/pgserver.py, unix socket) with three published
     responses whose introductions are such texts (version 1 frozen as publish() writes its
     interchange file; since then 20 words changed); gunicorn as in production (2 sync
     workers, --preload, DEBUG off, bound to 127.0.0.1). Then ``--rounds`` times: each
     response saved (a new revision: no cached comparison), the three comparison pages
     (``/responses/<slug>/compare/``) requested at once from three threads, and 50 ms later
     the home page; the time of each. The home page alone first, for reference.
Prints the machine's load and a fixed pure-Python loop's time (benchmarks/README.md) beside
the figures.
"""

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pages import BASE, start_gunicorn, stop, timed_get, wait_for  # noqa: E402

from tests.pgserver import Cluster  # noqa: E402

SIZE = 100_000
OLD_CHILD = """
import os, sys, time
sys.path.insert(0, {old!r})
os.chdir({old!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("SECRET_KEY", "benchmark-only")
import django
django.setup()
from responses.comparison import word_diff
old = open({a!r}, encoding="utf-8").read()
new = open({b!r}, encoding="utf-8").read()
start = time.perf_counter()
word_diff(old, new)
print(time.perf_counter() - start)
"""


def vocabulary():
    text = (ROOT / "responses/seed/leerecosystemen.yaml").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"[^\W\d_]{2,}", text)))


def prose(seed, paragraph=80, size=SIZE):
    words, rnd = vocabulary(), random.Random(seed)
    out, length, count = [], 0, 0
    while length < size:
        count += 1
        word = rnd.choice(words)
        gap = "\n\n" if paragraph and count % paragraph == 0 else " "
        out.append(word + gap)
        length += len(word) + len(gap)
    return "".join(out)[:size]


def twenty_words_changed(text, seed=7):
    """20 words replaced by as many Z: the same length."""
    words = text.split(" ")
    for i in random.Random(seed).sample(range(1, len(words) - 1), 20):
        words[i] = "Z" * len(words[i])
    return " ".join(words)


def loop_ms():
    start = time.perf_counter()
    sum(i * i for i in range(3_000_000))
    return (time.perf_counter() - start) * 1000


def machine():
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"load average {load}; the fixed loop {loop_ms():.0f} ms"


def time_after(old, new):
    from publishing.comparison import word_diff

    times = []
    for _ in range(3):
        start = time.perf_counter()
        word_diff(old, new)
        times.append(time.perf_counter() - start)
    return min(times)


def time_before(old, new, directory, timeout, work):
    a, b = work / "old.txt", work / "new.txt"
    a.write_text(old, encoding="utf-8")
    b.write_text(new, encoding="utf-8")
    code = OLD_CHILD.format(old=str(directory), a=str(a), b=str(b))
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.strip().splitlines()[-1])


def seconds(value, timeout=None):
    if value is None:
        return f"> {timeout} s (stopped)"
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


def in_process(options, work):
    paragraphs = prose(1)
    cases = {
        "100,000 characters, 20 words changed (paragraphs of 80 words)": (
            paragraphs,
            twenty_words_changed(paragraphs),
        ),
        "100,000 characters, 20 words changed (one paragraph)": (
            prose(1, paragraph=0),
            twenty_words_changed(prose(1, paragraph=0)),
        ),
        "100,000 characters, entirely different": (prose(1), prose(2)),
    }
    print(f"In process ({machine()})\n")
    print("| texts | before (34700e0) | after |")
    print("|---|---|---|")
    for name, (old, new) in cases.items():
        assert len(old) == len(new) == SIZE
        after = time_after(old, new)
        if options.before and "entirely" not in name:
            before = seconds(time_before(old, new, options.before, options.timeout, work), options.timeout)
        else:
            before = "not run"
        print(f"| {name} | {before} | {seconds(after)} |", flush=True)
    print(f"\n({machine()})\n")


def start(work):
    """A throwaway PostgreSQL cluster, migrated, with the seed; Django set up on it."""
    cluster = Cluster()
    cluster.start()
    env = {
        **os.environ,
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": "benchmark-only",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": cluster.url,
        "STATIC_ROOT": str(work / "static"),
        "PDF_CACHE_LOCATION": str(work / "pdf-cache"),
        "DOCUMENT_CACHE_LOCATION": str(work / "document-cache"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.update(env)
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [python, "manage.py", "import_response", "responses/seed/leerecosystemen.yaml"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    import django

    django.setup()
    return cluster, env


def concurrent(options, env):
    gunicorn = None
    try:
        from django.db import connection

        from interchange.exporter import export_response
        from responses.models import Chapter, ManagementResponse, ResponseVersion

        slugs = []
        for n in range(3):
            text = prose(10 + n)
            response = ManagementResponse.objects.get(slug="leerecosystemen")
            response.pk = None
            response.slug = f"lang-{n}"
            response.title = f"Lange inleiding {n}"
            response.status = ManagementResponse.Status.PUBLISHED
            response.save()
            intro = Chapter.objects.create(response=response, heading="I. Inleiding", body=text)
            ResponseVersion.objects.create(
                response=response,
                number=1,
                note="v1",
                snapshot=export_response(response),
                pdf=b"%PDF",
                sha256=f"{n}" * 64,
            )
            intro.body = twenty_words_changed(text)
            intro.save()
            slugs.append(response.slug)
        connection.close()

        gunicorn = start_gunicorn(env)
        wait_for(BASE + "/")
        alone = [timed_get(BASE + "/")[0] for _ in range(20)]
        print(f"Under gunicorn ({machine()})\n")
        print(f"Home page alone, 20 requests: p50 {statistics.median(alone):.0f} ms, max {max(alone):.0f} ms\n")
        print("| round | home page during three comparisons | the three comparisons (each a cache miss) |")
        print("|---|---|---|")
        for round_ in range(options.rounds):
            for slug in slugs:  # a new revision: the next comparisons are cache misses
                ManagementResponse.objects.get(slug=slug).save()
            connection.close()
            results = {}

            def fetch(slug, results=results):
                results[slug] = timed_get(f"{BASE}/responses/{slug}/compare/")

            threads = [threading.Thread(target=fetch, args=(slug,)) for slug in slugs]
            for thread in threads:
                thread.start()
            time.sleep(0.05)
            home, status, _body = timed_get(BASE + "/")
            for thread in threads:
                thread.join(timeout=150)
            assert status == 200
            assert all(result[1] == 200 for result in results.values())
            assert all(result[2].count(b"<ins>Z") == 20 for result in results.values())
            compares = ", ".join(f"{results[slug][0]:.0f}" for slug in slugs)
            print(f"| {round_ + 1} | {home:.0f} ms | {compares} ms |", flush=True)
        print(f"\n({machine()})")
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            stop(gunicorn)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a checkout of 34700e0 (the old word diff)")
    parser.add_argument("--timeout", type=int, default=600, help="stop one 'before' diff after this long")
    options = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    work = Path(tempfile.mkdtemp(prefix="compare-benchmark-"))
    cluster = None
    try:
        cluster, env = start(work)
        in_process(options, work)
        concurrent(options, env)
    finally:
        if cluster is not None:
            cluster.stop()
            shutil.rmtree(cluster.dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
