from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deadlines"
    verbose_name = "Procedural deadlines"

    def ready(self) -> None:
        from changes.registry import register
        from deadlines.models import Deadline

        # Members only, even on a public case: see deadlines/selectors.py. A ruling's deadlines
        # go with it (and with the case) by a database cascade, so they get tombstones then.
        register(
            Deadline,
            "deadline",
            case_of=lambda deadline: deadline.case,
            members_only=True,
            deleted_with=("case", "ruling"),
        )
