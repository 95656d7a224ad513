// The console's shell: sign-in until there is a session, then the navigation and the view the URL
// hash names (#/positions, #/chart?symbol=…). A destructive action the API refuses as stale_auth
// opens the sign-in again over the view, then the action is retried.
import type { ComponentType } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api } from './api';
import type { CognitoClient } from './auth/cognito';
import type { Session } from './auth/session';
import type { SessionStore } from './auth/session-store';
import { Modal } from './components/common';
import type { ConsoleConfig } from './config';
import { Ctx } from './context';
import { Accounts } from './views/accounts';
import { Admin } from './views/admin';
import { Alerts } from './views/alerts';
import { Orders } from './views/orders';
import { Overview } from './views/overview';
import { Performance } from './views/performance';
import { Positions } from './views/positions';
import { Risk } from './views/risk';
import { SignIn } from './views/sign-in';
import { Strategies } from './views/strategies';
import { Trades } from './views/trades';

type ViewProps = { params: URLSearchParams };

const VIEWS: { path: string; label: string; view?: ComponentType<ViewProps> }[] = [
  { path: 'overview', label: 'Overview', view: Overview },
  { path: 'positions', label: 'Positions', view: Positions },
  { path: 'trades', label: 'Trades', view: Trades },
  // the chart view is loaded on first use (lightweight-charts is most of the JS)
  { path: 'chart', label: 'Chart' },
  { path: 'performance', label: 'Performance', view: Performance },
  { path: 'alerts', label: 'Alerts', view: Alerts },
  { path: 'orders', label: 'Orders', view: Orders },
  { path: 'strategies', label: 'Strategies', view: Strategies },
  { path: 'risk', label: 'Risk', view: Risk },
  { path: 'accounts', label: 'Accounts', view: Accounts },
];

/** The deployment's admin reads no tenant's data (the API answers 403): their one view. */
const ADMIN_VIEWS: typeof VIEWS = [{ path: 'admin', label: 'Admin', view: Admin }];

function parseHash(): { path: string; params: URLSearchParams } {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const known = VIEWS.some((v) => v.path === path) || ADMIN_VIEWS.some((v) => v.path === path);
  return { path: known ? path : 'overview', params: new URLSearchParams(query) };
}

function LazyChart({ params }: ViewProps) {
  const [Chart, setChart] = useState<ComponentType<ViewProps> | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    import('./views/chart-view').then(
      (m) => setChart(() => m.default),
      (e: unknown) => setError(String(e)),
    );
  }, []);
  if (error) return <p class="error">The chart could not be loaded: {error}</p>;
  return Chart ? <Chart params={params} /> : <p class="muted">loading the chart…</p>;
}

export function App({
  config,
  cognito,
  store,
}: {
  config: ConsoleConfig;
  cognito: CognitoClient;
  store: SessionStore;
}) {
  const [session, setSession] = useState<Session | undefined>(store.get());
  const [route, setRoute] = useState(parseHash);
  const [reauth, setReauth] = useState(false);
  const pending = useRef<{ resolve: () => void; reject: (e: Error) => void } | undefined>(undefined);
  const [signedOutReason, setSignedOutReason] = useState<string | undefined>(undefined);

  useEffect(
    () =>
      store.subscribe((next) => {
        setSession((previous) => {
          if (previous && !next) setSignedOutReason('Your session ended: sign in again.');
          return next;
        });
      }),
    [store],
  );
  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const api = useMemo(
    () =>
      new Api(config.apiBase.replace(/\/+$/, ''), store, () => {
        setReauth(true);
        return new Promise<void>((resolve, reject) => (pending.current = { resolve, reject }));
      }),
    [config, store],
  );

  if (!session)
    return (
      <main class="center">
        <SignIn
          cognito={cognito}
          stage={config.stage}
          onSignedIn={(username, tokens) => {
            setSignedOutReason(undefined);
            store.signedIn(username, tokens);
          }}
          {...(signedOutReason ? { reason: signedOutReason } : {})}
        />
      </main>
    );

  // The API decides per action (a trader cannot rotate keys): the buttons show for whoever may act at all.
  const canAct = session.role === 'owner' || session.role === 'trader';
  const views = session.role === 'admin' ? ADMIN_VIEWS : VIEWS;
  const current = views.find((v) => v.path === route.path) ?? views[0];
  const View = current?.view;
  return (
    <Ctx.Provider value={{ api, canAct }}>
      <header class="top">
        <span class="brand">tv-futures · {config.stage}</span>
        <nav>
          {views.map((v) => (
            <a key={v.path} href={`#/${v.path}`} class={v.path === current?.path ? 'active' : ''}>
              {v.label}
            </a>
          ))}
        </nav>
        <span class="who">
          {session.username} (
          {session.role === 'viewer' ? 'viewer: read only' : session.role === 'none' ? 'no role' : session.role}){' '}
          <button type="button" class="link" onClick={() => store.signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main>{View ? <View params={route.params} /> : <LazyChart params={route.params} />}</main>
      {reauth ? (
        <Modal
          title="Confirm it is you"
          onClose={() => {
            setReauth(false);
            pending.current?.reject(new Error('the action needs a fresh sign-in: not done'));
          }}
        >
          <SignIn
            cognito={cognito}
            stage={config.stage}
            username={session.username}
            reason="This action needs a recent sign-in (within 5 minutes). Sign in again to go on."
            onSignedIn={(username, tokens) => {
              store.signedIn(username, tokens);
              setReauth(false);
              pending.current?.resolve();
            }}
          />
        </Modal>
      ) : null}
    </Ctx.Provider>
  );
}
