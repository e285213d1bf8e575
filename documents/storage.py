"""A Django file storage in the database (the `documents` entry of settings.STORAGES).

Written here rather than taken from a package: the database-file packages on PyPI
(django-db-file-storage, django-binary-database-files) fall back to MEDIA_ROOT on the local disk and answer a
missing name with an empty file — exactly the per-machine state and the silent loss this storage exists to
remove. This one is the Storage API's few methods over one table; a missing name raises FileNotFoundError, as
a file system would.
"""

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible

from documents.models import StoredDocument


@deconstructible
class DatabaseStorage(Storage):
    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode:
            raise ValueError("documents are written with save(), not opened for writing")
        try:
            content = StoredDocument.objects.values_list("content", flat=True).get(name=name)
        except StoredDocument.DoesNotExist:
            raise FileNotFoundError(name) from None
        return ContentFile(bytes(content), name=name)

    def _save(self, name: str, content: File) -> str:
        data = b"".join(content.chunks())
        StoredDocument.objects.create(name=name, content=data, size=len(data))
        return name

    def exists(self, name: str) -> bool:
        return StoredDocument.objects.filter(name=name).exists()

    def delete(self, name: str) -> None:
        StoredDocument.objects.filter(name=name).delete()

    def size(self, name: str) -> int:
        try:
            return StoredDocument.objects.values_list("size", flat=True).get(name=name)
        except StoredDocument.DoesNotExist:
            raise FileNotFoundError(name) from None

    def url(self, name: str) -> str:
        raise NotImplementedError("documents are served only through views that check permissions")


def document_storage() -> Storage:
    """The storage of FileFields holding documents (a callable: settings.STORAGES chooses the backend)."""
    return storages["documents"]
