from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from portal.middleware import record_sign_in_as_activity
        from portal.sign_in import flag_wrapped_request

        user_logged_in.connect(record_sign_in_as_activity, dispatch_uid="portal-sign-in-activity")
        user_locked_out.connect(flag_wrapped_request, dispatch_uid="portal-lockout-drf-request")
