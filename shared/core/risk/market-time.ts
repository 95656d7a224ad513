// The clock the circuit breaker's price windows use: wall time scaled by the market's speed.
// In the cloud the speed is 1; the local stack replays an hourly candle every few seconds, and its
// "5 % in 15 minutes" must mean replayed minutes, not the few wall seconds they pass in.
export const marketTime = (now: number, speed = 1): number => (speed === 1 ? now : Math.round(now * speed));
