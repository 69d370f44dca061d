// The live socket's heartbeat clock (see socket.mjs). A dedicated worker's timers keep their pace
// in a hidden tab, where the page's own timers may be throttled to one a minute; the page still
// sends each `ping` itself, so a page whose script is stuck or paused stops sending them and the
// server declares it lost (liveness comes from the page's messages, not from the browser's
// automatic answers to WebSocket pings).
let timer = null;
onmessage = (ev) => {
  clearInterval(timer);
  timer = ev.data > 0 ? setInterval(() => postMessage('tick'), ev.data) : null;
};
