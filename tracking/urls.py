from django.urls import path

from . import followup, home, views

app_name = "tracking"
urlpatterns = [
    path("", home.response_list, name="home"),
    path("responses/<slug:slug>/follow-up/", followup.followup, name="followup"),
    path("responses/<slug:slug>/rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/report.pdf", views.round_report, name="round_report"),
    path("portfolio/", views.portfolio_page, name="portfolio"),
    path("portfolio/report.pdf", views.portfolio_pdf, name="portfolio_pdf"),
]
