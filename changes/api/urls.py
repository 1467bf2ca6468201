from django.urls import path

from changes.api.views import ChangeFeedApi

urlpatterns = [path("changes/", ChangeFeedApi.as_view(), name="changes")]
