"""URLs of the people app: staff and family areas (never public). Each views module owns its own list."""

from .views import urlpatterns as record_urls
from .views_imports import urlpatterns as import_urls
from .views_privacy import urlpatterns as privacy_urls
from .views_safeguarding import urlpatterns as safeguarding_urls

app_name = "people"

urlpatterns = record_urls + import_urls + privacy_urls + safeguarding_urls
