"""The roles a person can hold on the platform."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HUB_ADMIN = "hub_admin", _("Hub admin")
    HUB_STAFF = "hub_staff", _("Hub staff")
    # The designated safeguarding lead: a member of hub staff who also receives safeguarding concerns.
    SAFEGUARDING_LEAD = "safeguarding_lead", _("Designated safeguarding lead")
    PARTNER_MEMBER = "partner_member", _("Partner member")
    MUSIC_LEADER = "music_leader", _("Music leader")
    SCHOOL_CONTACT = "school_contact", _("School contact")
    GUARDIAN = "guardian", _("Parent or guardian")
    YOUNG_PERSON = "young_person", _("Young person")
