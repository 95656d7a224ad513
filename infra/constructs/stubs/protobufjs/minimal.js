// Bundle stub for 'protobufjs/minimal': only ccxt's dYdX and MEXC code paths use it, and the
// product never trades there. Loading succeeds; using it would fail loudly.
const unavailable = () => {
  throw new Error('protobufjs is not bundled into Lambda functions');
};
const protobuf = {
  util: { Long: undefined, isInteger: Number.isInteger },
  Reader: { create: unavailable },
  Writer: { create: unavailable },
  configure: () => undefined,
  roots: {},
};
export default protobuf;
export const util = protobuf.util;
export const Reader = protobuf.Reader;
export const Writer = protobuf.Writer;
