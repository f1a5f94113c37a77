// The pond map in the page itself (no iframe). Leaflet is loaded once per page from the app's
// own static files and kept by the browser's cache; the map is built once per map key (data
// version, language, basemap, statuses, cases) and kept while the page stays open.
//
// Two components share this module:
// - "map" (data: {key, parts, home, leaflet, edit}) builds the map and reports clicks; with
//   "edit" (only for accounts that may draw) it loads Leaflet-Geoman and the drawing panel, and
//   reports a drawing once, when it is saved ("saved"); clicks made while drawing are not reported;
// - "view" (data: {key, selected, view, seq, refused}) moves the selection ring and the view without
//   touching the map's payload, so a selection sends a few bytes, not the map again; "refused"
//   is the reason a drawing was not stored (shown in the drawing panel). The view is applied
//   when "seq" changes (the page asked for a move); a map built again while the page stays
//   open (a save, a new status, another language) keeps the user's centre and zoom instead of
//   the default view, within the same coordinate frame ("frame": GCJ-02 on Gaode, else WGS84).

const registry = (window.__yehuMaps = window.__yehuMaps || { maps: {}, waiting: {}, leaflet: null });

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(src + " did not load"));
    document.head.appendChild(script);
  });
}

// Leaflet itself: already there, or already loading (the page script starts it early, see
// ui/page_script.js), or loaded now.
function leafletScript(src) {
  if (window.L) return Promise.resolve();
  const early = document.querySelector("script[data-yehu-leaflet]");
  if (!early) return loadScript(src);
  return new Promise((resolve, reject) => {
    early.addEventListener("load", resolve);
    early.addEventListener("error", () => reject(new Error(src + " did not load")));
    if (window.L) resolve();
  });
}

// Stylesheets into the page's head, each once.
function addStylesheets(hrefs) {
  for (const href of hrefs) {
    if (document.querySelector(`link[rel="stylesheet"][href="${href}"]`)) continue;
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }
}

// Leaflet first, then the files that need it (the map tools), in order.
function loadLeaflet(urls) {
  if (!registry.leaflet) {
    addStylesheets(urls.css);
    registry.leaflet = urls.js.reduce(
      (done, src, i) => done.then(() => (i === 0 ? leafletScript(src) : loadScript(src))),
      Promise.resolve(),
    );
  }
  return registry.leaflet;
}

// The drawing tools (Geoman, then the panel), after Leaflet and before the map is made. Geoman
// manages only the layers opted in (pmIgnore: false): the map's own layers are never edited.
function loadEditor(urls) {
  if (!registry.editor) {
    addStylesheets(urls.css);
    registry.editor = urls.js
      .reduce((done, src) => done.then(() => loadScript(src)), Promise.resolve())
      .then(() => window.L.PM.setOptIn(true));
  }
  return registry.editor;
}

function mapFor(key) {
  if (registry.maps[key]) return Promise.resolve(registry.maps[key]);
  return new Promise((resolve) => {
    (registry.waiting[key] = registry.waiting[key] || []).push(resolve);
  });
}

function publish(key, entry) {
  registry.maps[key] = entry;
  for (const resolve of registry.waiting[key] || []) resolve(entry);
  delete registry.waiting[key];
}

async function buildMap({ data, parentElement, setTriggerValue }) {
  const host = parentElement;
  const old = host.__yehuMap;
  const editing = !!data.edit;
  if (old && old.key === data.key && old.editing === editing) {
    old.trigger = setTriggerValue;
    return;
  }
  await loadLeaflet(data.leaflet);
  if (editing) await loadEditor(data.edit.assets);
  if (old) {
    old.map.remove();
    old.box.remove();
    if (registry.maps[old.key] === old) delete registry.maps[old.key];
  }
  const box = document.createElement("div");
  box.className = "yehu-map";
  const style = document.createElement("style");
  style.textContent = data.parts.css;
  box.appendChild(style);
  const holder = document.createElement("div");
  holder.className = "yehu-map-holder";
  holder.innerHTML = data.parts.html; // the map's own <div>, made by folium (no user text)
  box.appendChild(holder);
  host.appendChild(box);
  // folium's script builds the map in that <div>; every user text in it is escaped (geo.mapping).
  const map = new Function("L", data.parts.script + "\nreturn " + data.parts.name + ";")(window.L);
  const frame = data.frame || "wgs";
  const entry = { key: data.key, map, box, home: data.home, frame, trigger: setTriggerValue, ring: null, seq: null, editing };
  host.__yehuMap = entry;
  // The view the user is looking at, kept across a new build of the map (a save, a new status).
  map.on("moveend", () => {
    if (registry.maps[entry.key] === entry) {
      const c = map.getCenter();
      registry.view = { center: [c.lat, c.lng], zoom: map.getZoom(), frame };
    }
  });
  // Leaflet focuses the map on a press (its keyboard controls) and then restores the window's
  // scroll, but the page scrolls in Streamlit's own container: that focus could scroll the map
  // under the pointer between press and release, and the click then missed the pond. Focused
  // here first, without scrolling, Leaflet leaves it be.
  const container = map.getContainer();
  box.addEventListener(
    "mousedown",
    () => {
      if (document.activeElement !== container) container.focus({ preventScroll: true });
    },
    true,
  );
  map.eachLayer((layer) => {
    const props = layer.feature && layer.feature.properties;
    if (props && props.pond_id !== undefined) {
      layer.on("click", (e) => {
        if (map.__yehuEditing) return; // the click is a vertex being drawn
        L.DomEvent.stopPropagation(e);
        entry.trigger("clicked", { pond: props.pond_id, lat: e.latlng.lat, lng: e.latlng.lng });
      });
    }
  });
  map.on("click", (e) => {
    if (!map.__yehuEditing) entry.trigger("clicked", { pond: null, lat: e.latlng.lat, lng: e.latlng.lng });
  });
  if (editing && window.YehuDraw) window.YehuDraw.add(map, data.edit, (drawing) => entry.trigger("saved", drawing));
  new ResizeObserver(() => map.invalidateSize()).observe(box);
  publish(data.key, entry);
}

async function applyView({ data }) {
  const entry = await mapFor(data.key);
  const map = entry.map;
  if (map.__yehuDrawDone) map.__yehuDrawDone(data.refused);
  if (entry.ring) {
    entry.ring.remove();
    entry.ring = null;
  }
  if (data.selected) {
    const s = data.selected;
    entry.ring = L.circleMarker([s.lat, s.lng], s.style).bindTooltip(s.tip).addTo(map);
  }
  if (data.seq !== entry.seq) {
    const first = entry.seq === null;
    entry.seq = data.seq;
    const kept = registry.view;
    const asked = registry.seq !== data.seq; // a move the page asked for (a jump, show all, reset)
    registry.seq = data.seq;
    if (first && !asked && kept && kept.frame === entry.frame) {
      // The map was built again while the user stayed on the page (e.g. a drawing saved):
      // the user's centre and zoom, not the default view.
      map.setView(kept.center, kept.zoom, { animate: false });
    } else if (data.view) map.setView(data.view.center, data.view.zoom);
    else if (entry.home) map.fitBounds(entry.home);
  }
}

export default function (component) {
  const run = component.data && component.data.parts ? buildMap : applyView;
  run(component).catch((err) => console.error("pond map:", err));
}
