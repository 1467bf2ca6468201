from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tracker.views import healthz

admin.site.site_header = "Privacy litigation case tracker"
admin.site.site_title = "Case tracker"
admin.site.index_title = "Cases, hearings, rulings and appeals"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include("tracker.api.urls")),
]
