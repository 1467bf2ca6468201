"""The demo court site (demo/court_site.py): under DEBUG only."""

from django.urls import path

from demo import court_site

app_name = "demo"

urlpatterns = [
    path("", court_site.court_site, name="court_site"),
    path("moving/mos-gorsud.html", court_site.court_card_moving, name="court_card_moving"),
    path("<slug:name>.html", court_site.court_card, name="court_card"),
]
