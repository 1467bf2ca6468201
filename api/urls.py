"""Everything under /api/. Each app adds its own v1 routes here with one line."""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.errors import api_not_found

# Swagger UI, its files from drf-spectacular-sidecar (this origin), its start-up script a separate
# request (the split view): nothing inline. Its stylesheet draws its icons as data: SVG images,
# which this page alone may load (an <img> SVG runs no script).
api_docs = csp_update({"img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html")
)

urlpatterns = [
    path("v1/", include("api.cases.urls")),
    path("v1/", include("api.changes.urls")),
    path("v1/", include("api.deadlines.urls")),
    path("v1/", include("api.documents.urls")),
    path("v1/", include("api.reminders.urls")),
    path("v1/", include("webhooks.api.urls")),
    path("v1/", include("api.accesslog.urls")),
    path("v1/", include("api.courtwatch.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="api-docs"),
    re_path(r"^[\s\S]*$", api_not_found),  # any path, a newline in it too ("." stops at one)
]
