from django.urls import path
from django.views.decorators.http import require_safe

from . import feeds, views

app_name = "register"
urlpatterns = [
    path("register/", views.index, name="index"),
    path("register/feed/", require_safe(feeds.RegisterFeed()), name="feed"),
    path("register/data/<str:name>", views.data, name="data"),
    path("register/<slug:slug>/data/<str:name>", views.response_data, name="response_data"),
]
