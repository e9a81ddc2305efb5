from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Gedeelde mechanismen"

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from .audit import cache_history_manager_classes, on_pre_create_historical_record

        cache_history_manager_classes()

        pre_create_historical_record.connect(on_pre_create_historical_record, dispatch_uid="core.audit")
