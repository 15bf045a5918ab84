"""URLs of the instrument library: the staff area (/manage/instruments/) and the family pages (/family/loans/)."""

from .views import urlpatterns

app_name = "instruments"

__all__ = ["app_name", "urlpatterns"]
