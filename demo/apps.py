from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo cases and accounts (`manage.py seed_demo`, run by `make run`): a user of the
    domain apps, kept out of them."""

    name = "demo"
    verbose_name = "Demo data"
