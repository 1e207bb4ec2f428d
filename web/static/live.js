// Live pages re-fetch themselves every few seconds and swap the main content when it changed
// (a file, not an inline script: the Content-Security-Policy allows scripts from this origin only).
(function () {
  var last = null;
  async function tick() {
    try {
      var r = await fetch(location.href, { headers: { 'x-partial': '1' }, credentials: 'same-origin' });
      if (r.status === 200) {
        var t = await r.text();
        if (last !== null && t !== last && !document.activeElement.closest('form')) document.getElementById('main').innerHTML = t;
        last = t;
      }
    } catch (e) {}
  }
  async function loop() {
    await tick();
    setTimeout(loop, 3000);
  }
  loop();
})();
