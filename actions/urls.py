from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move_action, name="move"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/parts/add/", views.add_part, name="add_part"),
    path("response/<slug:slug>/", views.manage, name="manage"),
    path("response/<slug:slug>/add/", views.add, name="add"),
    path("<int:pk>/links/", views.links, name="links"),
    path("<int:pk>/links/add/", views.link_add, name="link_add"),
    path("links/recommendation/<int:rec_pk>/", views.recommendation_links, name="recommendation_links"),
    path("links/recommendation/<int:rec_pk>/add/", views.recommendation_link_add, name="recommendation_link_add"),
    path("links/<int:pk>/edit/", views.link_edit, name="link_edit"),
    path("links/<int:pk>/delete/", views.link_delete, name="link_delete"),
]
