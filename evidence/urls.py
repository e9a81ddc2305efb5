from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("actions/<int:pk>/evidence/add/", views.add, name="add"),
    path("actions/<int:pk>/validation/", views.decide, name="decide"),
    path("evidence/<int:pk>/remove/", views.remove, name="remove"),
    # The response's slug is part of the address: the view serves only evidence of that response.
    path("responses/<slug:slug>/evidence/<int:pk>/", views.file, name="file"),
]
