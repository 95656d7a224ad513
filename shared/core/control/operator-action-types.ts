// The contract between the console API's router (functions/console-api) and the owner's actions
// (control/operator-actions.ts): who asks, what they ask, and what the answer says. The router
// authenticates and authorises; the actions validate their input, audit, and queue whatever
// touches an exchange on the account's FIFO lane (the API never calls an exchange itself).
import type { Capability, Role, TenantId } from '../domain/tenant';

/** Who is acting, from the verified token (API Gateway's JWT authorizer claims). */
export interface Actor {
  /** the user's stable id (Cognito `sub`) */
  userId: string;
  email?: string;
  /** the tenant the user belongs to (docs/TENANCY.md): every read and action is scoped by it */
  tenantId: TenantId;
  role: Role;
  /** when the user last proved their password (and second factor where required), epoch ms */
  authTime: number;
  /**
   * When the user last proved a second factor (TOTP), epoch ms; absent when this sign-in proved
   * none (a console whose pool does not require TOTP). Money moves need it within FRESH_AUTH_MS.
   */
  secondFactorAt?: number;
  /** where the request came from: 'console' (API) or 'cli' */
  via: 'console' | 'cli';
}

export type OperatorActionName =
  | 'pause'
  | 'resume'
  | 'flatten'
  | 'close'
  | 'reduce'
  | 'move-stop'
  | 'move-target'
  | 'cancel-order'
  | 'paper-reset'
  | 'rename'
  | 'delete'
  | 'rotate-token'
  | 'strategy-enable'
  | 'strategy-disable'
  | 'risk-set'
  | 'alert-test'
  | 'enable';

/** What each action needs of the actor's role (docs/TENANCY.md "Roles"). */
export const ACTION_CAPABILITY: Readonly<Record<OperatorActionName, Capability>> = {
  pause: 'trade',
  resume: 'trade',
  flatten: 'trade',
  close: 'trade',
  reduce: 'trade',
  'move-stop': 'trade',
  'move-target': 'trade',
  'cancel-order': 'trade',
  'alert-test': 'trade',
  'paper-reset': 'configure',
  rename: 'configure',
  'strategy-enable': 'configure',
  'strategy-disable': 'configure',
  'risk-set': 'configure',
  // a live account's entries on again: a money move, held to the plan's live slots
  enable: 'trade',
  delete: 'keys',
  'rotate-token': 'keys',
};

export const DESTRUCTIVE_ACTIONS: ReadonlySet<OperatorActionName> = new Set<OperatorActionName>([
  'flatten',
  'close',
  'reduce',
  'cancel-order',
  'paper-reset',
  'delete',
  'rotate-token',
  'risk-set',
]);

/** How recent a sign-in must be for a destructive action: five minutes. */
export const FRESH_AUTH_MS = 5 * 60_000;

/**
 * Money moves (docs/TENANCY.md "Second factor"): a fresh second factor (the actor's
 * secondFactorAt within FRESH_AUTH_MS) is needed, whatever the role. Always: enabling a live
 * account and flattening. Depending on what the action finds, checked once it has read the
 * account: resuming an account the drawdown kill switch disabled, and risk-set when it raises a
 * leverage cap (MONEY_WHEN). Registering or rotating exchange keys is a CLI command only
 * (`account add`, `account keys`), held to the same rule there.
 */
export const MONEY_ACTIONS: ReadonlySet<OperatorActionName> = new Set<OperatorActionName>(['enable', 'flatten']);
/** Actions that are money moves only in some cases, and which. */
export const MONEY_WHEN: Readonly<Partial<Record<OperatorActionName, string>>> = {
  resume: 'resuming an account its kill switch disabled',
  'risk-set': 'raising a leverage cap',
  // a strategy (a model's draft included: docs/AI-strategies.md) starts placing real orders
  'strategy-enable': 'enabling a strategy on a live account',
};

export interface ActionResult {
  /** 200: done now; 202: queued on the account's lane (signalIds say what to watch) */
  status: 200 | 202;
  action: OperatorActionName;
  accountIds: string[];
  signalIds?: string[];
  /** a one-time secret to show once (rotate-token's new token); never logged */
  secret?: string;
  message: string;
  /** action-specific detail, JSON */
  detail?: Record<string, unknown>;
}

export interface OperatorActions {
  /**
   * Runs one action for `actor`. Invalid input: InvalidArgumentError naming the field and the
   * bound; unknown account: NotFound-like InvalidArgumentError('account', ...); a viewer or a
   * stale sign-in for a destructive action: ForbiddenActionError.
   */
  run(name: OperatorActionName, input: unknown, actor: Actor): Promise<ActionResult>;
}
