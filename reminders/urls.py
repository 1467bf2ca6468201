from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("cases/<slug:slug>/subscribe/", views.subscribe_view, name="subscribe"),
    path("cases/<slug:slug>/hearings.ics", views.case_feed_view, name="case-feed"),
    path("confirm/<str:token>/", views.confirm_view, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("settings/<str:token>/", views.subscription_settings_view, name="settings"),
    path("delete/<str:token>/", views.subscription_delete_view, name="delete"),
    path("feed/<str:token>.ics", views.subscriber_feed_view, name="subscriber-feed"),
    path("me/", views.member_settings_view, name="member-settings"),
    path("members/<str:token>.ics", views.member_feed_view, name="member-feed"),
]
