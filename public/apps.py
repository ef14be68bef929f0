from django.apps import AppConfig


class PublicConfig(AppConfig):
    """公开查询: the published lists of each county, without login, read-only."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "public"
    verbose_name = "公开查询"
