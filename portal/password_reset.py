"""Password reset by e-mail, rate-limited per e-mail address and per client address (django-ratelimit)."""

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from portal.api.request_info import client_ip

logger = logging.getLogger(__name__)

# Neutral on purpose: it reads the same whether or not an account uses the address.
LIMITED_MESSAGE = (
    "Too many password-reset requests for this e-mail address or from your network recently. "
    "If an account uses that address, a link is already on its way: check your inbox and spam folder, "
    "or try again in an hour."
)


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Django's reset form; over either limit nothing is sent and the form says so, with status 429."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"].strip().casefold()
        # Both counters move on every request, so neither limit can be used to probe the other.
        over_email = _over_limit(
            self.request, "password-reset-email", settings.PASSWORD_RESET_RATE_PER_EMAIL, lambda *_: email
        )
        over_address = _over_limit(
            self.request, "password-reset-address", settings.PASSWORD_RESET_RATE_PER_ADDRESS, _address_key
        )
        if over_email or over_address:
            form.add_error(None, LIMITED_MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


def _over_limit(request: HttpRequest, group: str, rate: str, key: object) -> bool:
    """Whether this request is over the rate; with the cache (Redis) down, a reset is not refused."""
    try:
        return is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)
    except RedisError:
        logger.warning("Password-reset rate limit skipped: the cache is unreachable.", exc_info=True)
        return False


def _address_key(group: str, request: HttpRequest) -> str:
    return client_ip(request) or ""
