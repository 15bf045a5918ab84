"""URLs of the offer: the public finder (/opportunities/) and the management areas."""

from .views import urlpatterns as finder_urls
from .views_allocation import urlpatterns as allocation_urls
from .views_joining import urlpatterns as joining_urls
from .views_manage import urlpatterns as manage_urls

app_name = "offer"

urlpatterns = finder_urls + manage_urls + allocation_urls + joining_urls
