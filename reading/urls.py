from django.urls import path

from . import views

app_name = "reading"
urlpatterns = [
    path("responses/new/document/", views.upload, name="upload"),
    path("responses/new/document/<uuid:pk>/", views.progress, name="progress"),
    path("responses/new/document/<uuid:pk>/review/", views.review_page, name="review"),
    path("responses/<slug:slug>/original/<int:pk>/", views.original, name="original"),
]
