from rest_framework.routers import DefaultRouter

from api.cases import views

router = DefaultRouter(trailing_slash=True)
router.register("courts", views.CourtViewSet, basename="court")
router.register("cases", views.CaseViewSet, basename="case")
router.register("parties", views.PartyViewSet, basename="party")
router.register("hearings", views.HearingViewSet, basename="hearing")
router.register("rulings", views.RulingViewSet, basename="ruling")
router.register("appeals", views.AppealViewSet, basename="appeal")

urlpatterns = router.urls
