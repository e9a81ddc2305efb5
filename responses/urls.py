from django.urls import path

from . import views

app_name = "responses"
urlpatterns = [
    path("", views.response_list, name="list"),
    path("responses/<slug:slug>/", views.response_detail, name="detail"),
    path("responses/<slug:slug>/edit/", views.response_edit, name="edit"),
    path("responses/<slug:slug>/export.yaml", views.response_export, name="export"),
    path("responses/<slug:slug>/pdf/", views.response_pdf, name="pdf"),
    path("responses/<slug:slug>/activity/", views.response_activity, name="activity"),
    path("responses/<slug:slug>/people/", views.people, name="people"),
    path("responses/<slug:slug>/people/<int:pk>/", views.member, name="member"),
    path("preview/", views.preview, name="preview"),
]
