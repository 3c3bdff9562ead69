"""How a session's person is read on every screen's request.

Django's ModelBackend reads the user in one query, and the access matrix then asks for the role:
a second query (the user's groups), both compiled on every request. `StaffBackend` reads the
user, their department and their role in one statement compiled once per process
(staff.services.session_user, calldesk.prepared), as the API's token lookup already does.
Signing in (passwords, django-axes before it) is ModelBackend's, unchanged.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from staff.services import session_user


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = session_user(user_id=int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
