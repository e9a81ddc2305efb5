"""The comparison in bounded time, and cached (publishing/comparison.py, publishing/views.py).

The word diff's work is measured deterministically: the units of its ``Budget``, and the token
comparisons themselves (tokens that count each ``==``)."""

import difflib
import html
import random
import re
import time

import pytest
from django.urls import reverse
from django.utils import translation

from interchange.exporter import export_response
from publishing import comparison
from publishing.comparison import TEXT_WORK, TOKENS, Budget, diff_opcodes, word_diff
from recommendations.models import Recommendation
from responses.models import ManagementResponse, ResponseVersion
from tests.factories import ManagementResponseFactory, RecommendationFactory, ThemeFactory, introduction_of

SIZE = 100_000


def prose(seed, size=SIZE, vocabulary=2_000, paragraph=None):
    """``size`` characters of words drawn from a vocabulary; a blank line every ``paragraph`` words."""
    rnd = random.Random(seed)
    out, length, count = [], 0, 0
    while length < size:
        word = f"w{rnd.randrange(vocabulary)}"
        count += 1
        gap = "\n\n" if paragraph and count % paragraph == 0 else " "
        out.append(word + gap)
        length += len(word) + len(gap)
    return "".join(out)[:size]


def twenty_words_changed(text, seed=7):
    """``text`` with 20 of its words replaced by as many Z: the same length."""
    words = text.split(" ")
    for i in random.Random(seed).sample(range(1, len(words) - 1), 20):
        words[i] = "Z" * len(words[i])
    return " ".join(words)


def sides(diff):
    """The old and the new text a word diff shows."""
    old = re.sub(r"<ins>.*?</ins>", "", diff, flags=re.S).replace("<del>", "").replace("</del>", "")
    new = re.sub(r"<del>.*?</del>", "", diff, flags=re.S).replace("<ins>", "").replace("</ins>", "")
    return html.unescape(old), html.unescape(new)


class Counted(str):
    """A token that counts how often it is compared."""

    comparisons = 0

    def __eq__(self, other):
        Counted.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


