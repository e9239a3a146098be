from django.db import models


class SearchIndexField(models.TextField):
    """A search index column (news.search): a tsvector on PostgreSQL, the token
    string elsewhere. Here, apart from the search code, so that migrations can name
    the column's type without importing code that changes."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"
