"""Sign-in and sign-out (django-allauth) and the password pages under /accounts/.

Only the allauth pages Concord uses are routed (no e-mail management, sign-in codes or phone pages):
its sign-in and sign-out answer at Django's old URLs and names ("login", "logout") as well as allauth's,
and Django's own password change and rate-limited reset stay the only ones, so allauth's links lead there.
"""

from allauth.account import views as allauth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.sign_out import clears_site_data
from identity.forms import SSOAwarePasswordResetForm
from portal.password_reset import RateLimitedPasswordResetView

urlpatterns = [
    path("login/", allauth_views.login, name="login"),
    # Signing out clears the browser's offline copies and HTTP cache (Clear-Site-Data).
    path("logout/", clears_site_data(allauth_views.logout), name="logout"),
    path("login/", allauth_views.login, name="account_login"),
    path("logout/", clears_site_data(allauth_views.logout), name="account_logout"),
    # "Sign-up is closed" (accounts.adapter): people are invited by their agency.
    path("signup/", allauth_views.signup, name="account_signup"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path(
        "password_reset/",
        RateLimitedPasswordResetView.as_view(form_class=SSOAwarePasswordResetForm),
        name="password_reset",
    ),
    path("password/reset/", RedirectView.as_view(pattern_name="password_reset"), name="account_reset_password"),
    path("password/change/", RedirectView.as_view(pattern_name="password_change"), name="account_change_password"),
    # Multi-factor sign-in (allauth.mfa): the person's own authenticator app, recovery codes and passkeys.
    path("2fa/", include("allauth.mfa.urls")),
    # Django's password change and reset pages (its login/ and logout/ are answered above).
    path("", include("django.contrib.auth.urls")),
]
