from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "流程"

    def ready(self):
        # Imported lists may bring temporary items (临时事项): their expiry timers are
        # processes of this app, which the lists app may not import.
        from duty_lists.importing import lists_imported

        from .services.temporary import watch_imported_items

        lists_imported.connect(watch_imported_items, dispatch_uid="qingdan.temporary_items")
