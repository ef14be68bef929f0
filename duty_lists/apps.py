from django.apps import AppConfig


class DutyListsConfig(AppConfig):
    name = "duty_lists"
    verbose_name = "三张清单"
