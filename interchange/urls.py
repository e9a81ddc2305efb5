from django.urls import path

from . import views

app_name = "interchange"
urlpatterns = [
    path("responses/new/", views.response_new, name="new"),
    path("responses/new/upload/", views.response_upload, name="upload"),
    path("responses/new/upload/confirm/", views.response_upload_confirm, name="upload_confirm"),
    path("responses/new/upload/<uuid:pk>/", views.response_upload_progress, name="upload_progress"),
    path("responses/new/copy/", views.response_copy, name="copy"),
    path("responses/<slug:slug>/export.yaml", views.response_export, name="export"),
]
