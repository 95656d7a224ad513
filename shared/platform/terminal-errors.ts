// Which platform errors no retry can cure, for the executor's SQS batch: returning such a message
// to the queue would block its FIFO group (account#symbol) for every attempt until the DLQ, closes
// included, and fail the same way each time. They become a terminal rejection of the signal
// instead (ledger status, signal.rejected audit event → notification), and the message is deleted.
import { SignalRejectedError } from '../core/errors';
import type { Signal } from '../core/signal/types';

/** DynamoDB's number type: magnitudes 1E-130 to 9.9999999999999999999999999999999999999E+125. */
export const DYNAMODB_MIN_MAGNITUDE = 1e-130;
export const DYNAMODB_MAX_MAGNITUDE = 1e126;

/** DynamoDB's own ValidationException texts for a number it cannot store (dynalite uses the same). */
const NUMBER_REFUSED =
  /Number overflow|Number underflow|more than 38 significant digits|cannot be converted to a numeric value/;

/**
 * The terminal rejection for `error`, or undefined when a retry may help. A ValidationException is
 * DynamoDB refusing the request itself (a number out of range, an item too large, a malformed
 * expression): the same input gets the same answer on every attempt.
 */
export function terminalStorageError(error: unknown, signal: Signal): SignalRejectedError | undefined {
  if (!(error instanceof Error) || error.name !== 'ValidationException') return undefined;
  if (!NUMBER_REFUSED.test(error.message)) {
    return new SignalRejectedError(`the signal's records cannot be stored: ${error.message}`, 'STORAGE_REFUSED', {
      cause: error.name,
    });
  }
  const fields = unstorableNumbers(signal);
  // The database does not say which attribute: the signal's own fields are checked to name it.
  const named =
    fields.length > 0
      ? fields.map((f) => `${f.field} ${f.value} ${f.problem}`).join('; ')
      : 'a value computed from the signal is out of range';
  return new SignalRejectedError(
    `${named}: numbers are stored with a magnitude from 1e-130 to 9.99e125 (DynamoDB: ${error.message})`,
    'NUMBER_OUT_OF_RANGE',
    { fields: fields.map((f) => f.field) },
  );
}

interface Unstorable {
  field: string;
  /** the value as text: an audit event cannot carry the number itself */
  value: string;
  problem: string;
}

/** Every number of the signal DynamoDB would refuse, with its path (size.value, tpLevels.0.level.value…). */
export function unstorableNumbers(value: unknown, path = ''): Unstorable[] {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    if (!Number.isFinite(value)) return [{ field: path, value: String(value), problem: 'is not a finite number' }];
    if (magnitude !== 0 && magnitude < DYNAMODB_MIN_MAGNITUDE)
      return [{ field: path, value: String(value), problem: 'is below the smallest magnitude 1e-130' }];
    if (magnitude >= DYNAMODB_MAX_MAGNITUDE)
      return [{ field: path, value: String(value), problem: 'is above the largest magnitude 9.99e125' }];
    return [];
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => unstorableNumbers(child, path ? `${path}.${key}` : key));
}
