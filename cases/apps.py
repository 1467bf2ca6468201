from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Litigation"

    def ready(self) -> None:
        from cases.feed import feed_types_register

        feed_types_register()
