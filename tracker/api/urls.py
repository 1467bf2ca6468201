"""Everything under /api/. Each app adds its own v1 routes here with one line."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tracker.api.errors import api_not_found

urlpatterns = [
    path("v1/", include("cases.api.urls")),
    path("v1/", include("changes.api.urls")),
    path("v1/", include("documents.api.urls")),
    path("v1/", include("reminders.api.urls")),
    path("v1/", include("webhooks.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    re_path(r"^.*$", api_not_found),
]
