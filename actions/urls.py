from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("<int:pk>/", views.action_detail, name="detail"),
]
