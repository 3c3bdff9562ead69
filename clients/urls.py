from django.urls import path

from clients import views

app_name = "clients"

urlpatterns = [
    path("debtors/", views.debtors, name="debtors"),
]
