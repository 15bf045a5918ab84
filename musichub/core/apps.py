from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "musichub.core"
    label = "core"
    verbose_name = _("Hub, accounts and roles")


class HubAdminConfig(admin_apps.AdminConfig):
    """The Django admin, gated by the same role policy as every other view."""

    default = False

    default_site = "musichub.core.admin_site.HubAdminSite"
