from django.urls import path

from api.documents.views import CaseDossierRequestApi, DocumentFileApi, DossierDetailApi

urlpatterns = [
    path("cases/<int:case_id>/dossiers/", CaseDossierRequestApi.as_view(), name="api-case-dossiers"),
    path("cases/<int:case_id>/dossiers/<int:pk>/", DossierDetailApi.as_view(), name="api-dossier-detail"),
    path("documents/<int:pk>/file/", DocumentFileApi.as_view(), name="api-document-file"),
]
