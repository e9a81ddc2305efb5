from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # "new" before a response's slug: interchange's /responses/new/ must win over /responses/<slug>/.
    path("", include("interchange.urls")),
    path("", include("reading.urls")),
    path("", include("responses.urls")),
    path("", include("document.urls")),
    path("", include("publishing.urls")),
    path("recommendations/", include("recommendations.urls")),
    path("actions/", include("actions.urls")),
    path("", include("evidence.urls")),
    path("", include("tracking.urls")),
    path("", include("register.urls")),
    path("", include("office.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
