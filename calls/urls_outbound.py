from django.urls import path

from calls import views_outbound as views

app_name = "outbound"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
]
