from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api.reminders.serializers import SubscribeSerializer, SubscriptionSerializer
from api.throttling import AnonAddressThrottle
from cases.selectors import cases_visible_to
from reminders import services
from reminders.models import Subscription


class SubscribeThrottle(AnonAddressThrottle):
    """Per client address: the endpoint sends email, so it must not be a way to flood inboxes."""

    scope = "subscribe"

    def get_rate(self) -> str:
        return settings.REMINDERS_SUBSCRIBE_RATE


class SubscriptionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """POST subscribes anyone (double opt-in); GET lists only the signed-in user's own
    subscriptions. No endpoint ever shows who else follows a case."""

    serializer_class = SubscriptionSerializer

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action == "create":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self):  # type: ignore[no-untyped-def]
        return [SubscribeThrottle()] if self.action == "create" else super().get_throttles()

    def get_queryset(self) -> QuerySet[Subscription]:
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not isinstance(user, User):
            return Subscription.objects.none()  # schema generation; IsAuthenticated guards real requests
        return Subscription.objects.filter(user=user).select_related("case").order_by("id")

    @extend_schema(
        summary="Subscribe an email address to a case's hearings",
        request=SubscribeSerializer,
        responses={
            202: OpenApiResponse(
                inline_serializer(
                    "SubscriptionAccepted",
                    {
                        "case": serializers.SlugField(help_text="The case's slug."),
                        "email": serializers.EmailField(),
                        "detail": serializers.CharField(),
                    },
                ),
                description="Accepted: a confirmation email is on its way if needed. The same answer whether "
                "the address was new, pending or already subscribed.",
            )
        },
    )
    def create(self, request: Request) -> Response:
        incoming = SubscribeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        case = cases_visible_to(user=request.user).filter(slug=data.pop("case")).first()
        if case is None:
            raise serializers.ValidationError({"case": ["No such case."]})
        user = request.user if request.user.is_authenticated else None
        try:
            services.subscription_subscribe(case=case, user=user, **data)  # type: ignore[arg-type]
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        # The same answer for a new, a pending and an already active subscription (an upsert,
        # never an error), so the endpoint does not reveal who follows a case.
        return Response(
            {
                "case": case.slug,
                "email": data["email"],
                "detail": "If this address is not yet subscribed, a confirmation link has been sent to it.",
            },
            status=status.HTTP_202_ACCEPTED,
        )
