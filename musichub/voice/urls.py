"""URLs of youth voice: the public "you said, we did" page (/voice/, a contract), young people's pages under
/voice/, and staff pages under /manage/voice/. Each views module owns its own list."""

from .views_manage import urlpatterns as manage_urls
from .views_panel import urlpatterns as panel_urls
from .views_public import urlpatterns as public_urls
from .views_young import urlpatterns as young_urls

app_name = "voice"

urlpatterns = public_urls + young_urls + panel_urls + manage_urls
