from django.urls import path
from rest_framework.routers import SimpleRouter

from webhooks.api.views import EndpointDeliveriesApi, EndpointViewSet

router = SimpleRouter(trailing_slash=True)
router.register("webhooks", EndpointViewSet, basename="webhook")

urlpatterns = [
    path("webhooks/<int:pk>/deliveries/", EndpointDeliveriesApi.as_view(), name="webhook-deliveries"),
    *router.urls,
]
