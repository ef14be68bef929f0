"""The project's own app configuration: set-up that belongs to no domain app."""

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(sender, using, verbosity=1, **kwargs) -> None:
    """Create the table of the database cache (``CACHES``) if it is missing.

    Runs after every ``migrate`` (and when the test database is built), so a fresh
    database, or one that switches from Redis back to the database cache, has it.
    Does nothing for other cache backends. Django sends the signal once per app with
    models (this app has none), so it is received several times per ``migrate``; an
    existing table costs one look at the table names.
    """
    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))


class SiteConfig(AppConfig):
    name = "config"
    label = "qingdan_site"
    verbose_name = "站点"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import SessionTimeoutMiddleware

        user_logged_in.connect(
            SessionTimeoutMiddleware.start_clock, dispatch_uid="qingdan.session_clock"
        )
        post_migrate.connect(create_cache_table, dispatch_uid="qingdan.create_cache_table")
