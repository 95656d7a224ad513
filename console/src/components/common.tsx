// Small pieces every view uses: the "data as of" line, money cells, errors, a modal.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { formatDecimal, formatTime, signOf } from '../format';

/** The view's freshness: when the API read the data (asOf) and, for marks/balances, when the risk job saw it. */
export function AsOf({
  asOf,
  dataAsOf,
  error,
}: {
  asOf?: number | undefined;
  dataAsOf?: number | undefined;
  error?: string | undefined;
}) {
  return (
    <p class="asof" data-testid="asof">
      {asOf ? <>data as of {formatTime(dataAsOf ?? asOf)}</> : 'loading…'}
      {dataAsOf && asOf && dataAsOf !== asOf ? <span class="muted"> (read {formatTime(asOf)})</span> : null}
      {error ? <span class="error"> — {error}</span> : null}
    </p>
  );
}

export function Money({ value, signed }: { value: string | null | undefined; signed?: boolean }) {
  const sign = signed ? signOf(value) : 0;
  return (
    <span class={`num${sign > 0 ? ' up' : sign < 0 ? ' down' : ''}`}>{formatDecimal(value, { sign: !!signed })}</span>
  );
}

export function ErrorLine({ error }: { error: string | undefined }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

export function Modal({
  title,
  children,
  onClose,
}: {
  title: string;
  children: ComponentChildren;
  onClose?: () => void;
}) {
  return (
    <div class="modal-backdrop">
      <div class="modal" role="dialog" aria-modal="true" aria-label={title}>
        <header>
          <h2>{title}</h2>
          {onClose ? (
            <button type="button" class="link" onClick={onClose} aria-label="close">
              ✕
            </button>
          ) : null}
        </header>
        {children}
      </div>
    </div>
  );
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Copies `text` to the clipboard (a secure context: the console's HTTPS origin, or localhost). Where
 * the browser refuses, says so: the text is on the screen to select by hand.
 */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () => {
    const clipboard = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
    if (!clipboard) return setState('failed');
    clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <button type="button" class="small" onClick={copy}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select it' : label}
    </button>
  );
}
