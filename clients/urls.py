from django.urls import path

from clients import views

app_name = "clients"

urlpatterns = [
    path("debtors/", views.debtors, name="debtors"),
    path("queue/", views.manager_queue, name="queue"),
    path("<id:client_id>/assignment/", views.client_assignment, name="assignment"),
]
