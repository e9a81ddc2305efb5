from django.urls import path

from . import views

app_name = "publishing"
urlpatterns = [
    path("responses/<slug:slug>/publish/", views.response_publish, name="publish"),
    path("responses/<slug:slug>/publish/<int:pk>/", views.publication, name="publication"),
    path("responses/<slug:slug>/compare/", views.response_compare, name="compare"),
    path("responses/<slug:slug>/compare/pdf/", views.response_compare_pdf, name="compare_pdf"),
    path("responses/<slug:slug>/as-of/", views.response_as_of, name="as_of"),
    path("responses/<slug:slug>/as-of/pdf/", views.response_as_of_pdf, name="as_of_pdf"),
]
