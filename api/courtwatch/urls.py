from rest_framework.routers import SimpleRouter

from api.courtwatch import views

router = SimpleRouter(trailing_slash=True)
router.register("court-watches", views.CourtWatchViewSet, basename="court-watch")
router.register("court-updates", views.CourtUpdateViewSet, basename="court-update")

urlpatterns = router.urls
