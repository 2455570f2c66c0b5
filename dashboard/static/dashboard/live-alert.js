// The dashboard's "New alert" notice (notifications/_live_alert_notice.html) can be dismissed; the next alert
// fills it again. The container stays, so screen readers keep announcing what arrives in it.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-dismiss-notice]");
  if (button) {
    var notice = document.getElementById("live-alert-notice");
    if (notice) {
      notice.textContent = "";
    }
  }
});