HOSTILE = {
    "20 words in one paragraph": lambda: (prose(1), twenty_words_changed(prose(1))),
    "20 words in paragraphs": lambda: (prose(1, paragraph=60), twenty_words_changed(prose(1, paragraph=60))),
    "20 words, 3 distinct words": lambda: (prose(1, vocabulary=3), twenty_words_changed(prose(1, vocabulary=3))),
    "entirely different": lambda: (prose(1), prose(2)),
    "entirely different paragraphs": lambda: (prose(1, paragraph=60), prose(2, paragraph=60)),
    "100,000 [": lambda: ("[" * SIZE, "[" * (SIZE - 1) + "]"),
    "100,000 [ against nothing": lambda: ("[" * SIZE, ""),
    "50,000 '[ ', 20 changed": lambda: ("[ " * (SIZE // 2), twenty_words_changed("[ " * (SIZE // 2))),
    "100,000 line breaks, one changed": lambda: ("a\n" * (SIZE // 2), "a\n" * 20_000 + "b\n" + "a\n" * 29_999),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_pair_costs_a_bounded_amount_of_work(case):
    old, new = HOSTILE[case]()
    assert len(old) == SIZE
    assert len(new) in (0, SIZE)
    a, b = [Counted(t) for t in TOKENS.findall(old)], [Counted(t) for t in TOKENS.findall(new)]
    Counted.comparisons = 0
    budget = Budget(TEXT_WORK)
    ops = diff_opcodes(a, b, budget)
    # At most the budget, plus a few linear passes (the common ends, the lines, indexes).
    assert budget.spent <= TEXT_WORK
    assert Counted.comparisons <= TEXT_WORK + 4 * (len(a) + len(b))
    # A true diff: equal runs are equal, and together the ops spell out both sides.
    assert [t for tag, i1, i2, *_ in ops for t in a[i1:i2]] == a
    assert [t for tag, _i1, _i2, j1, j2 in ops for t in b[j1:j2]] == b
    assert all(a[i1:i2] == b[j1:j2] for tag, i1, i2, j1, j2 in ops if tag == "equal")
    start = time.perf_counter()
    diff = word_diff(old, new)  # with plain tokens: the time a reader waits
    assert time.perf_counter() - start < 2, "generous: about 0.3 s on the project's machine"
    assert sides(diff) == (old, new)
    if "20" in case:  # still a word diff, not one block removed and added
        assert diff.count("<del>") == diff.count("<ins>Z") == 20


def test_ordinary_texts_get_the_old_algorithms_diff():
    """Short texts (a few hundred words) get difflib's opcodes exactly, as before."""
    rnd = random.Random(3)
    vocabulary = ["de", "het", "een", "actie", "doel", "x\ny", "p\n\nq", "<b>", "&"]
    for _ in range(100):
        old = " ".join(rnd.choice(vocabulary) for _ in range(rnd.randint(0, 150)))
        new = " ".join(rnd.choice(vocabulary) for _ in range(rnd.randint(0, 150)))
        a, b = TOKENS.findall(old), TOKENS.findall(new)
        expected = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        assert diff_opcodes(a, b, Budget(TEXT_WORK)) == expected


@pytest.mark.parametrize("units", [0, 30, 300, 3_000, 10**9])
def test_every_budget_gives_a_true_diff(units, monkeypatch):
    """With difflib out of the way, the staged diff (lines, Myers, one change) is still a diff."""
    monkeypatch.setattr(comparison, "DIFFLIB_WORK", 0)
    rnd = random.Random(units)
    for _ in range(200):
        old = " ".join(rnd.choice(["a", "b", "c", "d", "x\ny", "p\n\nq"]) for _ in range(rnd.randint(0, 40)))
        new = " ".join(rnd.choice(["a", "b", "c", "d", "x\ny", "p\n\nq"]) for _ in range(rnd.randint(0, 40)))
        assert sides(word_diff(old, new, Budget(units))) == (old, new)


def test_myers_finds_a_shortest_edit_script():
    rnd = random.Random(5)
    for _ in range(200):
        a = [rnd.choice("abc") for _ in range(rnd.randint(0, 25))]
        b = [rnd.choice("abc") for _ in range(rnd.randint(0, 25))]
        common = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i in range(len(a) - 1, -1, -1):
            for j in range(len(b) - 1, -1, -1):
                same = common[i + 1][j + 1] + 1 if a[i] == b[j] else 0
                common[i][j] = max(same, common[i + 1][j], common[i][j + 1])
        blocks = comparison.myers(a, b, Budget(10**9))
        assert sum(size for *_, size in blocks) == common[0][0]
        assert all(a[i : i + size] == b[j : j + size] for i, j, size in blocks)


def test_a_comparison_shares_one_budget_among_its_texts():
    """However many long texts changed, one comparison does at most its budget (COMPARISON_WORK)."""
    budget = Budget(3 * TEXT_WORK // 2)
    for seed in range(3):
        old, new = prose(seed, 30_000), prose(seed + 10, 30_000)
        assert sides(word_diff(old, new, budget)) == (old, new)
    assert budget.spent <= budget.units


# The page and its cache.


@pytest.fixture
def long_response(db):
    """A published response whose introduction (100,000 characters) changed in 20 words since."""
    response = ManagementResponseFactory(status="published", slug="lang", introduction=prose(1, paragraph=60))
    theme = ThemeFactory(group__response=response)
    RecommendationFactory(theme=theme, number="1", response_text="Ja.")
    ResponseVersion.objects.create(
        response=response, number=1, note="v1", snapshot=export_response(response), pdf=b"%PDF", sha256="1" * 64
    )
    intro = introduction_of(response)
    intro.body = twenty_words_changed(intro.body)
    intro.save()
    return ManagementResponse.objects.get(pk=response.pk)


def comparison_of(page):
    html = page.content.decode()
    return html[html.index('<div class="comparison">') :]


def count_comparisons(monkeypatch):
    calls = []
    real = comparison.compare

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(comparison, "compare", spy)
    return calls


def test_a_long_text_compares_quickly_and_a_second_request_costs_no_diff(
    client, long_response, monkeypatch, django_assert_num_queries
):
    calls = count_comparisons(monkeypatch)
    url = reverse("publishing:compare", kwargs={"slug": long_response.slug}) + "?old=1&new=live"
    start = time.perf_counter()
    first = client.get(url)
    assert time.perf_counter() - start < 5, "generous: under a second on the project's machine"
    assert first.status_code == 200
    assert first.content.decode().count("<ins>Z") == 20
    with django_assert_num_queries(2):  # the response, its versions; neither side is read
        second = client.get(url)
    assert comparison_of(second) == comparison_of(first)
    assert calls == [1]


def test_the_live_side_is_keyed_by_revision_and_versions_by_number(client, response_with_two_versions, monkeypatch):
    response = response_with_two_versions
    calls = count_comparisons(monkeypatch)
    url = reverse("publishing:compare", kwargs={"slug": response.slug})
    client.get(url + "?old=1&new=live")
    client.get(url + "?old=1&new=2")
    client.get(url + "?old=1&new=2")
    assert len(calls) == 2
    Recommendation.objects.filter(response=response).first().save()  # a write moves the revision
    client.get(url + "?old=1&new=2")
    assert len(calls) == 2  # published versions do not change
    page = client.get(url + "?old=1&new=live")
    assert len(calls) == 3
    assert page.status_code == 200


@pytest.fixture
def response_with_two_versions(db):
    response = ManagementResponseFactory(status="published", slug="twee")
    theme = ThemeFactory(group__response=response)
    rec = RecommendationFactory(theme=theme, number="1", response_text="Ja.")
    for number in (1, 2):
        ResponseVersion.objects.create(
            response=response,
            number=number,
            note=f"v{number}",
            snapshot=export_response(response),
            pdf=b"%PDF",
            sha256=str(number) * 64,
        )
        rec.response_text = "Nee."
        rec.save()
    return ManagementResponse.objects.get(pk=response.pk)


def test_the_key_names_both_sides_and_the_language(response_with_two_versions):
    response = response_with_two_versions
    v2, v1 = response.published_versions.all()
    with translation.override("nl"):
        keys = {
            comparison.cache_key(response, v1, None),
            comparison.cache_key(response, v1, v2),
            comparison.cache_key(response, v2, v1),
            comparison.cache_key(response, None, v1),
        }
        dutch = comparison.cache_key(response, v1, v2)
    with translation.override("en"):
        assert comparison.cache_key(response, v1, v2) != dutch
    assert len(keys) == 4
    assert str(response.revision) in comparison.cache_key(response, v1, None)
    assert str(response.revision) not in comparison.cache_key(response, v1, v2)


@pytest.mark.django_db(transaction=True)
def test_the_pdf_annex_is_rendered_once_per_revision_by_the_worker(client, response_with_two_versions, monkeypatch):
    from document import pdf
    from tests.test_responses_pdf import run_worker

    renders = []
    monkeypatch.setattr(pdf, "render_comparison_pdf", lambda response, result: renders.append(1) or b"%PDF-1.7 x")
    response = response_with_two_versions
    url = reverse("publishing:compare_pdf", kwargs={"slug": response.slug}) + "?old=1&new=live"
    first = client.get(url)
    assert first.status_code == 202  # never rendered in the request
    assert client.get(url).status_code == 202
    run_worker()
    assert client.get(url).content == b"%PDF-1.7 x"
    assert client.get(url).content == b"%PDF-1.7 x"
    assert len(renders) == 1  # two requests before the worker ran: one render
    Recommendation.objects.filter(response=response).first().save()
    assert client.get(url).status_code == 202
    run_worker()
    assert client.get(url).content == b"%PDF-1.7 x"
    assert len(renders) == 2
