// The studio's live reel (ui/studio/live.py): plays each shot's take as soon as it is rendered, one after
// another, while later shots render, and shows every panel's still as soon as the shot is planned.
// Runs as the gr.HTML's js_on_load: `element`, `props` (props.value is the open project's name), `server`
// (server.live_reel(name) reads cut/live/live.json) and `watch` are given. Nothing is fetched from
// elsewhere: the takes are MP4 files, which Chromium plays itself, so no HLS library is needed.
const FAST = 400; // ms between polls while a render is under way
const SLOW = 2000; // ms between polls otherwise
let state = null; // the last manifest seen
let pass = null; // which render pass the player follows
let playing = -1; // index of the shot in the player, -1 before the first
let waiting = false; // the player finished a shot and waits for the next to render
let over = false; // the player played the last shot
let timer = null;

const $ = (selector) => element.querySelector(selector);
const root = () => ((window.gradio_config && window.gradio_config.root) || "").replace(/\/$/, "");
const url = (path) => `${root()}/gradio_api/file=${path}`;

function say(text) {
  const status = $(".live-status");
  if (status) status.textContent = text;
}

function counts() {
  const shots = state ? state.shots : [];
  return { done: shots.filter((s) => s.take).length, total: shots.length };
}

function describe() {
  const { done, total } = counts();
  const rendered = `${done} of ${total} shot${total === 1 ? "" : "s"} rendered`;
  if (over) return `Played all ${total} shots · the reel above joins them with sound`;
  if (playing >= 0 && !waiting) return `Playing shot ${state.shots[playing].label} · ${rendered}`;
  if (waiting) return `Waiting for shot ${state.shots[playing + 1].label} · ${rendered}`;
  return state && state.complete ? `Rendered: ${rendered}` : `Rendering · ${rendered}`;
}

function drawStills() {
  const strip = $(".live-stills");
  if (!strip || !state) return;
  while (strip.children.length > state.shots.length) strip.lastChild.remove();
  state.shots.forEach((shot, index) => {
    let img = strip.children[index];
    if (!img) {
      img = document.createElement("img");
      img.alt = `shot ${shot.label}`;
      strip.appendChild(img);
    }
    if (shot.still && img.dataset.src !== shot.still) {
      img.dataset.src = shot.still;
      img.src = url(shot.still);
    }
    img.title = `shot ${shot.label}${shot.take ? "" : " (rendering)"}`;
    img.classList.toggle("rendered", Boolean(shot.take));
    img.classList.toggle("playing", index === playing && !waiting && !over);
  });
}

function play(index) {
  const video = $("video");
  const shot = state.shots[index];
  if (!video || !shot || !shot.take) return false;
  playing = index;
  waiting = false;
  video.muted = true; // takes are silent; a muted video may start without a click
  video.src = url(shot.take);
  video.play().catch(() => {});
  return true;
}

function next() {
  if (!state) return;
  if (playing + 1 < state.shots.length) {
    if (!play(playing + 1)) waiting = true;
  } else {
    over = true;
  }
  drawStills();
  say(describe());
}

async function poll() {
  clearTimeout(timer);
  const name = props.value;
  let found = null;
  if (name) {
    try {
      found = await server.live_reel(name);
    } catch (error) {
      found = null;
    }
  }
  if (name !== props.value) return; // another project opened meanwhile: its own poll is on its way
  if (found && found.started !== pass && !found.complete) {
    pass = found.started; // a new render: follow it from its first shot
    playing = -1;
    waiting = true;
    over = false;
  }
  state = found;
  if (state && pass === state.started && waiting) {
    if (playing < 0 ? play(0) : play(playing + 1)) waiting = false;
  }
  const box = $(".live-reel");
  if (box) box.classList.toggle("live-on", Boolean(state && pass === state.started)); // shows the video
  drawStills();
  say(state ? describe() : "The reel plays here while it renders.");
  timer = setTimeout(poll, state && !state.complete ? FAST : SLOW);
}

function attach() {
  const video = $("video");
  if (video && !video.dataset.live) {
    video.dataset.live = "1";
    video.addEventListener("ended", next);
  }
}

attach();
watch("value", () => {
  attach(); // the template may have been drawn again
  state = null;
  pass = null;
  playing = -1;
  waiting = false;
  over = false;
  poll();
});
poll();
