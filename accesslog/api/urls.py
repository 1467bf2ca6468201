from django.urls import path

from accesslog.api.views import AccessLogApi

urlpatterns = [path("access-log/", AccessLogApi.as_view(), name="access-log")]
