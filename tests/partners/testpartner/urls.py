from django.urls import include, path

from healthdesk.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("", include("tests.partners.testpartner.api")), *site_urlpatterns]

handler404 = "healthdesk.views.handler404"
handler500 = "healthdesk.views.handler500"
