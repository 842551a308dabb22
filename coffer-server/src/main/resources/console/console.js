// Coffer console: progressive enhancement only; every page works without it.
document.addEventListener('click', function (event) {
  var button = event.target.closest('[data-copy]');
  if (!button) return;
  var source = document.getElementById(button.getAttribute('data-copy'));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent).then(function () {
    var status = document.getElementById(button.getAttribute('data-copy') + '-copied');
    if (status) status.textContent = 'Copied to the clipboard.';
  });
});
