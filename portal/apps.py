from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal.middleware import record_sign_in_as_activity

        user_logged_in.connect(record_sign_in_as_activity, dispatch_uid="portal-sign-in-activity")
