// The message beside the form just sent (portal/place_messages.py) takes the focus, so a screen reader reads
// it out, and comes into view if it is not. Once the page has loaded: the browser's own jump to the page's
// #anchor comes first and would otherwise take the focus back. Without JavaScript the page still opens at
// the form's anchor, with the message at its top.
(function () {
  function show() {
    var region = document.querySelector("[data-place-messages]");
    if (!region) {
      return;
    }
    region.focus({ preventScroll: true });
    var box = region.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      region.scrollIntoView({ block: "nearest" });
    }
  }
  if (document.readyState === "complete") {
    show();
  } else {
    window.addEventListener("load", show);
  }
})();
