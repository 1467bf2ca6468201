"""Deadlines over the API: closing one without filing. Members read deadlines in a case's and a
ruling's detail and in the sync feed (api/cases, api/changes); the dates themselves follow from
the rulings."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actions import deadlines as deadline_actions
from api.cases.permissions import WriteScope, member_organizations, require_writer
from api.cases.serializers import DeadlineSerializer
from api.cases.views import IF_MATCH, StrictQueryParametersMixin
from api.conditional import etag_for, expected_version_from
from api.deadlines.serializers import DeadlineCloseSerializer
from api.language import lang_parameters, request_content_language
from deadlines.models import Deadline


class DeadlineCloseApi(StrictQueryParametersMixin, APIView):
    """Close an open deadline without filing (e.g. the client decided not to appeal): it leaves
    the dashboards and its pending reminders are cancelled. Lawyers and owners of the case's
    organization only; the reason is kept in the deadline's history."""

    permission_classes = [WriteScope]
    versioned_records = True  # the answer carries an ETag; If-Match guards the write (api/schema.py)
    conditional_action = True

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.content_language = request_content_language(request)
        self.reject_unknown_query_parameters(request)

    @extend_schema(
        operation_id="deadlines_close_create",
        summary="Close a deadline without filing",
        request=DeadlineCloseSerializer,
        responses={200: DeadlineSerializer},
        parameters=[IF_MATCH, *lang_parameters()],
    )
    def post(self, request: Request, pk: int) -> Response:
        deadline = get_object_or_404(Deadline.objects.select_related("case"), pk=pk)
        organization_id = deadline.case.organization_id
        # Deadlines are for members only, even on a public case (deadlines/selectors.py): to
        # anyone else this one does not exist.
        if organization_id not in member_organizations(request):
            raise exceptions.NotFound()
        require_writer(request, organization_id)
        expected_version = expected_version_from(request)
        incoming = DeadlineCloseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        deadline = deadline_actions.deadline_close(
            deadline=deadline,
            reason=incoming.validated_data["reason"],
            actor=request.user,  # type: ignore[arg-type]
            expected_version=expected_version,
        )
        context = {"request": request, "content_language": self.content_language}
        body = DeadlineSerializer(deadline, context=context).data
        return Response(body, headers={"ETag": etag_for(version=deadline.version, body=body)})
