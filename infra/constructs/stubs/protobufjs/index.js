// 'protobufjs' itself: the same stub as 'protobufjs/minimal'.
export * from './minimal.js';
export { default } from './minimal.js';
