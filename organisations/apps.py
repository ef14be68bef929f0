from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "组织机构"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth import signals

        from . import audit

        signals.user_logged_in.connect(audit.log_login, dispatch_uid="qingdan.audit.login")
        signals.user_login_failed.connect(
            audit.log_login_failed, dispatch_uid="qingdan.audit.login_failed"
        )
        signals.user_logged_out.connect(audit.log_logout, dispatch_uid="qingdan.audit.logout")
        user_locked_out.connect(audit.log_locked_out, dispatch_uid="qingdan.audit.locked_out")
