from django.urls import path

from . import views

app_name = "office"
urlpatterns = [
    path("responses/<slug:slug>/table.xlsx", views.response_table, {"fmt": "xlsx"}, name="table_xlsx"),
    path("responses/<slug:slug>/table.csv", views.response_table, {"fmt": "csv"}, name="table_csv"),
    path("responses/<slug:slug>/document.docx", views.response_docx, name="docx"),
    path("responses/<slug:slug>/recommendations.xlsx", views.recommendations_xlsx, name="recommendations_xlsx"),
    path("responses/<slug:slug>/recommendations/import/", views.recommendations_import, name="recommendations_import"),
    path(
        "responses/<slug:slug>/recommendations/import/confirm/",
        views.recommendations_import_confirm,
        name="recommendations_import_confirm",
    ),
    path("recommendations-template.xlsx", views.blank_template, name="template"),
    path("follow-up/table.xlsx", views.dashboard_table, {"fmt": "xlsx"}, name="dashboard_xlsx"),
    path("follow-up/table.csv", views.dashboard_table, {"fmt": "csv"}, name="dashboard_csv"),
]
