"""URLs of inclusion insights: the staff dashboard under /insights/ (views.py) and the outputs (views_outputs.py:
the annual return, partner contributions, the report and the public /impact/ page)."""

from importlib import import_module
from importlib.util import find_spec

from .views import urlpatterns as dashboard_urls

app_name = "insights"

urlpatterns = list(dashboard_urls)

# The outputs are built alongside the dashboard in their own module; the dashboard works without them.
if find_spec("musichub.insights.views_outputs") is not None:
    urlpatterns += import_module("musichub.insights.views_outputs").urlpatterns
