from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("mine/", views.my_orders, name="my-orders"),
    path("price-list/", views.price_list, name="price-list"),
    path("<int:order_id>/", views.order_detail, name="order"),
]
