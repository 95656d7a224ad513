// The console's entry: read the stage's configuration, restore the tab's session, render, and
// register the service worker (the app shell offline; API answers never cached).
import { render } from 'preact';
import { App } from './app';
import { CognitoClient } from './auth/cognito';
import { SessionStore } from './auth/session-store';
import { loadConfig } from './config';
import './styles.css';

async function start(root: HTMLElement): Promise<void> {
  const config = await loadConfig();
  const cognito = new CognitoClient(
    { endpoint: config.cognito.endpoint, clientId: config.cognito.clientId },
    undefined,
    location.href,
  );
  const store = new SessionStore(cognito);
  root.textContent = '';
  render(<App config={config} cognito={cognito} store={store} />, root);
  // the first useful screen (sign-in or the overview's frame) is in the DOM: what the 1.5 s goal measures
  performance.mark('console:first-screen');
  if ('serviceWorker' in navigator && location.protocol !== 'file:')
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}

const root = document.getElementById('app');
if (root)
  start(root).catch((e: unknown) => {
    root.textContent = `The console could not start: ${e instanceof Error ? e.message : String(e)}`;
  });
