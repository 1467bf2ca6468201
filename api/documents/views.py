"""Dossiers over the API: ask for one (202 and a status URL, or 200 at once when the same
data was already rendered), follow its progress, download the PDF."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accesslog.models import AccessRecord
from api.documents.serializers import DossierRequestSerializer, DossierSerializer
from api.errors import ErrorSerializer
from api.throttling import AnonAddressThrottle
from cases.selectors import cases_visible_to
from documents import selectors, services
from documents.downloads import document_download_record, document_file_or_404


class DossierRequestThrottle(AnonAddressThrottle):
    """Strangers may ask for public editions; a render costs seconds of a worker, so they may
    not ask often. (Members are not throttled here: they are accountable.)"""

    scope = "dossier_request_anon"
    rate = "20/hour"


class CaseDossierRequestApi(APIView):
    # Asking for a dossier changes no case data: strangers may ask for a public case's public
    # edition (checked below), so the API's default "writes need a login" does not apply.
    permission_classes = [AllowAny]
    throttle_classes = [DossierRequestThrottle]

    @extend_schema(
        summary="Ask for a case's dossier (PDF)",
        request=DossierRequestSerializer,
        responses={
            200: OpenApiResponse(DossierSerializer, description="Ready: the same data was rendered already."),
            202: OpenApiResponse(DossierSerializer, description="Rendering: follow `status_url` (also in Location)."),
            403: OpenApiResponse(
                ErrorSerializer,
                description="The internal edition for a non-member, or the public edition of a case that is not public.",
            ),
        },
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = get_object_or_404(cases_visible_to(user=request.user), pk=case_id)  # type: ignore[arg-type]
        serializer = DossierRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        edition, language = serializer.validated_data["edition"], serializer.validated_data["language"]
        if not selectors.dossier_edition_allowed(user=request.user, case=case, edition=edition):  # type: ignore[arg-type]
            raise PermissionDenied(
                "Only members of the case's organization may have the internal edition, "
                "or the public edition of a case that is not public."
            )
        try:
            dossier, _ = services.dossier_request(case=case, edition=edition, language=language, actor=request.user)  # type: ignore[arg-type]
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        body = DossierSerializer(dossier, context={"request": request}).data
        code = status.HTTP_200_OK if dossier.state == dossier.State.READY else status.HTTP_202_ACCEPTED
        return Response(body, status=code, headers={"Location": body["status_url"]})


class DossierDetailApi(APIView):
    @extend_schema(summary="Follow a dossier's rendering", responses=DossierSerializer)
    def get(self, request: Request, case_id: int, pk: int) -> Response:
        dossier = get_object_or_404(
            selectors.dossiers_visible_to(user=request.user).select_related("document"),  # type: ignore[arg-type]
            case_id=case_id,
            pk=pk,
        )
        return Response(DossierSerializer(dossier, context={"request": request}).data)


class DocumentFileApi(APIView):
    @extend_schema(
        summary="Download a document's file",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                bytes,
                description="The file as uploaded, with the type it was uploaded as (a PDF for filings, "
                "rulings and dossiers); X-Content-SHA256 carries its SHA-256 (hex).",
            ),
            (200, "*/*"): OpenApiResponse(bytes, description="Any other file, with the type it was uploaded as."),
        },
    )
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        document = get_object_or_404(
            selectors.documents_visible_to(user=request.user).select_related("case"),  # type: ignore[arg-type]
            pk=pk,
        )
        response = document_file_or_404(document)  # a lost file raises Http404 before the record
        # The pages link here too: a session (no token) is a download from the web pages.
        channel = AccessRecord.Channel.API if request.auth is not None else AccessRecord.Channel.WEB
        document_download_record(request, document, channel=channel)
        return response
