"""Issue 16, item 1, on a 375 px phone: a building's site map shows at the screen's width on the building page,
and a tap opens the image alone (which the phone pinch-zooms); a PDF opens in the browser."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.buildings.helpers import add_document, pdf, png
from tests.web.conftest import PHONE, screenshot, sign_in


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_on_a_phone_the_site_map_fits_the_screen_and_a_tap_opens_the_full_image(
    page, live_server, web_county, console_errors
):
    county = web_county
    site_map = add_document(county, title="Site map, north campus", upload=png("site.png", "#8fbc8f", (1600, 1000)))
    add_document(county, title="First floor", kind="floor_plan", upload=pdf())
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "police_officer")
    page.goto(f"{live_server.url}{reverse('agencies:facility-detail', kwargs={'facility_id': county.school.pk})}")
    expect(page.get_by_role("heading", name="Maps and floor plans")).to_be_visible()
    image = page.get_by_role("img", name="Site map: Site map, north campus")
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    # Loaded through the permission-checked view (the page's CSP allows no string evaluation: poll instead).
    for _ in range(50):
        if image.evaluate("img => img.complete && img.naturalWidth") == 1600:
            break
        page.wait_for_timeout(100)
    assert image.evaluate("img => img.naturalWidth") == 1600
    box = image.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    assert overflow(page) == 0, f"the building page scrolls sideways by {overflow(page)} px at 375 px"
    expect(page.get_by_role("link", name=re.compile(r"Open the PDF\W+First floor"))).to_be_visible()
    screenshot(page, "building-documents-phone")
    image.click()
    page.wait_for_url(f"**/documents/{site_map.pk}/versions/1/file/")
    # The image alone, at its own size: the phone's browser pinch-zooms it.
    width = page.evaluate("document.images[0].naturalWidth")
    assert width == 1600
    assert console_errors == []
