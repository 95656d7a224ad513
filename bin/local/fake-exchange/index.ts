// The exchange-agnostic pieces of the local fake exchanges: the HTTP shell and the fault queue.
export { FaultQueue, type FaultMatch, type Scripted } from './faults';
export { startJsonServer, type JsonServer, type RawRequest, type Reply, type RequestLogEntry } from './http';
