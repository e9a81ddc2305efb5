from django.urls import path

from . import views

app_name = "recommendations"
urlpatterns = [
    path("<int:pk>/", views.recommendation_detail, name="detail"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    # The structure editor (evaluation staff): one page per response, one URL per operation.
    path("response/<slug:slug>/", views.manage, name="manage"),
    path("response/<slug:slug>/groups/add/", views.group_add, name="group_add"),
    path("response/<slug:slug>/recommendations/add/", views.loose_recommendation_add, name="loose_add"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/move/", views.group_move, name="group_move"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("groups/<int:pk>/themes/add/", views.theme_add, name="theme_add"),
    path("themes/<int:pk>/edit/", views.theme_edit, name="theme_edit"),
    path("themes/<int:pk>/move/", views.theme_move, name="theme_move"),
    path("themes/<int:pk>/delete/", views.theme_delete, name="theme_delete"),
    path("themes/<int:pk>/recommendations/add/", views.recommendation_add, name="recommendation_add"),
    path("<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("<int:pk>/move/", views.recommendation_move, name="recommendation_move"),
    path("<int:pk>/delete/", views.recommendation_delete, name="recommendation_delete"),
]
