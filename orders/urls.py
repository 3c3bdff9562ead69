from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("mine/", views.my_orders, name="my-orders"),
    path("price-list/", views.price_list, name="price-list"),
    path("start/", views.start, name="start"),
    path("<int:order_id>/", views.order_detail, name="order"),
    path("<int:order_id>/status/", views.order_status, name="status"),
    path("<int:order_id>/exception/", views.exception, name="exception"),
    path("<int:order_id>/products/", views.product_search, name="product-search"),
    path("<int:order_id>/lines/", views.line_add, name="line-add"),
    path("<int:order_id>/lines/<int:line_id>/", views.line_change, name="line-change"),
    path("<int:order_id>/lines/<int:line_id>/remove/", views.line_remove, name="line-remove"),
    path("<int:order_id>/offers/", views.offer, name="offer"),
    path("<int:order_id>/terms/", views.terms, name="terms"),
    path("<int:order_id>/confirm/", views.confirm, name="confirm"),
]
