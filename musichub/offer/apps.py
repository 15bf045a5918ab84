from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfferConfig(AppConfig):
    name = "musichub.offer"
    label = "offer"
    verbose_name = _("The offer: opportunities, venues and sessions")

    def ready(self):
        # Partner members see the young people with an active enrolment on their partner's opportunities;
        # music leaders those in the groups they lead.
        from musichub.core.roles import Role
        from musichub.people.selectors import register_scope

        from .joining import music_leader_scope, partner_member_scope

        register_scope(Role.PARTNER_MEMBER, partner_member_scope)
        register_scope(Role.MUSIC_LEADER, music_leader_scope)

        # The finder's sort keys follow genre and instrument changes made anywhere.
        from .finder_keys import connect_signals

        connect_signals()

        # Erasing a young person drops a walk-in's family contact and blanks reasons for absence.
        from musichub.people.privacy import register_eraser

        from .registers import erase_register_details

        register_eraser(erase_register_details)
