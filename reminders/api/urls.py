from rest_framework.routers import SimpleRouter

from reminders.api.views import SubscriptionViewSet

router = SimpleRouter(trailing_slash=True)
router.register("subscriptions", SubscriptionViewSet, basename="subscription")

urlpatterns = router.urls
