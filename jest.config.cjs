// Sources are ESM TypeScript; jest runs them through SWC as CommonJS (stable jest, jest.mock hoisting).
// middy and ccxt's crypto dependencies (@noble, @scure) ship ESM only, so they are transformed too.
// Integration tests reach the stand-ins over HTTP (started once by globalSetup in a child
// process), so ESM-only servers never load inside jest.
const common = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|@noble|@scure)/)'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/integration/timeouts.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    // The exchanges proven against evidence their authors wrote (docs/EXCHANGES.md): no network.
    { ...common, displayName: 'conformance', testMatch: ['<rootDir>/test/conformance/**/*.test.ts'] },
    // The web console in Debian's Chromium (playwright-core), against the real local stack.
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
  // The SDK clients keep idle keep-alive sockets to the stand-ins open after the last test.
  forceExit: true,
};
