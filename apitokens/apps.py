from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "apitokens"
    verbose_name = "API tokens"

    def ready(self) -> None:
        import apitokens.schema  # noqa: F401  (registers the OpenAPI security scheme)
