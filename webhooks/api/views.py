"""/api/v1/webhooks/: register, list, change and remove webhook endpoints; rotate the secret,
read the attempts, replay from a feed cursor. Lawyers and owners of the endpoint's organization
only; anyone else gets 404 for an existing endpoint, 403 when registering. A new URL, a replay
and a new secret are for the endpoint's creator and the organization's owners (403 for other
lawyers; webhooks/selectors.py endpoint_is_controlled_by)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.cases.permissions import WriteScope, writer_organizations
from api.errors import Gone
from changes.selectors import CursorExpired
from webhooks import selectors, services
from webhooks.api.serializers import (
    DeliverySerializer,
    EndpointCreatedSerializer,
    EndpointSerializer,
    EndpointUpdatedSerializer,
    ReplaySerializer,
    SecretSerializer,
)
from webhooks.models import Delivery, Endpoint


class EndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EndpointSerializer
    # Endpoints belong to organizations' writers: an anonymous caller gets 401, as on
    # /api/v1/subscriptions/, not an empty list that reads as "you have none".
    permission_classes = [permissions.IsAuthenticated, WriteScope]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Endpoint]:
        if getattr(self, "swagger_fake_view", False):
            return Endpoint.objects.none()
        return (
            selectors.endpoints_managed_by(user=self.request.user)  # type: ignore[arg-type]
            .select_related("organization", "owner")
            .order_by("id")
        )

    @extend_schema(request=EndpointSerializer, responses={201: EndpointCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = EndpointSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        organization = data["organization"]
        if organization.pk not in writer_organizations(request):
            raise exceptions.PermissionDenied(
                "Only the organization's lawyers and owners can register webhook endpoints."
            )
        try:
            endpoint, secret = services.endpoint_create(
                organization=organization,
                owner=request.user,  # type: ignore[arg-type]
                url=data["url"],
                types=data.get("types", []),
                active=data.get("active", True),
                since=data.get("since") or None,
            )
        except CursorExpired as exc:
            raise Gone(str(exc)) from exc
        body = EndpointCreatedSerializer(endpoint).data
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=EndpointSerializer, responses={200: EndpointUpdatedSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        endpoint = self.get_object()
        incoming = EndpointSerializer(endpoint, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        endpoint, secret = services.endpoint_update(
            endpoint=endpoint,
            actor=request.user,  # type: ignore[arg-type]
            url=data.get("url"),
            types=data.get("types"),
            active=data.get("active"),
        )
        body = EndpointUpdatedSerializer(endpoint).data
        body["secret"] = secret
        return Response(body)

    def perform_destroy(self, instance: Endpoint) -> None:
        services.endpoint_delete(endpoint=instance)

    @extend_schema(
        summary="Issue a new signing secret (the old one signs for 24 more hours)",
        request=None,
        responses={200: SecretSerializer},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str | None = None) -> Response:
        """A new signing secret (shown once); the previous ones keep signing for 24 hours."""
        endpoint = self.get_object()
        secret = services.endpoint_secret_rotate(endpoint=endpoint, actor=request.user)  # type: ignore[arg-type]
        # The new secret has no expiry; the previous ones expire after the overlap (secrets are
        # encrypted at rest: SQL cannot compare them).
        previous = endpoint.secrets.filter(expires_at__gt=timezone.now())
        until = max((s.expires_at for s in previous if s.expires_at), default=None)
        return Response({"secret": secret, "previous_valid_until": until})

    @extend_schema(
        summary="Re-send the feed from a cursor", request=ReplaySerializer, responses={200: EndpointSerializer}
    )
    @action(detail=True, methods=["post"])
    def replay(self, request: Request, pk: str | None = None) -> Response:
        """Send again from a feed cursor (410 when the change log no longer reaches back there)."""
        endpoint = self.get_object()
        incoming = ReplaySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            endpoint = services.endpoint_replay(
                endpoint=endpoint,
                actor=request.user,  # type: ignore[arg-type]
                since=incoming.validated_data["since"] or None,
            )
        except CursorExpired as exc:
            raise Gone(str(exc)) from exc
        return Response(EndpointSerializer(endpoint).data)


class EndpointDeliveriesApi(generics.ListAPIView):
    """Each attempt to deliver to an endpoint, newest first: time, cursor range, status,
    latency, the response's first 1 KB."""

    serializer_class = DeliverySerializer
    permission_classes = [permissions.IsAuthenticated, WriteScope]

    @extend_schema(summary="List an endpoint's delivery attempts")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Delivery]:
        if getattr(self, "swagger_fake_view", False):
            return Delivery.objects.none()
        endpoint = get_object_or_404(
            selectors.endpoints_managed_by(user=self.request.user),  # type: ignore[arg-type]
            pk=self.kwargs["pk"],
        )
        return selectors.deliveries_of(endpoint=endpoint)
