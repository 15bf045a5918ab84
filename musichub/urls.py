"""The project's URLs. Public URLs are a contract (DESIGN.md): change them only with redirects."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from musichub.core import views as core_views
from musichub.core.permissions import public

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("musichub.core.urls")),
    path("", include("musichub.people.urls")),
    path("", include("musichub.partners.urls")),
    path("", include("musichub.offer.urls")),
    path("", include("musichub.voice.urls")),
    path("", include("musichub.instruments.urls")),
    path("", include("musichub.insights.urls")),
    path("", include("musichub.pages.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
