from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = "Change log (sync feed)"

    def ready(self) -> None:
        from changes.registry import _register_litigation

        _register_litigation()
