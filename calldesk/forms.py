"""How the desk's forms draw their fields.

Django draws each widget through its template engine: on the call screen (some twenty fields
and their options) that was the largest part of the page's time after the queries. The desk's
forms draw them with Django's own Jinja2 widget templates (django/forms/jinja2), the same HTML
several times faster; admin and every other form keep Django's renderer.
"""

from __future__ import annotations

from functools import cache

from django.forms.renderers import BaseRenderer, Jinja2


@cache
def desk_renderer() -> BaseRenderer:
    """One renderer per process: its Jinja2 environment caches the compiled widget templates."""
    return Jinja2()
