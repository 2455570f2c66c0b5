"""`/favicon.ico`: browsers ask for it on anything that is not one of our HTML pages (an image or PDF opened on
its own), where no `<link rel="icon">` can point them at the real icon."""

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(static("portal/favicon.svg"))
