from django.urls import path

from calls import views

app_name = "calls"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("calls/<int:call_id>/", views.call_screen, name="call"),
    path("feedback/", views.feedback_inbox, name="feedback-inbox"),
    path("consultations/", views.consultations, name="consultations"),
]
