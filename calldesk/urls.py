from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from calldesk.api import api
from calldesk.live_stream import stream
from calldesk.validation import IdConverter
from staff import views as staff_views

# `<id:...>`: an id that fits a bigint, or a 404 (never an overflow in the database).
register_converter(IdConverter, "id")
# Under /api/, a URL that names no operation answers API.md's error body.
handler404 = "calldesk.api.not_found"

admin.site.site_header = _("calldesk administration")
admin.site.site_title = _("calldesk")

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The push channel: one Server-Sent Events stream per page (calldesk.live).
    path("live/", stream, name="live-stream"),
    path("inbox/", include("messaging.urls")),
    path("desk/", include("calls.urls")),
    path("outbound/", include("outbound.urls")),
    path("clients/", include("clients.urls")),
    path("orders/", include("orders.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Django's set_language, which also keeps a signed-in person's choice on their record.
    path("i18n/setlang/", staff_views.choose_language, name="set_language"),
    path("me/calls-at-once/", staff_views.calls_at_once, name="calls-at-once"),
    # Uploaded files (product certificates) are for staff: served here, behind the access matrix,
    # never from a public folder.
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}, name="media"),
]
