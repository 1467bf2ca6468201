from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "apitokens"
    verbose_name = "API tokens"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        import apitokens.schema  # noqa: F401  (registers the OpenAPI security scheme)
        from apitokens.cache import access_changed
        from apitokens.models import ApiToken
        from cases.models import Membership

        # Who a token speaks for: the token, its user, the user's memberships (apitokens/cache.py).
        for model in (ApiToken, get_user_model(), Membership):
            post_save.connect(access_changed, sender=model, dispatch_uid=f"apitokens-access-{model._meta.label}")
            post_delete.connect(access_changed, sender=model, dispatch_uid=f"apitokens-access-{model._meta.label}")
