// Sources are ESM TypeScript; jest runs them through SWC as CommonJS (stable jest, jest.mock hoisting).
// middy ships ESM only, so it is transformed too. Integration tests reach the stand-ins over HTTP,
// so ESM-only servers (fauxqs) never load inside jest.
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform: { '^.+\\.(t|j)sx?$': swc }, transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'], testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { displayName: 'integration', testEnvironment: 'node', transform: { '^.+\\.(t|j)sx?$': swc }, transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'], testMatch: ['<rootDir>/test/integration/**/*.test.ts'], globalSetup: '<rootDir>/test/integration/global-setup.ts', globalTeardown: '<rootDir>/test/integration/global-teardown.ts' },
    { displayName: 'infra', testEnvironment: 'node', transform: { '^.+\\.(t|j)sx?$': swc }, transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'], testMatch: ['<rootDir>/test/infra/**/*.test.ts'] }
  ]
};
