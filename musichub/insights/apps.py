from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "musichub.insights"
    label = "insights"
    verbose_name = _("Inclusion insights: the dashboard, the annual return, reports and public impact")
