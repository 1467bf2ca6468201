from django.urls import path

from api.changes.views import ChangeFeedApi

urlpatterns = [path("changes/", ChangeFeedApi.as_view(), name="changes")]
