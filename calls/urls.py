from django.urls import path

from calls import views

app_name = "calls"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("calls/new/", views.call_register, name="call-register"),
    path("calls/<id:call_id>/", views.call_screen_view, name="call"),
    path("calls/<id:call_id>/transfer/", views.transfer, name="transfer"),
    path("calls/<id:call_id>/wrap-up/", views.wrap_up, name="wrap-up"),
    path("calls/<id:call_id>/client/", views.attach, name="attach-client"),
    path("calls/<id:call_id>/new-client/", views.new_client, name="new-client"),
    path("calls/<id:call_id>/feedback/", views.feedback, name="call-feedback"),
    path("calls/<id:call_id>/consult/", views.consult, name="consult"),
    path("calls/<id:call_id>/answers/", views.call_answers, name="call-answers"),
    path("calls/<id:call_id>/reference/", views.reference, name="reference"),
    path("callbacks/<id:callback_id>/take/", views.callback_take, name="callback-take"),
    path("feedback/", views.feedback_inbox, name="feedback-inbox"),
    path("feedback/<id:route_id>/status/", views.feedback_status, name="feedback-status"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<id:consultation_id>/answer/", views.answer, name="answer"),
]
