from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, pre_delete
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("新闻")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fedsite import backup, cache
        from fedsite.text import clean_text_fields_on_save
        from fedsite.uploads import strip_images_on_save

        from . import attachments, positions
        from .models import Article, Attachment, Column, forget_prepared_statements

        # What changes public pages: saving these, and a scheduled article's time coming.
        # An article's own save leaves the frame (fedsite.cache) standing: the other
        # articles' pages, kept in parts, follow it through their links alone.
        cache.invalidate_on_save(Column, Attachment)
        cache.invalidate_on_save(Article, frame=False)
        # The next scheduled time comes with the lists' Ranking (news.positions), which
        # the page being built asks for anyway: no query of its own.
        cache.changes_at(positions.next_publication)
        # The article page's prepared statement is made again on a new connection.
        connection_created.connect(
            forget_prepared_statements, dispatch_uid="news-prepared-statements"
        )
        # A deleted article leaves a gap in the lists' positions: close it.
        pre_delete.connect(_close_gap, sender=Article, dispatch_uid="news-positions")
        # A removed attachment's file goes too, once no row uses it.
        post_delete.connect(
            attachments.delete_unused_file, sender=Attachment, dispatch_uid="news-attachment-files"
        )
        # No control characters in stored text; no metadata in stored images (issue 9).
        clean_text_fields_on_save(self)
        strip_images_on_save(self)
        # A restored archive made before the search index existed has it empty.
        backup.rebuild_after_restore("rebuild_search_index", "--missing")


def _close_gap(sender, instance, using, **kwargs):
    from . import positions

    positions.remove(instance, using)
