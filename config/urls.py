from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("responses.urls")),
    path("recommendations/", include("recommendations.urls")),
    path("actions/", include("actions.urls")),
    path("", include("tracking.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
