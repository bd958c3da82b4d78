from django.contrib import admin
from django.urls import include, path

from healthdesk import views

admin.site.site_header = "healthdesk back office"
admin.site.site_title = "healthdesk"
admin.site.index_title = "Today"

urlpatterns = [
    path("", include("healthdesk.partners.connect4.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.health, name="health"),
]

handler404 = "healthdesk.views.handler404"
handler500 = "healthdesk.views.handler500"
