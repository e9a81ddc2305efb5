from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Gedeelde mechanismen"

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from .audit import on_pre_create_historical_record

        pre_create_historical_record.connect(on_pre_create_historical_record, dispatch_uid="core.audit")
