from typing import Any

from django.core.management.base import BaseCommand

from cases.models import Case
from cases.services import case_slug_hide_names


class Command(BaseCommand):
    help = (
        "Make again, from the title as outsiders read it, the URL of every case whose URL names a "
        "party without consent (cases whose URL was made before that party was hidden). Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = 0
        for case in Case.objects.filter(parties__consent_to_publish=False).distinct().order_by("pk"):
            before = case.slug
            after = case_slug_hide_names(case=case).slug
            if after != before:
                self.stdout.write(f"{before} -> {after}")
                changed += 1
        self.stdout.write(f"{changed} case URL(s) changed; the old addresses answer 404, with no redirect.")
