// Runs in the app page itself (components v2, no iframe), once per script run that changes its data:
// writes or clears the session cookie when asked, and on a phone closes the sidebar after a page
// was chosen from it.

export default function ({ data }) {
  const cookie = data.cookie;
  if (cookie && /^[A-Za-z0-9_-]*$/.test(cookie.value)) {
    const secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${cookie.name}=${cookie.value}; Path=/; Max-Age=${cookie.max_age}; SameSite=Strict${secure}`;
  }
  const seen = window.__yehuPage;
  window.__yehuPage = data.page;
  if (seen !== undefined && seen !== data.page && window.innerWidth < data.narrow_px) {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    if (sidebar && sidebar.getAttribute("aria-expanded") === "true") {
      const close = sidebar.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close) close.click();
    }
  }
}
