from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Gedeelde mechanismen"

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from . import worker
        from .audit import on_pre_create_historical_record

        pre_create_historical_record.connect(on_pre_create_historical_record, dispatch_uid="core.audit")

        import os

        if os.environ.get(worker.MAX_RSS_ENV):
            # Only in a task worker started by run_worker --max-rss-mib (core/worker.py).
            from django.tasks.signals import task_finished

            task_finished.connect(worker.recycle_when_large, dispatch_uid="core.worker")

        from django.contrib.auth.signals import user_logged_in

        from .editing import keep_input_after_login

        # Input kept through the login page after a session expired (core/editing.py).
        user_logged_in.connect(keep_input_after_login, dispatch_uid="core.editing.kept_input")
