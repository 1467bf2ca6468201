from django.urls import path

from api.accesslog.views import AccessLogApi

urlpatterns = [path("access-log/", AccessLogApi.as_view(), name="access-log")]
