"""Where uploaded files live."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """Documents that are never public (safeguarding policies, uploaded imports) under PRIVATE_MEDIA_ROOT.

    They have no URL: the platform streams them to permitted staff. The folder is read from the setting on
    use (and again when the setting changes), so tests can point it at a temporary folder.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def private_storage():
    """The storage for documents that are never public (see PrivateStorage)."""
    return storages["private"]
