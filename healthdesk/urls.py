from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
    SpectacularYAMLAPIView,
)

from healthdesk import views

# Partner APIs at the site root, exactly as documented. Support's /api/v1/… comes before Connect4's
# /api/<access_token>/… so the literal prefix wins.
urlpatterns = [
    path("", include("healthdesk.partners.support.urls")),
    path("", include("healthdesk.partners.updox.urls")),
    path("", include("healthdesk.partners.webcamconsult.urls")),
    path("", include("healthdesk.partners.cliniko.urls")),
    path("", include("healthdesk.partners.connect4.urls")),
    path("", include("healthdesk.partners.fhir.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.health, name="health"),
    # Browsers ask for /favicon.ico whatever the page says; it lives with the other static files.
    # The unhashed name: resolving the hashed one here, at import, would need collectstatic before migrate.
    path("favicon.ico", RedirectView.as_view(url=f"/{settings.STATIC_URL.lstrip('/')}healthdesk/favicon.svg")),
    # API documentation, assets served locally (drf-spectacular-sidecar); no partner owns these paths.
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("openapi.yaml", SpectacularYAMLAPIView.as_view(), name="schema-yaml"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

handler404 = "healthdesk.views.handler404"
handler500 = "healthdesk.views.handler500"
