from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Documents and dossiers"

    def ready(self) -> None:
        from changes.registry import register
        from documents.metrics import dossier_metrics
        from documents.models import Document
        from tracker.metrics import metrics_collector_register

        # The sync feed's `document` items. Outsiders learn of a document only while it and its
        # case are public (documents/services.py passes that audience); a case's documents go
        # with it by a database cascade, so they get tombstones then.
        register(Document, "document", case_of=lambda document: document.case, deleted_with=("case",))
        metrics_collector_register(dossier_metrics)
