from django.contrib import admin
from django.urls import include, path

from tracker.metrics import metrics
from tracker.views import favicon, healthz, readyz

admin.site.site_header = "Privacy litigation case tracker"
admin.site.site_title = "Case tracker"
admin.site.index_title = "Cases, hearings, rulings and appeals"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    # Browsers ask for /favicon.ico on pages that name none (the admin, the browsable API).
    path("favicon.ico", favicon),
    path("api/", include("tracker.api.urls")),
    path("reminders/", include("reminders.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("web.urls")),
]
