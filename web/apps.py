from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "Web pages"

    def ready(self) -> None:
        # After the admin's autodiscover (django.contrib.admin's ready() runs first): every
        # admin registered by then that is not organization-scoped or shared reference data
        # (django-celery-beat's, django-axes', auth's groups, the subscribers') is for
        # superusers only (cases/admin_scope.py).
        from django.contrib import admin

        from cases.admin_scope import restrict_unscoped

        restrict_unscoped(admin.site)
