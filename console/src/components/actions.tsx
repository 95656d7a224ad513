// Running an owner's action: the answer's message (or the API's error naming the field) is shown,
// a one-time secret (rotate-token) is shown once in a modal, with the account's own webhook URL
// carrying it when the caller knows the base, each with a copy button, and then forgotten.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { ActionResult } from '../api-types';
import { useApp } from '../context';
import { CopyButton, errorText, Modal } from './common';

export interface ActionRunner {
  /** `secretUrlBase`: the account's webhook URL, shown with a one-time secret appended as its last segment */
  run: (
    name: string,
    body: Record<string, unknown>,
    confirmText?: string,
    secretUrlBase?: string,
  ) => Promise<ActionResult | undefined>;
  busy: boolean;
  view: JSX.Element | null;
}

export function useAction(onDone?: () => void): ActionRunner {
  const { api } = useApp();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>(undefined);
  const [secret, setSecret] = useState<{ token: string; url?: string } | undefined>(undefined);
  const run = async (name: string, body: Record<string, unknown>, confirmText?: string, secretUrlBase?: string) => {
    if (confirmText && !window.confirm(confirmText)) return undefined;
    setBusy(true);
    setMessage(undefined);
    try {
      const result = await api.action(name, body);
      setMessage({
        text: `${result.message}${result.status === 202 ? ' (queued on the account lane)' : ''}`,
        error: false,
      });
      if (result.secret)
        setSecret({
          token: result.secret,
          ...(secretUrlBase ? { url: `${secretUrlBase}/${encodeURIComponent(result.secret)}` } : {}),
        });
      onDone?.();
      return result;
    } catch (e) {
      setMessage({ text: errorText(e), error: true });
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  const view = (
    <>
      {message ? (
        <p class={message.error ? 'error' : 'notice'} role="status" data-testid="action-message">
          {message.text}
        </p>
      ) : null}
      {secret ? (
        <Modal title="New webhook token" onClose={() => setSecret(undefined)}>
          <p class="notice" data-testid="shown-once">
            Shown once: copy it into your TradingView alerts now. It is not stored in this browser and cannot be shown
            again (rotate again to get a new one).
          </p>
          {secret.url ? (
            <>
              <p>The account's own webhook URL (the token is its last segment: alerts need no token in the message):</p>
              <p>
                <code class="wrap" data-testid="one-time-url">
                  {secret.url}
                </code>{' '}
                <CopyButton text={secret.url} label="Copy URL" />
              </p>
            </>
          ) : null}
          <p>The token:</p>
          <p>
            <code class="wrap" data-testid="one-time-secret">
              {secret.token}
            </code>{' '}
            <CopyButton text={secret.token} label="Copy token" />
          </p>
          <button type="button" onClick={() => setSecret(undefined)}>
            I have copied it
          </button>
        </Modal>
      ) : null}
    </>
  );
  return { run, busy, view };
}
