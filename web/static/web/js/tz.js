// Tell the server the browser's time zone once (a cookie), so times are shown in the viewer's
// zone from the next page on. A zone chosen on the preferences page takes precedence.
(function () {
  if (document.cookie.split("; ").some(function (c) { return c.indexOf("tz=") === 0; })) return;
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  } catch (e) { /* old browser: the site default zone is used */ }
})();
