from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from changes.services import change_log_listen
        from webhooks.services import webhooks_wake_on_commit

        change_log_listen(webhooks_wake_on_commit)
