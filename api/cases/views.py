"""The litigation resources under /api/v1/. Every write goes through `actions` (a write with
consequences in other apps) or `cases.services`, so the API enforces exactly the rules the admin
does; reads go through the selectors' visibility."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.db.models import Model, QuerySet, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django_filters import CharFilter
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accesslog.models import AccessRecord
from accesslog.services import CONTACT_FIELDS, AccessEntry, access_log_record, case_read_entries, has_contacts
from actions import appeals as appeal_actions
from actions import cases as case_actions
from actions import courts as court_actions
from actions import hearings as hearing_actions
from actions import rulings as ruling_actions
from api.cases import filters, sql_json
from api.cases.case_page import CasePageQuery
from api.cases.permissions import ReferenceDataWriters, WriteScope, member_organizations, require_writer
from api.cases.serializers import (
    AllOrganizations,
    AppealSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CourtSerializer,
    HearingSerializer,
    PartySerializer,
    RulingDetailSerializer,
    RulingSerializer,
)
from api.conditional import etag_for, expected_version_from, if_none_match_hits
from api.language import LANG_PARAMETER, lang_parameters, request_content_language
from cases import services
from cases.models import Appeal, Case, Court, Hearing, Party, Ruling
from cases.redaction import CaseRedactors
from cases.selectors import (
    case_instance_chain,
    case_visibility_sql,
    cases_visible_to,
    cases_with_tag_names,
    hearings_upcoming,
)
from deadlines.models import Deadline
from deadlines.selectors import deadlines_for_case

PAGINATION_PARAMETERS = {"cursor", "page_size"}
ALWAYS_ALLOWED = {"format", LANG_PARAMETER}

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you read (or `*`); the write is refused with 412 if the record changed since. "
    "Without it the write is unconditional.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="ETags you hold, comma-separated; the answer is 304 without a body if the record still has one.",
)


def deadlines_for_caller(request: Request, *, case: Case, ruling: Ruling | None = None) -> list[Deadline]:
    """The deadlines a detail shows: none (and no query) unless the caller is a member of the
    case's organization, even on a public case (deadlines/selectors.py says why)."""
    if case.organization_id not in member_organizations(request):
        return []
    deadlines = deadlines_for_case(case=case)  # membership checked just above
    if ruling is not None:
        deadlines = deadlines.filter(ruling=ruling)
    return list(deadlines)


class StrictQueryParametersMixin:
    """A misspelt filter must not silently return everything: unknown parameters are a 400."""

    filterset_class: Any = None

    def allowed_query_parameters(self) -> set[str]:
        if getattr(self, "action", None) == "list":
            declared = set(self.filterset_class.base_filters) if self.filterset_class else set()
            return declared | PAGINATION_PARAMETERS | ALWAYS_ALLOWED
        return set(ALWAYS_ALLOWED)

    def reject_unknown_query_parameters(self, request: Request) -> None:
        unknown = sorted(set(request.query_params) - self.allowed_query_parameters())
        if unknown:
            allowed = ", ".join(sorted(self.allowed_query_parameters()))
            raise exceptions.ValidationError(
                {name: [f"Unknown query parameter. Allowed here: {allowed}."] for name in unknown}
            )
        # `?court=` or `?status=` (a choice, an id, a date left empty) would be ignored by
        # django-filter and answer everything: the schema allows no empty value there.
        empty = sorted(
            name
            for name in self.valued_filters()
            if name in request.query_params and "" in request.query_params.getlist(name)
        )
        if empty:
            raise exceptions.ValidationError({name: ["Give a value, or leave the parameter out."] for name in empty})

    def valued_filters(self) -> set[str]:
        """The filters whose value may not be empty: all but free text."""
        if getattr(self, "action", None) != "list" or not self.filterset_class:
            return set()
        return {
            name for name, declared in self.filterset_class.base_filters.items() if not isinstance(declared, CharFilter)
        }


