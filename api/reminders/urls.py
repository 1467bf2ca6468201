from rest_framework.routers import SimpleRouter

from api.reminders.views import SubscriptionViewSet

router = SimpleRouter(trailing_slash=True)
router.register("subscriptions", SubscriptionViewSet, basename="subscription")

urlpatterns = router.urls
