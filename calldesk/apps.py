from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalldeskConfig(AppConfig):
    name = "calldesk"
    verbose_name = _("calldesk")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from calldesk.live_stream import install_fan_out

        user_logged_in.connect(_session_written_at_sign_in, dispatch_uid="calldesk-session-refresh")
        install_fan_out()


def _session_written_at_sign_in(sender, request, user, **kwargs) -> None:
    """Signing in writes the session: the idle hour starts there (calldesk.middleware)."""
    from calldesk.middleware import refresh_if_due

    session = getattr(request, "session", None)
    if session is not None:
        refresh_if_due(session)
