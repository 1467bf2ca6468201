"""What the API shows of the court watch: a docket's watch with its state, and the proposals
read from the card."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.cases.serializers import AllOrganizations
from cases.models import Case, Court, Hearing
from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.selectors import watch_problem_words

# A problem's codes (none: no problem, and then `last_problem` is null).
PROBLEM_CODES = [(value, label) for value, label in CourtWatch.Problem.choices if value]


class WatchProblemSerializer(serializers.Serializer):
    """Why the card could not be read at the last check (nothing was changed or proposed then)."""

    code = serializers.ChoiceField(
        choices=PROBLEM_CODES,
        help_text="Stable, for programs: `captcha`, `layout` (not recognised), `http` (an error status), "
        "`timeout`, `connection`, `too_large`, `refused` (the address may not be fetched).",
    )
    message = serializers.CharField(help_text="In words, in the request's language, with what the site answered.")
    detail = serializers.CharField(help_text='What the site answered, e.g. "HTTP 503"; may be empty.')


class CourtWatchSerializer(serializers.ModelSerializer):
    """A docket's case card on the court's website, read on a schedule; what it shows changed is
    proposed in /api/v1/court-updates/. Created with the case and the court of one of its docket
    numbers; the case and court are fixed afterwards."""

    case = serializers.PrimaryKeyRelatedField(
        source="docket.case",
        queryset=Case.objects.none(),
        help_text="The case's id: a case of your organization with a docket number at `court`.",
    )
    court = serializers.PrimaryKeyRelatedField(
        source="docket.court", queryset=Court.objects.all(), help_text="The court's id (the docket's court)."
    )
    docket_number = serializers.CharField(source="docket.number", read_only=True)
    url = serializers.URLField(
        max_length=1000,
        help_text="The case card's address on the court's site (sudrf.ru or mos-gorsud.ru; the hosts "
        "the server allows: COURT_WATCH_HOSTS).",
    )
    last_problem = serializers.SerializerMethodField(
        help_text="Why the last check could not read the card; null when it could (or none was made)."
    )

    class Meta:
        model = CourtWatch
        fields = [
            "id",
            "case",
            "court",
            "docket",
            "docket_number",
            "url",
            "auto_apply",
            "paused",
            "last_checked_at",
            "last_success_at",
            "last_problem",
            "failures_in_a_row",
            "next_check_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "docket",
            "last_checked_at",
            "last_success_at",
            "failures_in_a_row",
            "next_check_at",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "auto_apply": {"help_text": "Apply new and moved hearings at once, without a lawyer's click."},
            "paused": {"help_text": "Not read until set back to false."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["case"].read_only = True
            self.fields["court"].read_only = True
            return
        organizations = self.context.get("member_organizations", frozenset())
        cases = Case.objects.all()
        if not isinstance(organizations, AllOrganizations):
            cases = cases.filter(organization_id__in=list(organizations))
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]

    @extend_schema_field(WatchProblemSerializer(allow_null=True))
    def get_last_problem(self, watch: CourtWatch) -> dict[str, str] | None:
        if not watch.last_problem:
            return None
        return {"code": watch.last_problem, "message": watch_problem_words(watch), "detail": watch.last_problem_detail}


class ProposedHearingSerializer(serializers.Serializer):
    """What the court's card says of the hearing, as the values the hearing gets when the
    proposal is applied."""

    event = serializers.CharField(
        help_text="The card's event, as printed (e.g. «Судебное заседание»); empty for a hearing no longer listed."
    )
    starts_at = serializers.DateTimeField(help_text="In UTC; the card gives the court's local time.")
    time_to_be_confirmed = serializers.BooleanField(
        help_text="The card gives the date only: `starts_at` is the day's start in the court's zone."
    )
    courtroom = serializers.CharField(help_text="Empty when the card gives none (the hearing's stays).")
    status = serializers.ChoiceField(choices=Hearing.Status.choices)
    outcome = serializers.CharField(help_text="The card's result and its grounds, for a hearing held.")
    reason = serializers.CharField(help_text="The card's words for a postponement, kept with the earlier date.")
    kind = serializers.ChoiceField(choices=Hearing.Kind.choices)
    judge = serializers.CharField(help_text="For a new hearing: the card's judge (empty when hidden).")


class PreviousHearingSerializer(serializers.Serializer):
    """The hearing as it was when the card was read; applying needs it still at this version."""

    starts_at = serializers.DateTimeField()
    time_to_be_confirmed = serializers.BooleanField()
    courtroom = serializers.CharField()
    status = serializers.ChoiceField(choices=Hearing.Status.choices)
    version = serializers.IntegerField()


class CourtUpdateSerializer(serializers.ModelSerializer):
    """A change the court's card shows, proposed to the case's lawyers: `new` (a hearing the docket
    lacks), `moved` (date, time or room), `result` (held, postponed, withdrawn) or `gone` (a future
    hearing the card no longer lists). Applying writes it as a lawyer's edit would; each is
    applied or dismissed once, and a dismissed one is not proposed again while the card says the same."""

    proposed = ProposedHearingSerializer(read_only=True)
    previous = serializers.SerializerMethodField(help_text="Null for a new hearing.")
    decided_by = serializers.CharField(
        source="decided_by.username",
        read_only=True,
        allow_null=True,
        help_text="Who applied or dismissed it; null when nobody did (automatic, superseded or open).",
    )

    class Meta:
        model = CourtUpdate
        fields = [
            "id",
            "watch",
            "case",
            "hearing",
            "kind",
            "state",
            "proposed",
            "previous",
            "created_at",
            "decided_at",
            "decided_by",
            "automatic",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "hearing": {"help_text": "The hearing it is about; for `new`, the hearing made when applied."},
            "automatic": {"help_text": "Applied by the watch's `auto_apply`."},
        }

    @extend_schema_field(PreviousHearingSerializer(allow_null=True))
    def get_previous(self, update: CourtUpdate) -> dict[str, Any] | None:
        return PreviousHearingSerializer(update.previous).data if update.previous else None
