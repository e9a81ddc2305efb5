"""Recommendations from Excel: the template, the round trip, the upload -> preview -> confirm flow
(all or nothing, refused when the response changed), and every kind of bad file refused with a
clear message, nothing imported."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from office import sheet
from recommendations.models import Recommendation, RecommendationGroup, Theme
from responses.models import ManagementResponse
from tests.factories import ManagementResponseFactory, RecommendationFactory, ThemeFactory
from tests.fixtures import grant, make_user

LABELS = [str(f.label) for f in sheet.FIELDS]


def workbook_bytes(rows, header=None):
    """A filled template as a spreadsheet would save it (openpyxl, a normal workbook)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Aanbevelingen"
    ws.append(header or LABELS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(**values):
    data = {
        "group": "Aanbevelingen voor partnerschappen",
        "section": "8.2.2",
        "theme": "VISIE",
        "number": "1",
        "location": "p. 192",
        "text": "Zorg voor een visie.",
        "agreement": "Akkoord",
        "response_text": "",
        "justification": "",
        "justification_not_in_source": False,
    }
    data.update(values)
    return [data[f.key] for f in sheet.FIELDS]


def rezip(data, change):
    """The XLSX ``data`` with its members passed through ``change(name, bytes) -> bytes``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info)))
    return out.getvalue()


@pytest.fixture
def target(db):
    return ManagementResponseFactory(slug="doel", status=ManagementResponse.Status.DRAFT)


def upload(client, response, data, name="aanbevelingen.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("office:recommendations_import", args=[response.slug]), {"file": file})


def confirm(client, response, http):
    token = re.search(r'name="token" value="([^"]+)"', http.content.decode()).group(1)
    return client.post(reverse("office:recommendations_import_confirm", args=[response.slug]), {"token": token})


def state(response):
    """Every recommendation of ``response`` as the template writes it."""
    return list(sheet.template_rows(response))


# --- the template and the round trip --------------------------------------------------------


def test_the_template_explains_its_columns_and_the_allowed_agreement_words(client):
    http = client.get(reverse("office:template"))
    assert http.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(http.content))
    assert book.sheetnames == ["Aanbevelingen", "Uitleg"]
    assert [c.value for c in book["Aanbevelingen"][1]] == LABELS
    assert book["Aanbevelingen"].freeze_panes == "A2"
    explained = list(book["Uitleg"].iter_rows(values_only=True))
    assert [r[0] for r in explained[1 : len(LABELS) + 1]] == LABELS
    words = {r[0] for r in explained}
    assert {"Akkoord", "Gedeeltelijk akkoord", "Niet akkoord"} <= words
    # The agreement column offers them as a drop-down list.
    validations = book["Aanbevelingen"].data_validations.dataValidation
    assert any("Gedeeltelijk akkoord" in v.formula1 for v in validations)


def test_the_seeds_recommendations_exported_and_imported_again_give_the_same_data(seed_response, django_user_model):
    data = sheet.template_bytes(seed_response)
    copy = ManagementResponseFactory(slug="kopie", language=seed_response.language)
    user = make_user(django_user_model, "eva")
    from office.services import import_rows

    import_rows(response=copy, rows=sheet.read(data, response=copy), user=user)
    assert len(state(copy)) == 19
    assert state(copy) == state(seed_response)
    # And the file it exports is the same, cell for cell.
    again = openpyxl.load_workbook(io.BytesIO(sheet.template_bytes(copy)))["Aanbevelingen"]
    first = openpyxl.load_workbook(io.BytesIO(data))["Aanbevelingen"]
    assert list(again.iter_rows(values_only=True)) == list(first.iter_rows(values_only=True))
    groups = RecommendationGroup.objects.filter(response=copy).order_by("order").values_list("title", flat=True)
    assert list(groups) == list(
        RecommendationGroup.objects.filter(response=seed_response).order_by("order").values_list("title", flat=True)
    )


def test_a_matrix_response_without_groups_round_trips_through_the_web(client, evaluation_staff):
    source = ManagementResponseFactory(slug="uneg", layout="matrix", language="en")
    for n, agreement in enumerate(["agree", "partially_agree", "disagree", ""], start=1):
        Recommendation.objects.create(
            response=source,
            number=str(n),
            text=f"Recommendation {n}: **strengthen** the office.\n\n- one\n- two"
            if n > 1
            else "=SUM(A1) is text here.",
            agreement=agreement,
            response_text=f"Management will act ({n}).",
            justification="Because." if agreement in ("partially_agree", "disagree") else "",
            order=n,
        )
    client.force_login(evaluation_staff)
    data = client.get(reverse("office:recommendations_xlsx", args=[source.slug])).content
    assert "Partially accepted" in [c.value for c in openpyxl.load_workbook(io.BytesIO(data)).active["G"]]
    target = ManagementResponseFactory(slug="uneg-copy", layout="matrix", language="en")
    http = upload(client, target, data)
    assert http.status_code == 200
    assert "4 aanbevelingen aangemaakt" in http.content.decode()
    assert Recommendation.objects.filter(response=target).count() == 0  # nothing before the confirmation
    done = confirm(client, target, http)
    assert done.status_code == 302
    assert state(target) == state(source)


def test_groups_and_themes_the_response_has_are_reused(client, evaluation_staff, target):
    theme = ThemeFactory(
        group__response=target, group__title="Aanbevelingen voor partnerschappen", section="8.2.2", heading="VISIE"
    )
    RecommendationFactory(theme=theme, number="0")
    client.force_login(evaluation_staff)
    data = workbook_bytes(
        [
            row(),
            row(number="2", theme="NIEUW THEMA", section="8.2.3"),
            row(number="3", group="Nieuwe groep", theme="X", section=""),
        ]
    )
    http = upload(client, target, data)
    page = http.content.decode()
    assert "Nieuwe groep" in page
    assert "8.2.3 NIEUW THEMA" in page
    confirm(client, target, http)
    assert RecommendationGroup.objects.filter(response=target).count() == 2
    assert Theme.objects.filter(group__response=target).count() == 3
    assert list(theme.recommendations.order_by("order").values_list("number", flat=True)) == ["0", "1"]


def test_an_import_keeps_the_promises_of_every_write(client, evaluation_staff, target):
    client.force_login(evaluation_staff)
    before = ManagementResponse.objects.get(pk=target.pk).revision
    confirm(client, target, upload(client, target, workbook_bytes([row(text="Een **vette** aanbeveling.")])))
    rec = Recommendation.objects.get(response=target)
    assert ManagementResponse.objects.get(pk=target.pk).revision != before  # the document's caches move on
    assert rec.updated_by == evaluation_staff
    assert "<strong>vette</strong>" in rec.text_html["screen"]
    record = rec.history.get()
    assert record.history_type == "+"
    assert record.history_user == evaluation_staff


def test_a_response_changed_since_the_preview_imports_nothing_and_shows_the_preview_again(
    client, evaluation_staff, target
):
    client.force_login(evaluation_staff)
    http = upload(client, target, workbook_bytes([row()]))
    RecommendationFactory(theme__group__response=target, number="9")  # someone else, meanwhile
    refused = confirm(client, target, http)
    assert refused.status_code == 409
    assert "gewijzigd sinds het voorbeeld" in refused.content.decode()
    assert Recommendation.objects.filter(response=target).count() == 1
    assert confirm(client, target, refused).status_code == 302  # confirmed again: imported
    assert Recommendation.objects.filter(response=target).count() == 2


def test_only_the_responses_evaluation_staff_may_import(client, target, django_user_model, project_member):
    url = reverse("office:recommendations_import", args=[target.slug])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(project_member)
    assert client.get(url).status_code == 403
    assert upload(client, target, workbook_bytes([row()])).status_code == 403
    client.force_login(make_user(django_user_model, "buiten"))
    assert client.get(url).status_code == 404  # a draft they may not see
    other_staff = make_user(django_user_model, "elders")
    grant(other_staff, ManagementResponseFactory(), "evaluation_staff")
    client.force_login(other_staff)
    assert upload(client, target, workbook_bytes([row()])).status_code == 404
    assert Recommendation.objects.filter(response=target).count() == 0


def test_problems_are_in_the_interfaces_language(client, evaluation_staff, target):
    client.force_login(evaluation_staff)
    client.cookies["django_language"] = "en"
    http = upload(client, target, workbook_bytes([row(agreement="misschien")]))
    assert http.status_code == 422
    assert "row 2, column G (Agreement): unknown agreement level “misschien”" in http.content.decode()


# --- bad files ------------------------------------------------------------------------------


def million_rows():
    """A sheet that reaches row 1,000,000 (a value there; its dimension says so, truthfully)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(LABELS)
    ws.append(row())
    ws.cell(1_000_000, 6, "De laatste.")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def lying_dimension():
    """1,500 rows behind a dimension that claims two: counted as they are read."""
    data = workbook_bytes([row(number=str(n)) for n in range(1500)])
    return rezip(
        data,
        lambda name, content: (
            re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:J2"', content)
            if name.startswith("xl/worksheets/")
            else content
        ),
    )


def zip_bomb():
    """A valid workbook with a member that unpacks to 200 MB (a few hundred kB packed)."""
    data = workbook_bytes([row()])
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/bomb.bin", "w") as bomb:
        chunk = b"\0" * (1024 * 1024)
        for _i in range(200):
            bomb.write(chunk)
    return out.getvalue()


def xml_bomb():
    """A billion laughs in the sheet: entities that expand to 10^10 characters in a cell."""
    entities = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    entities += "]>"

    def change(name, content):
        if name == "xl/worksheets/sheet1.xml":
            assert b"<t>" in content
            return content.replace(b"?>", b"?>" + entities.encode(), 1).replace(b"<t>", b"<t>&j;", 1)
        return content

    return rezip(workbook_bytes([row()]), change)


def with_formula():
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(LABELS)
    ws.append(row())
    ws["D2"] = "=1+1"  # a formula in "Nummer"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def wrong_type():
    import datetime

    return workbook_bytes([row(), row(text=datetime.date(2025, 1, 1)), row(number=3.5)])


BAD_FILES = {
    "unknown column": (
        lambda: workbook_bytes([[*row(), "hoog"]], header=[*LABELS, "Prioriteit"]),
        ["Kolom K: onbekende kolom “Prioriteit”."],
    ),
    "missing column": (
        lambda: workbook_bytes([row()[:-2]], header=LABELS[:-2]),
        ["De kolom “Motivering” ontbreekt.", "De kolom “Geen motivering in de bron” ontbreekt."],
    ),
    "wrong type": (
        wrong_type,
        [
            "rij 3, kolom F (Aanbeveling): een datum, waar tekst verwacht wordt.",
            "rij 4, kolom D (Nummer): een getal, waar tekst of een geheel getal verwacht wordt.",
        ],
    ),
    "unknown agreement": (
        lambda: workbook_bytes([row(agreement="Misschien")]),
        [
            "rij 2, kolom G (Mate van akkoord): onbekende mate van akkoord “Misschien”. Toegestaan: “Akkoord”, "
            "“Gedeeltelijk akkoord”, “Niet akkoord” of leeg."
        ],
    ),
    "too many footnotes": (
        lambda: workbook_bytes(
            [
                row(
                    text="Tekst."
                    + "".join(f"[^{n}]" for n in range(26))
                    + "\n\n"
                    + "\n".join(f"[^{n}]: Noot." for n in range(26))
                )
            ]
        ),
        ["rij 2, kolom F (Aanbeveling): te veel voetnoten (26 verschillende; ten hoogste 25 per tekst)."],
    ),
    "missing justification": (
        lambda: workbook_bytes([row(agreement="Niet akkoord")]),
        ["rij 2, kolom I (Motivering): geef een motivering: bij “niet akkoord” legt u uit waarom."],
    ),
    "not xlsx": (lambda: b"%PDF-1.7\n" + b"x" * 500, ["Dit is geen Excel-werkmap (.xlsx)."]),
    "a zip that is no workbook": (
        lambda: rezip(workbook_bytes([row()]), lambda name, content: content).replace(
            b"xl/workbook.xml", b"xl/w0rkbook.xml"
        ),
        ["Dit is geen Excel-werkmap (.xlsx)."],
    ),
    "empty file": (lambda: b"", ["Het bestand is leeg."]),
    "only the header": (lambda: workbook_bytes([]), ["Het blad bevat geen aanbevelingen: alleen de kopregel."]),
    "formula": (with_formula, ["rij 2, kolom D (Nummer): een formule; het sjabloon aanvaardt alleen waarden."]),
    "1,000,000 rows": (million_rows, ["Het blad heeft 999999 rijen; ten hoogste 1000 aanbevelingen per bestand."]),
    "rows behind a dimension that lies": (
        lying_dimension,
        ["Het blad heeft meer dan 1000 rijen met aanbevelingen."],
    ),
    "XML bomb": (xml_bomb, ["Het bestand kon niet als Excel-werkmap gelezen worden."]),
    "zip bomb": (zip_bomb, ["Het bestand is uitgepakt te groot (ten hoogste 50 MB): het lijkt een zip-bom."]),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gives_a_clear_error_and_imports_nothing(client, evaluation_staff, target, case):
    make, messages = BAD_FILES[case]
    client.force_login(evaluation_staff)
    http = upload(client, target, make())
    assert http.status_code == 422
    page = http.content.decode()
    assert "Er is niets ingeladen" in page
    for message in messages:
        assert message in page.replace("&ldquo;", "“")
    assert sheet_pending(client) is None
    assert Recommendation.objects.filter(response=target).count() == 0
    assert RecommendationGroup.objects.filter(response=target).count() == 0


def sheet_pending(client):
    from office.views import IMPORT_SESSION_KEY

    return client.session.get(IMPORT_SESSION_KEY)


def test_a_file_over_the_size_limit_is_refused_next_to_the_field(client, evaluation_staff, target):
    client.force_login(evaluation_staff)
    http = upload(client, target, b"PK" + b"\0" * sheet.MAX_BYTES)
    assert http.status_code == 422
    assert "Het bestand is te groot (ten hoogste 2 MB)." in http.content.decode()
    assert Recommendation.objects.filter(response=target).count() == 0
    with pytest.raises(sheet.SheetError, match="te groot"):
        sheet.read(b"PK" + b"\0" * sheet.MAX_BYTES)


def test_every_problem_of_a_file_is_listed_with_its_row_and_column(client, evaluation_staff, target):
    client.force_login(evaluation_staff)
    data = workbook_bytes([row(text=""), row(group="G", theme=""), row(section="1", group="", theme="T")])
    page = upload(client, target, data).content.decode()
    assert "3 problemen" in page
    assert "rij 2, kolom F (Aanbeveling): de tekst van de aanbeveling ontbreekt." in page
    assert "rij 3, kolom C (Thema)" in page
    assert "rij 4, kolom A (Groep)" in page


def test_columns_may_come_in_any_order_and_in_english(client, evaluation_staff, target):
    from django.utils import translation

    with translation.override("en"):
        english = [str(f.label) for f in sheet.FIELDS]
    values = row(agreement="Partially accepted", justification="Only in part.")
    data = workbook_bytes([list(reversed(values))], header=list(reversed(english)))
    client.force_login(evaluation_staff)
    confirm(client, target, upload(client, target, data))
    rec = Recommendation.objects.get(response=target)
    assert rec.agreement == "partially_agree"
    assert rec.justification == "Only in part."
