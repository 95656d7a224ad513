// Running an owner's action: the answer's message (or the API's error naming the field) is shown,
// a one-time secret (rotate-token) is shown once in a modal and then forgotten.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { ActionResult } from '../api-types';
import { useApp } from '../context';
import { errorText, Modal } from './common';

export interface ActionRunner {
  run: (name: string, body: Record<string, unknown>, confirmText?: string) => Promise<ActionResult | undefined>;
  busy: boolean;
  view: JSX.Element | null;
}

export function useAction(onDone?: () => void): ActionRunner {
  const { api } = useApp();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>(undefined);
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const run = async (name: string, body: Record<string, unknown>, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return undefined;
    setBusy(true);
    setMessage(undefined);
    try {
      const result = await api.action(name, body);
      setMessage({
        text: `${result.message}${result.status === 202 ? ' (queued on the account lane)' : ''}`,
        error: false,
      });
      if (result.secret) setSecret(result.secret);
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
          <p>Shown once: copy it into your TradingView alerts now. It is not stored in this browser.</p>
          <p>
            <code class="wrap" data-testid="one-time-secret">
              {secret}
            </code>
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
