"""Background work of the tracking app: the portfolio report's and the round reports' PDFs
(tracking/pdf.py), run by the task worker (``manage.py db_worker``) like the document's PDF
(document/tasks.py)."""

from django.tasks import task


@task()
def render_portfolio_task(user_id: int, year: int, language: str, etag: str) -> bool:
    from . import pdf

    return pdf.render_portfolio_in_background(user_id, year, language, etag)


@task()
def render_round_report_task(round_id: int, etag: str) -> bool:
    from . import pdf

    return pdf.render_round_report_in_background(round_id, etag)
