"""/api/v1/court-watches/ and /api/v1/court-updates/: a docket's case card watched on the court's
website, and the changes it shows proposed to the case's lawyers. Members of the case's
organization read them (even on a public case: the watch is the lawyers' tooling); lawyers and
owners write; to anyone else a watch or a proposal does not exist (404). Every write goes
through courtwatch.services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.cases.permissions import WriteScope, member_organizations, organization_ids_or_none, require_writer
from api.cases.views import DomainViewSet, StrictQueryParametersMixin
from api.courtwatch.filters import CourtUpdateFilter, CourtWatchFilter
from api.courtwatch.serializers import CourtUpdateSerializer, CourtWatchSerializer
from api.errors import ErrorSerializer
from courtwatch import services
from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.selectors import court_updates_for, court_watches_for


class ProposalConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The hearing was changed after the court's card was read; nothing was changed."
    default_code = "conflict"


@extend_schema_view(list=extend_schema(summary="List court watches"))
class CourtWatchViewSet(DomainViewSet):
    """Court watches: the case card of a docket (a case's number at one court) on the court's
    website, read on a schedule. Its state says when it was last read and what went wrong; what
    the card shows changed is proposed in /api/v1/court-updates/."""

    serializer_class = CourtWatchSerializer
    filterset_class = CourtWatchFilter
    # The organization's lawyers' tooling: an anonymous caller gets 401, not an empty list.
    permission_classes = [permissions.IsAuthenticated, WriteScope]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    create_service = services.watch_create
    update_service = services.watch_update
    delete_service = services.watch_delete
    record_kwarg = "watch"

    def get_queryset(self) -> QuerySet[CourtWatch]:
        return court_watches_for(organizations=organization_ids_or_none(member_organizations(self.request)))

    def case_and_organization(self, instance: Any) -> tuple[int | None, int | None]:
        return (None, None)  # nothing of a watch is redacted for outsiders: they never see one

    def organization_of_new(self, validated: dict[str, Any]) -> int | None:
        return validated["docket"]["case"].organization_id

    def organization_of(self, instance: CourtWatch) -> int | None:
        return instance.docket.case.organization_id

    def service_fields(self, validated: dict[str, Any]) -> dict[str, Any]:
        fields = dict(validated)
        return {**fields.pop("docket", {}), **fields}

    @extend_schema(
        summary="Read the card at the next round",
        request=None,
        responses={200: CourtWatchSerializer},
    )
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str | None = None) -> Response:
        """Due at once (`next_check_at` is now): the next round reads the card, still no faster
        than the court's site allows. A paused watch is a 400: resume it first."""
        watch = self.get_object()
        self.check_may_write(self.organization_of(watch))
        watch = services.watch_check_now(watch=watch, actor=request.user)  # type: ignore[arg-type]
        return self.detail_response(self.refetch(watch.pk))


CONFLICT_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    description="The hearing was changed after the court's card was read; nothing was written. Check "
    "the hearing: the next reading of the card proposes again whatever still differs.",
)


class CourtUpdateViewSet(StrictQueryParametersMixin, viewsets.ReadOnlyModelViewSet):
    """Changes the court's card shows, proposed to the case's lawyers: list (filter with `?case=`),
    read, apply (written as a lawyer's edit of the hearing: reminders, notices, the change feed
    and webhooks follow) or dismiss."""

    serializer_class = CourtUpdateSerializer
    filterset_class = CourtUpdateFilter
    permission_classes = [permissions.IsAuthenticated, WriteScope]
    lookup_value_regex = r"[0-9]+"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.reject_unknown_query_parameters(request)

    def get_queryset(self) -> QuerySet[CourtUpdate]:
        return court_updates_for(organizations=organization_ids_or_none(member_organizations(self.request)))

    def _decide(self, request: Request, answer: Any) -> Response:
        update = self.get_object()
        require_writer(request, update.case.organization_id)
        try:
            update = answer(update=update, actor=request.user)
        except services.UpdateConflict as exc:
            raise ProposalConflict(str(exc)) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=update.pk)).data)

    @extend_schema(
        summary="Apply a proposed change",
        request=None,
        responses={200: CourtUpdateSerializer, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        """Written through the same action as a lawyer's edit of the hearing, with the hearing's
        version when the card was read; the hearing's history says it came from the court's card.
        Only a proposed one (400 otherwise, or when the hearing's rules refuse it)."""
        return self._decide(request, services.update_apply)

    @extend_schema(summary="Dismiss a proposed change", request=None, responses={200: CourtUpdateSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """Nothing is written to the hearing; the card's same event is not proposed again."""
        return self._decide(request, services.update_dismiss)
