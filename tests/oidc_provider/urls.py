from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    # Browsers ask every origin for one; an empty answer keeps the browser tests' console free of 404s.
    path("favicon.ico", lambda request: HttpResponse(status=204)),
    # At the root, so the issuer is the bare origin and discovery is /.well-known/openid-configuration.
    path("", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
