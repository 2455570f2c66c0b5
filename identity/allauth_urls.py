"""django-allauth's single sign-on URLs that Concord uses: each agency provider's login and callback
(/accounts/oidc/agency-<slug>/login/ and …/callback/), and the pages allauth shows when the person cancels
at their provider or the round trip fails. Sign-up and account-connection pages stay unrouted."""

from allauth.socialaccount import views as social_views
from django.urls import include, path

urlpatterns = [
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("3rdparty/login/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("3rdparty/login/error/", social_views.login_error, name="socialaccount_login_error"),
]
