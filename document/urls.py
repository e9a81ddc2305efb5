from django.urls import path

from . import views

app_name = "document"
urlpatterns = [
    path("responses/<slug:slug>/", views.response_detail, name="detail"),
    path("responses/<slug:slug>/pdf/", views.response_pdf, name="pdf"),
]
