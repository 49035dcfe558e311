from django.urls import path

from kalantar.portal import report_cards, transparency

app_name = "transparency"
urlpatterns = [
    path("transparency/", transparency.index, name="index"),
    path("transparency/stats.csv", transparency.stats_csv, name="csv"),
    path("transparency/stats.json", transparency.stats_json, name="json"),
    path("transparency/about/", transparency.columns, name="about"),
    path("transparency/report-card/", report_cards.report_card, name="report_card"),
]
