from django.urls import path

from outbound import views

app_name = "outbound"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("tasks/<id:task_id>/", views.task, name="task"),
    path("tasks/<id:task_id>/call/", views.task_call, name="task-call"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<id:campaign_id>/", views.campaign, name="campaign"),
    path("campaigns/<id:campaign_id>/close/", views.campaign_close, name="campaign-close"),
    path("campaigns/<id:campaign_id>/export.<str:fmt>", views.campaign_export, name="campaign-export"),
]
