// Plan names the data layer writes (docs/TENANCY.md): what a new tenant starts on, and what the
// deployment's first tenant gets at the upgrade. The plans themselves (their limits) are the stage
// config's; a name here must be one of them.

/** A new tenant's plan (`user add --email E`): the stage config says what it allows. */
export const DEFAULT_PLAN = 'free';

/**
 * The first tenant's plan at the upgrade: a single owner's deployment had no limits and must not
 * lose live trading by upgrading.
 */
export const UNLIMITED_PLAN = 'unlimited';
