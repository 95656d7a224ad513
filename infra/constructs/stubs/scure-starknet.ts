// Bundle stub for '@scure/starknet': ccxt's base class imports it for Starknet signing, which only
// exchanges the product does not trade on use (Paradex and the like; none of the five classes in
// ccxt-slim.ts calls a starknet* method). The real module computes its Poseidon constants and
// Pedersen tables when it loads: ≈ 30–40 ms of every ccxt function's cold start. Loading this one
// does nothing; using it fails loudly. These are the names ccxt imports (base/Exchange.js,
// base/functions/starknet.js).
const unavailable = (name: string) => (): never => {
  throw new Error(`@scure/starknet (${name}) is not bundled into Lambda functions`);
};
export const getStarkKey = unavailable('getStarkKey');
export const ethSigToPrivate = unavailable('ethSigToPrivate');
export const sign = unavailable('sign');
export const pedersen = unavailable('pedersen');
export const keccak = unavailable('keccak');
export const poseidonHashMany = unavailable('poseidonHashMany');
