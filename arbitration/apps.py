from django.apps import AppConfig


class ArbitrationConfig(AppConfig):
    name = "arbitration"
    verbose_name = "裁定"
