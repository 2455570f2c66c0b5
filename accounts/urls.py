"""A person's own account pages (Django's sign-in, password change and reset are under the same /accounts/)."""

from django.urls import path

from accounts import views, views_invitation, views_sessions

app_name = "accounts"

urlpatterns = [
    path("api-tokens/", views.api_tokens, name="api-tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("invitation/<uidb64>/<token>/", views_invitation.invitation_accept, name="invitation"),
    # Before allauth's own page at the same address (portal/urls.py includes these first): this one also
    # revokes API tokens and is audited, and it is the one service the API shares.
    path("sessions/", views_sessions.sessions, name="sessions"),
]
