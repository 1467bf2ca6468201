from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from tracker.metrics import metrics
from tracker.views import favicon, healthz, readyz

admin.site.site_header = "Privacy litigation case tracker"
admin.site.site_title = "Case tracker"
admin.site.index_title = "Cases, hearings, rulings and appeals"
# The admin signs in through the same page as the rest, second factor included: its own login
# form would take a password alone.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    # Browsers ask for /favicon.ico on pages that name none (the admin, the browsable API).
    path("favicon.ico", favicon),
    path("api/", include("api.urls")),
    path("reminders/", include("reminders.urls")),
    # Signing in is allauth's (password, then the second factor); the rest of Django's own
    # account pages (log out by POST, password reset by email) stay at their addresses; allauth's
    # second-factor pages are under /accounts/2fa/, re-authentication at /accounts/reauthenticate/.
    path("accounts/", include("web.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Example court cards for the court watch under `make run`: 404 unless DEBUG (demo/court_site.py).
    path("demo-court/", include("demo.urls")),
    path("", include("web.urls")),
]
