from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from audit import checks  # noqa: F401 - registers the retention system check
        from audit.sign_ins import record_lockout, record_sign_in, record_sign_in_failure, record_sign_out

        user_logged_in.connect(record_sign_in, dispatch_uid="audit-sign-in")
        user_logged_out.connect(record_sign_out, dispatch_uid="audit-sign-out")
        user_login_failed.connect(record_sign_in_failure, dispatch_uid="audit-sign-in-failed")
        user_locked_out.connect(record_lockout, dispatch_uid="audit-locked-out")
