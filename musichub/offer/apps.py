from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfferConfig(AppConfig):
    name = "musichub.offer"
    label = "offer"
    verbose_name = _("The offer: opportunities, venues and sessions")
