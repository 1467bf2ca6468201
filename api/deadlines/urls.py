from django.urls import path

from api.deadlines.views import DeadlineCloseApi

urlpatterns = [path("deadlines/<int:pk>/close/", DeadlineCloseApi.as_view(), name="deadline-close")]
