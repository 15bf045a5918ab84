from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "musichub.people"
    label = "people"
    verbose_name = _("Young people, families and schools")
