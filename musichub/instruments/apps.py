from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "musichub.instruments"
    label = "instruments"
    verbose_name = _("The instrument library: instruments, loans and repairs")

    def ready(self):
        # Erasing a young person clears what their loans say about them in words (notes, who accepted).
        from musichub.people.privacy import register_eraser

        from .services import erase_loan_details

        register_eraser(erase_loan_details)
