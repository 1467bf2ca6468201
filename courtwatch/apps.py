from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourtwatchConfig(AppConfig):
    name = "courtwatch"
    verbose_name = _("Court watch")
