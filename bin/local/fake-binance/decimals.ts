// Exact checks of decimal strings against a tick or lot step (floats cannot tell 0.3 from
// 0.1 * 3), and the fixed-point formatting Binance uses in its answers.

/** Number of decimals a step such as 0.001 or 1e-4 has. */
export function decimalsOf(step: number): number {
  const text = step.toFixed(12).replace(/0+$/, '');
  const dot = text.indexOf('.');
  return dot < 0 || dot === text.length - 1 ? 0 : text.length - dot - 1;
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** The value in integer units of 10^-scale, or undefined when it has more decimals than scale. */
function toUnits(text: string, scale: number): bigint | undefined {
  const [whole = '0', fraction = ''] = text.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > scale) return undefined;
  return BigInt(whole + trimmed.padEnd(scale, '0'));
}

export type StepCheck = 'ok' | 'malformed' | 'precision' | 'step';

/** Whether a decimal string is a whole multiple of step: more decimals than the step has is 'precision'. */
export function checkStep(text: string, step: number): StepCheck {
  if (!DECIMAL.test(text)) return 'malformed';
  const scale = decimalsOf(step);
  const units = toUnits(text, scale);
  if (units === undefined) return 'precision';
  const stepUnits = toUnits(step.toFixed(scale), scale) ?? 1n;
  return units % stepUnits === 0n ? 'ok' : 'step';
}

/** Rounds to the given decimals without binary noise (0.1 + 0.2 → 0.3). */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor + (value >= 0 ? 1e-9 : -1e-9)) / factor;
}

/** Rounds down to a multiple of step (amounts are never rounded up). */
export function floorToStep(value: number, step: number): number {
  const decimals = decimalsOf(step);
  const units = Math.floor(round(value / step, 9));
  return round(units * step, decimals);
}

export function fixed(value: number, decimals: number): string {
  return round(value, decimals).toFixed(decimals);
}
