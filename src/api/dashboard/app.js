// voipwatch dashboard: a hash router over the views; see dom.js for the one rule of rendering.
import { h, mount, errorBanner } from '/assets/dom.js';
import * as api from '/assets/api.js';
import { overviewView } from '/assets/view-overview.js';
import { alertsView, alertView } from '/assets/view-alerts.js';
import { devicesView, deviceView } from '/assets/view-devices.js';
import { callsView } from '/assets/view-calls.js';
import { reportsView } from '/assets/view-reports.js';

let liveStream = null;
export const stopLive = () => { liveStream?.close(); liveStream = null; };
export const startLive = (onAlert) => {
  stopLive();
  liveStream = new EventSource('/api/v1/alerts/stream');
  liveStream.addEventListener('alert', (e) => { try { onAlert(JSON.parse(e.data)); } catch { /* a bad event is skipped */ } });
  return liveStream;
};

function loginView(params) {
  const user = h('input', { 'data-testid': 'login-user', name: 'user', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { 'data-testid': 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('div');
  const form = h('form.login', {
    onsubmit: async (e) => {
      e.preventDefault();
      message.replaceChildren();
      try {
        await api.login(user.value, password.value);
        location.hash = params.get('next') || '#/';
      } catch (err) {
        message.replaceChildren(errorBanner(err.status === 429 ? 'Too many attempts: wait a minute and try again.' : err.status === 401 ? 'Wrong user or password.' : err.message));
      }
    },
  },
  h('h1', {}, 'voipwatch'), h('p.muted', {}, 'VoIP security sensor — sign in'),
  h('label', {}, 'User', user), h('label', {}, 'Password', password), message,
  h('button.primary', { type: 'submit', 'data-testid': 'login-submit' }, 'Sign in'));
  document.getElementById('top').hidden = true;
  mount(form);
}

const ROUTES = [
  [/^\/$/, overviewView],
  [/^\/alerts$/, alertsView],
  [/^\/alerts\/([0-9a-f]{16})$/, alertView],
  [/^\/devices$/, devicesView],
  [/^\/devices\/([0-9A-Fa-f:.]+)$/, deviceView],
  [/^\/calls$/, callsView],
  [/^\/reports$/, reportsView],
];

async function render() {
  stopLive();
  const [path, query = ''] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query);
  if (path === '/login') return loginView(params);
  if (!api.session.user && !(await api.restore())) { location.hash = '#/login'; return; }
  const top = document.getElementById('top');
  top.hidden = false;
  document.getElementById('who').textContent = `${api.session.user} · ${api.session.scope}`;
  for (const a of top.querySelectorAll('nav a')) {
    const target = a.getAttribute('href').slice(1).split('?')[0];
    a.classList.toggle('active', target === '/' ? path === '/' : path.startsWith(target));
  }
  for (const [re, view] of ROUTES) {
    const m = re.exec(path);
    if (!m) continue;
    mount(h('p.muted', {}, 'Loading…'));
    try { await view(params, ...m.slice(1).map(decodeURIComponent)); } catch (err) { if (err.status !== 401) mount(errorBanner(`Could not load this page: ${err.message}`)); }
    return;
  }
  mount(errorBanner('No such page.'));
}

document.getElementById('signout').addEventListener('click', async () => { await api.logout(); location.hash = '#/login'; });
window.addEventListener('hashchange', render);
render();
