// The exchange-agnostic pieces of the local fake exchanges: the HTTP shell, the fault queue and the
// websocket shell.
export { FaultQueue, type FaultMatch, type Scripted } from './faults';
export { startJsonServer, type JsonServer, type RawRequest, type Reply, type RequestLogEntry } from './http';
export {
  attachStreams,
  type StreamConnection,
  type StreamControls,
  type StreamHub,
  type StreamOptions,
  type StreamProtocol,
} from './streams';
