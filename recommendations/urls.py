from django.urls import path

from . import views

app_name = "recommendations"
urlpatterns = [
    path("<int:pk>/", views.recommendation_detail, name="detail"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
]
