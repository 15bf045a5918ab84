from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "musichub.voice"
    label = "voice"
    verbose_name = _("Youth voice")

    def ready(self):
        # On erasure, a young person's profile goes and their posts stay only as anonymous voices.
        from musichub.people.privacy import register_eraser

        from .services import erase_voice_details

        register_eraser(erase_voice_details)
