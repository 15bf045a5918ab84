"""Where uploaded files live."""

from django.core.files.storage import storages


def private_storage():
    """Documents that are never public (safeguarding policies): served only through permission checks."""
    return storages["private"]
