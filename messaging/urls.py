"""The inbox screens, mounted at /inbox/. Their names stay un-namespaced (`inbox`,
`inbox-read`): the frame's menu and the access matrix (calldesk/access.py) name them so."""

from django.urls import path

from messaging import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<id:message_id>/read/", views.inbox_read, name="inbox-read"),
]
