"""The access log over the API: read-only, an organization's owners only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response

from accesslog import selectors
from accesslog.models import AccessRecord
from api.accesslog.serializers import AccessRecordSerializer


class AccessLogApi(generics.ListAPIView):
    """Who read the private data of the organizations you own: private case pages, parties'
    contact details, private documents and internal dossiers, through the pages or the API;
    newest first, kept ACCESS_LOG_DAYS. Owners only."""

    serializer_class = AccessRecordSerializer
    permission_classes = [permissions.IsAuthenticated]
    refuses_some_readers = True  # a 403 for members who own no organization (the schema says so)

    @extend_schema(
        summary="Read the access log of the organizations you own",
        parameters=[
            OpenApiParameter("organization", OpenApiTypes.STR, description="An organization's slug: its records only.")
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AccessRecord]:
        if getattr(self, "swagger_fake_view", False):
            return AccessRecord.objects.none()
        owned = selectors.organizations_with_readable_log(user=self.request.user)
        unknown = set(self.request.query_params) - {"organization", "cursor", "page_size"}
        if unknown:
            raise exceptions.ValidationError({name: [_("Unknown query parameter.")] for name in sorted(unknown)})
        if not owned.exists():
            raise exceptions.PermissionDenied(_("Only an organization's owners may read its access log."))
        slug = self.request.query_params.get("organization")
        organization = None
        if slug is not None:
            organization = owned.filter(slug=slug).first()
            if organization is None:
                raise exceptions.ValidationError({"organization": [_("You own no organization with this slug.")]})
        return selectors.access_log_for(user=self.request.user, organization=organization)
