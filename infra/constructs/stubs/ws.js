// Bundle stub for 'ws': ccxt imports it for websocket streams, which Lambda functions never open.
export default class WebSocket {
  constructor() {
    throw new Error('websockets are not bundled into Lambda functions');
  }
}
export function createWebSocketStream() {
  throw new Error('websockets are not bundled into Lambda functions');
}
