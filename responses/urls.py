from django.urls import path

from . import views

app_name = "responses"
urlpatterns = [
    path("responses/<slug:slug>/delete/", views.response_delete, name="delete"),
    path("responses/<slug:slug>/edit/", views.response_edit, name="edit"),
    path("responses/<slug:slug>/chapters/", views.chapters, name="chapters"),
    path("responses/<slug:slug>/chapters/<int:pk>/", views.chapter, name="chapter"),
    path("responses/<slug:slug>/chapters/<int:pk>/delete/", views.chapter_delete, name="chapter_delete"),
    path("responses/<slug:slug>/chapters/<int:pk>/move/", views.chapter_move, name="chapter_move"),
    path("responses/<slug:slug>/withdraw/", views.response_withdraw, name="withdraw"),
    path("responses/<slug:slug>/preview/", views.preview, name="preview"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("responses/<slug:slug>/versions/<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("responses/<slug:slug>/versions/<int:number>/export.yaml", views.version_export, name="version_export"),
    path("verify/", views.verify, name="verify"),
    path("responses/<slug:slug>/activity/", views.response_activity, name="activity"),
    path("responses/<slug:slug>/people/", views.people, name="people"),
    path("responses/<slug:slug>/people/<int:pk>/", views.member, name="member"),
]
