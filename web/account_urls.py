"""Account addresses that come before allauth's and Django's own under /accounts/ (tracker/urls.py)."""

from allauth.account import views as allauth_views
from django.urls import path

from web.views.security import webauthn_remove

urlpatterns = [
    # Signing in is allauth's: the password, then the second factor.
    path("login/", allauth_views.login),
    # allauth's removal of a security key, but keeping a required last one.
    path("2fa/webauthn/keys/<int:pk>/remove/", webauthn_remove),
]
