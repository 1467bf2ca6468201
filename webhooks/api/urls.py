from rest_framework.routers import SimpleRouter

from webhooks.api.views import EndpointViewSet

router = SimpleRouter(trailing_slash=True)
router.register("webhooks", EndpointViewSet, basename="webhook")

urlpatterns = router.urls
