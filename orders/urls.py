from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("mine/", views.my_orders, name="my-orders"),
    path("price-list/", views.price_list, name="price-list"),
    path("start/", views.start, name="start"),
    path("<id:order_id>/", views.order_detail, name="order"),
    path("<id:order_id>/status/", views.order_status, name="status"),
    path("<id:order_id>/exception/", views.exception, name="exception"),
    path("<id:order_id>/products/", views.product_search, name="product-search"),
    path("<id:order_id>/lines/", views.line_add, name="line-add"),
    path("<id:order_id>/lines/<id:line_id>/", views.line_change, name="line-change"),
    path("<id:order_id>/lines/<id:line_id>/remove/", views.line_remove, name="line-remove"),
    path("<id:order_id>/offers/", views.offer, name="offer"),
    path("<id:order_id>/terms/", views.terms, name="terms"),
    path("<id:order_id>/confirm/", views.confirm, name="confirm"),
]