@extend_schema_view(
    list=extend_schema(parameters=lang_parameters()),
    create=extend_schema(parameters=lang_parameters()),
    retrieve=extend_schema(parameters=[IF_NONE_MATCH, *lang_parameters()]),
    update=extend_schema(parameters=[IF_MATCH, *lang_parameters()]),
    partial_update=extend_schema(parameters=[IF_MATCH, *lang_parameters()]),
    destroy=extend_schema(parameters=[IF_MATCH]),
)
class DomainViewSet(StrictQueryParametersMixin, viewsets.ModelViewSet):
    """CRUD through the services. Subclasses name the services and the keyword for the record."""

    permission_classes = [WriteScope]
    # Each record has a version: details carry an ETag and writes take If-Match (api/schema.py).
    versioned_records = True
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    create_service: Callable[..., Model]
    update_service: Callable[..., Model]
    delete_service: Callable[..., None]
    record_kwarg: str

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.content_language = request_content_language(request)
        self.reject_unknown_query_parameters(request)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["member_organizations"] = member_organizations(self.request)
        context["content_language"] = getattr(self, "content_language", None)
        context["redactors"] = self.redactors
        return context

    @functools.cached_property
    def redactors(self) -> CaseRedactors:
        """Hidden parties' names, replaced by their aliases in what outsiders read (cases/redaction.py)."""
        return CaseRedactors(member_organizations(self.request))

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        if page:
            # One query for the page's cases that the caller reads as an outsider (none for members).
            members_of = member_organizations(self.request)
            self.redactors.preload(
                case_id
                for case_id, organization_id in map(self.case_and_organization, page)
                if case_id is not None and organization_id not in members_of
            )
        return page

    def case_and_organization(self, instance: Any) -> tuple[int | None, int | None]:
        case = getattr(instance, "case", None)
        return (case.pk, case.organization_id) if case is not None else (None, None)

    # --- permission to write ----------------------------------------------------------------
    def organization_of_new(self, validated: dict[str, Any]) -> int | None:
        case = validated.get("case")
        return case.organization_id if case is not None else None

    def organization_of(self, instance: Any) -> int | None:
        return instance.case.organization_id

    def check_may_write(self, organization_id: int | None) -> None:
        if organization_id is not None:
            require_writer(self.request, organization_id)

    # --- responses --------------------------------------------------------------------------
    def detail_payload(self, instance: Any) -> dict[str, Any]:
        return self.get_serializer(instance).data  # type: ignore[return-value]

    def detail_response(self, instance: Any, *, status_code: int = status.HTTP_200_OK) -> Response:
        payload = self.detail_payload(instance)
        etag = etag_for(version=instance.version, body=payload)
        if status_code == status.HTTP_200_OK and if_none_match_hits(self.request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(payload, status=status_code, headers={"ETag": etag})

    def refetch(self, pk: int) -> Any:
        return self.get_queryset().get(pk=pk)

    def service_fields(self, validated: dict[str, Any]) -> dict[str, Any]:
        return dict(validated)

    # --- actions ----------------------------------------------------------------------------
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        response = self.detail_response(instance)
        self.record_read(instance, response)
        return response

    def record_read(self, instance: Any, response: Response) -> None:
        """Put a read of private data on the access log (accesslog/): the subclasses that show some."""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.check_may_write(self.organization_of_new(serializer.validated_data))
        record = type(self).create_service(actor=request.user, **self.service_fields(serializer.validated_data))
        return self.detail_response(self.refetch(record.pk), status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self.check_may_write(self.organization_of(instance))
        expected_version = expected_version_from(request)
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        record = type(self).update_service(
            **{self.record_kwarg: instance},
            actor=request.user,
            expected_version=expected_version,
            **self.service_fields(serializer.validated_data),
        )
        return self.detail_response(self.refetch(record.pk))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self.check_may_write(self.organization_of(instance))
        expected_version = expected_version_from(request)
        type(self).delete_service(
            **{self.record_kwarg: instance}, actor=request.user, expected_version=expected_version
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CourtViewSet(DomainViewSet):
    """Courts (shared reference data: anyone reads; superusers and reference editors write)."""

    serializer_class = CourtSerializer
    filterset_class = filters.CourtFilter
    permission_classes = [WriteScope, ReferenceDataWriters]
    create_service = services.court_create
    update_service = court_actions.court_update
    delete_service = services.court_delete
    record_kwarg = "court"

    def get_queryset(self) -> QuerySet[Court]:
        return Court.objects.all()

    def case_and_organization(self, instance: Any) -> tuple[int | None, int | None]:
        return (None, None)

    def organization_of(self, instance: Any) -> int | None:
        return None


class CaseViewSet(DomainViewSet):
    """Cases: public ones for anyone, an organization's private ones for its members."""

    filterset_class = filters.CaseFilter
    create_service = services.case_create
    update_service = case_actions.case_update
    delete_service = services.case_delete
    record_kwarg = "case"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def get_queryset(self) -> QuerySet[Case]:
        return cases_with_tag_names(cases_visible_to(user=self.request.user).select_related("organization"))

    def organization_of_new(self, validated: dict[str, Any]) -> int | None:
        return validated["organization"].pk

    def organization_of(self, instance: Any) -> int | None:
        return instance.organization_id

    def case_and_organization(self, instance: Any) -> tuple[int | None, int | None]:
        if isinstance(instance, dict):  # a row of the SQL-made page: redacted in `list`
            return (None, None)
        return (instance.pk, instance.organization_id)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The same page as DRF's list, each case's JSON made by PostgreSQL in the page's one query
        (api/cases/sql_json.py; bench/api.py measured most of the list's CPU in building model
        instances and serializer fields). The browsable API and other databases take DRF's path."""
        if not (sql_json.available() and request.accepted_renderer.format == "json"):
            return super().list(request, *args, **kwargs)
        organizations = member_organizations(request)
        sql, params = sql_json.row_json(
            CaseSerializer, member_organizations=organizations, language=self.content_language
        )
        # Whether the row needs its hidden names replaced (read apart: the JSON is made in SQL).
        flag_sql, flag_params = sql_json.needs_redaction(Case, member_organizations=organizations)
        sql, params = f"{sql}, {flag_sql}", [*params, *flag_params]
        rows: Any
        if set(request.query_params) & set(self.filterset_class.base_filters):
            cases = self.filter_queryset(cases_visible_to(user=request.user))
            json_sql, json_params = sql_json.row_json(
                CaseSerializer, member_organizations=organizations, language=self.content_language
            )
            rows = sql_json.plain_rows(
                cases.annotate(list_json=RawSQL(json_sql, json_params), redact=RawSQL(flag_sql, flag_params))  # noqa: S611 (sql_json: values are parameters)
            ).values("id", "list_json", "redact")
        else:  # no filter: the page's fixed statement (case_page.py), same pages and cursors
            where, where_params = case_visibility_sql(
                organizations=None if isinstance(organizations, AllOrganizations) else organizations
            )
            rows = CasePageQuery(sql, params, where, where_params)
        # DRF's pagination itself: DomainViewSet's preloading of the outsiders' cases is for
        # model rows; these rows are redacted below (redacted_texts), after one look at their flags.
        paginator: Any = self.paginator
        page = paginator.paginate_queryset(rows, request, view=self)
        assert page is not None and paginator is not None  # noqa: S101 (pagination is always on)
        texts = sql_json.redacted_texts(
            "case",
            [(row["id"], row["list_json"], row["redact"]) for row in page],
            self.redactors,
            self.content_language,
        )
        # The unfiltered page's texts are the UTF-8 bytes PostgreSQL sent (case_page.py): the
        # response is made of bytes without decoding them; a filtered page's are str.
        results = sql_json.json_array(texts)
        links = (
            f'{{"next":{json.dumps(paginator.get_next_link())},'
            f'"previous":{json.dumps(paginator.get_previous_link())},"results":'
        )
        body = links.encode() + (results if isinstance(results, bytes) else results.encode()) + b"}"
        return HttpResponse(body, content_type="application/json")  # type: ignore[return-value]

    def record_read(self, instance: Case, response: Response) -> None:
        request = self.request
        if instance.organization_id in member_organizations(request):
            # A member's detail carries the private notes and the parties' contact details: on
            # record (the parties from the payload itself: no second read).
            parties = [
                SimpleNamespace(pk=party["id"], **{k: party.get(k) for k in CONTACT_FIELDS})
                for party in (response.data or {}).get("parties", ())
            ]
            if response.status_code == status.HTTP_304_NOT_MODIFIED:
                parties = []
            access_log_record(
                request=request,
                channel=AccessRecord.Channel.API,
                entries=case_read_entries(case=instance, parties=parties),
            )

    def detail_payload(self, instance: Case) -> dict[str, Any]:
        if instance.organization_id not in member_organizations(self.request):
            # The parties the detail lists give the hidden names too: no query of their own.
            prefetch_related_objects([instance], "parties")
            self.redactors.seed(instance.pk, instance.parties.all())
        upcoming = list(hearings_upcoming(user=self.request.user, case=instance))
        chain = case_instance_chain(case=instance)
        for step in chain:  # the case is loaded already: spare a query per record
            step.ruling.case = instance
            for appeal in step.appeals:
                appeal.case = instance
        context = {
            **self.get_serializer_context(),
            "upcoming_hearings": upcoming,
            "appeal_chain": chain,
            "deadlines": deadlines_for_caller(self.request, case=instance),
        }
        return CaseDetailSerializer(instance, context=context).data  # type: ignore[return-value]


class CaseBoundViewSet(DomainViewSet):
    model: type[Model]

    def get_queryset(self) -> QuerySet[Any]:
        visible = cases_visible_to(user=self.request.user)
        return self.model._default_manager.filter(case__in=visible).select_related("case")


class PartyViewSet(CaseBoundViewSet):
    """Parties. Outsiders see public names only, never contact details."""

    model = Party
    serializer_class = PartySerializer
    filterset_class = filters.PartyFilter
    create_service = services.party_add
    update_service = services.party_update
    delete_service = services.party_delete
    record_kwarg = "party"

    def record_read(self, instance: Party, response: Response) -> None:
        if instance.case.organization_id in member_organizations(self.request) and has_contacts(instance):
            access_log_record(
                request=self.request,
                channel=AccessRecord.Channel.API,
                entries=[
                    AccessEntry(
                        AccessRecord.Kind.PARTY_CONTACTS, instance.case.organization_id, instance.case_id, instance.pk
                    )
                ],
            )


class HearingViewSet(CaseBoundViewSet):
    """Hearings. A new `starts_at` is a reschedule: the old time is kept in the record's history."""

    model = Hearing
    serializer_class = HearingSerializer
    filterset_class = filters.HearingFilter
    create_service = hearing_actions.hearing_schedule
    update_service = hearing_actions.hearing_update
    delete_service = services.hearing_delete
    record_kwarg = "hearing"

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().order_by("-id")


class RulingViewSet(CaseBoundViewSet):
    """Rulings. The detail also lists the ruling's deadlines, for members of the organization."""

    model = Ruling
    serializer_class = RulingSerializer
    filterset_class = filters.RulingFilter
    create_service = ruling_actions.ruling_record
    update_service = ruling_actions.ruling_update
    delete_service = services.ruling_delete
    record_kwarg = "ruling"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return RulingSerializer if self.action == "list" else RulingDetailSerializer

    def detail_payload(self, instance: Ruling) -> dict[str, Any]:
        context = {
            **self.get_serializer_context(),
            "deadlines": deadlines_for_caller(self.request, case=instance.case, ruling=instance),
        }
        return RulingDetailSerializer(instance, context=context).data  # type: ignore[return-value]


class AppealViewSet(CaseBoundViewSet):
    model = Appeal
    serializer_class = AppealSerializer
    filterset_class = filters.AppealFilter
    create_service = appeal_actions.appeal_file
    update_service = appeal_actions.appeal_update
    delete_service = appeal_actions.appeal_delete
    record_kwarg = "appeal"
