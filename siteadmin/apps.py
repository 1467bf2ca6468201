from django.apps import AppConfig


class SiteAdminConfig(AppConfig):
    name = "siteadmin"
    verbose_name = "Admin pages that span apps"
