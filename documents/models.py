from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredDocument(models.Model):
    """A generated document (a letter to a citizen) kept in the database, so that every web and worker process
    reads the same bytes and a redeploy loses nothing (README, "Documents"). Written and read only through
    documents.storage.DatabaseStorage, the storage of the FileFields that hold documents."""

    name = models.CharField(_("navn"), max_length=255, unique=True)
    content = models.BinaryField(_("indhold"))
    size = models.PositiveIntegerField(_("størrelse (bytes)"))
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")

    def __str__(self) -> str:
        return self.name
