from django.urls import path

from notifications.api import webhook_views as views

webhook = "agencies/<int:agency_id>/webhooks/<int:webhook_id>/"

urlpatterns = [
    path("agencies/<int:agency_id>/webhooks/", views.WebhookListView.as_view(), name="webhook-list"),
    path(webhook, views.WebhookDetailView.as_view(), name="webhook-detail"),
    path(f"{webhook}enable/", views.WebhookEnableView.as_view(), name="webhook-enable"),
    path(f"{webhook}deliveries/", views.WebhookDeliveryListView.as_view(), name="webhook-delivery-list"),
    path(
        f"{webhook}deliveries/<int:delivery_id>/redeliver/",
        views.WebhookRedeliverView.as_view(),
        name="webhook-delivery-redeliver",
    ),
]
