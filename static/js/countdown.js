// Keeps a live Q&A's "Starts in 2 h 5 min" current: every <time data-countdown> counts down
// to its datetime, as posts.templatetags.posts_extras.starts_in_text writes it on the server.
const MINUTE = 60 * 1000;

function startsIn(moment, now) {
  const left = moment - now;
  if (left <= 0) return "Starting now";
  let minutes = Math.ceil(left / MINUTE);
  const days = Math.floor(minutes / (24 * 60));
  minutes -= days * 24 * 60;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  const parts = days ? [`${days} d`] : [];
  if (hours) parts.push(`${hours} h`);
  if (minutes && !days) parts.push(`${minutes} min`);
  return `Starts in ${parts.length ? parts.join(" ") : "1 min"}`;
}

function tick() {
  for (const element of document.querySelectorAll("time[data-countdown]")) {
    const moment = Date.parse(element.getAttribute("datetime"));
    if (!Number.isNaN(moment)) element.textContent = startsIn(moment, Date.now());
  }
}

tick();
setInterval(tick, 15 * 1000);
