// Runs in the app page itself (components v2, no iframe), once per script run that changes its data:
// writes or clears the session cookie when asked, on a phone closes the sidebar after a page was
// chosen from it, starts loading Leaflet on the map page, and shows Streamlit's own fixed texts (uploader, placeholders) in the user's
// language (Streamlit has no setting for them).

const state = (window.__yehuTexts = window.__yehuTexts || { texts: null, observer: null });

function translateNode(node, texts) {
  if (node.nodeType === Node.TEXT_NODE) {
    const text = node.nodeValue;
    let out = texts.exact[text];
    if (out === undefined && texts.perFile && text.endsWith(" per file")) {
      out = texts.perFile.replace("{size}", text.slice(0, -" per file".length));
    }
    if (out !== undefined && out !== text) node.nodeValue = out;
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  const inputs = node.matches && node.matches("input[placeholder]") ? [node] : [];
  inputs.push(...(node.querySelectorAll ? node.querySelectorAll("input[placeholder]") : []));
  for (const input of inputs) {
    const out = texts.exact[input.getAttribute("placeholder")];
    if (out !== undefined) input.setAttribute("placeholder", out);
  }
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) translateNode(t, texts);
}

function watchTexts(texts) {
  state.texts = texts;
  if (!texts || state.observer) {
    if (texts) translateNode(document.body, texts);
    return;
  }
  translateNode(document.body, texts);
  state.observer = new MutationObserver((records) => {
    if (!state.texts) return;
    for (const r of records) {
      if (r.type === "characterData") translateNode(r.target, state.texts);
      else if (r.type === "attributes") translateNode(r.target, state.texts);
      else r.addedNodes.forEach((n) => translateNode(n, state.texts));
    }
  });
  state.observer.observe(document.body, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["placeholder"],
  });
}

// Start loading Leaflet before the map element is reached (the map then finds it loading).
function preloadLeaflet(urls) {
  if (!urls || window.L || document.querySelector("script[data-yehu-leaflet]")) return;
  for (const href of urls.css) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }
  const script = document.createElement("script");
  script.src = urls.js[0];
  script.dataset.yehuLeaflet = "1";
  document.head.appendChild(script);
}

export default function ({ data }) {
  preloadLeaflet(data.leaflet);
  watchTexts(data.texts);
  const cookie = data.cookie;
  if (cookie && /^[A-Za-z0-9_-]*$/.test(cookie.value)) {
    const secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${cookie.name}=${cookie.value}; Path=/; Max-Age=${cookie.max_age}; SameSite=Strict${secure}`;
  }
  const seen = window.__yehuPage;
  window.__yehuPage = data.page;
  if (seen !== undefined && seen !== data.page && window.innerWidth < data.narrow_px) {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    if (sidebar && sidebar.getAttribute("data-collapsed") === "false") {
      const close = sidebar.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close) close.click();
    }
  }
}
