// Loaded by app.html before anything else: Chromium fires `beforeinstallprompt` once per page,
// possibly before the app's code has loaded, so it is caught here and kept for the Install
// button (src/lib/components/InstallButton.svelte), which is told by the event below.
window.addEventListener('beforeinstallprompt', function (event) {
  // No mini-infobar: the top bar's Install button offers the same.
  event.preventDefault();
  window.runboardInstallPrompt = event;
  window.dispatchEvent(new Event('runboard:installprompt'));
});
