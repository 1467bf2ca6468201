from django.apps import AppConfig


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = "Hearing reminders"

    def ready(self) -> None:
        from reminders.metrics import reminder_metrics
        from tracker.metrics import metrics_collector_register

        metrics_collector_register(reminder_metrics)
