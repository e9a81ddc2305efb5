from django.urls import path

from . import followup, views

app_name = "responses"
urlpatterns = [
    path("", views.response_list, name="list"),
    path("responses/new/", views.response_new, name="new"),
    path("responses/new/upload/", views.response_upload, name="upload"),
    path("responses/new/upload/confirm/", views.response_upload_confirm, name="upload_confirm"),
    path("responses/new/copy/", views.response_copy, name="copy"),
    path("responses/<slug:slug>/", views.response_detail, name="detail"),
    path("responses/<slug:slug>/delete/", views.response_delete, name="delete"),
    path("responses/<slug:slug>/edit/", views.response_edit, name="edit"),
    path("responses/<slug:slug>/export.yaml", views.response_export, name="export"),
    path("responses/<slug:slug>/pdf/", views.response_pdf, name="pdf"),
    path("responses/<slug:slug>/preview/", views.preview, name="preview"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("responses/<slug:slug>/publish/", views.response_publish, name="publish"),
    path("responses/<slug:slug>/versions/<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("responses/<slug:slug>/versions/<int:number>/export.yaml", views.version_export, name="version_export"),
    path("responses/<slug:slug>/compare/", views.response_compare, name="compare"),
    path("responses/<slug:slug>/compare/pdf/", views.response_compare_pdf, name="compare_pdf"),
    path("responses/<slug:slug>/as-of/", views.response_as_of, name="as_of"),
    path("responses/<slug:slug>/as-of/pdf/", views.response_as_of_pdf, name="as_of_pdf"),
    path("verify/", views.verify, name="verify"),
    path("responses/<slug:slug>/activity/", views.response_activity, name="activity"),
    path("responses/<slug:slug>/people/", views.people, name="people"),
    path("responses/<slug:slug>/people/<int:pk>/", views.member, name="member"),
    path("responses/<slug:slug>/follow-up/", followup.followup, name="followup"),
]
