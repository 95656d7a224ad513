// The dependency rule of docs/ARCHITECTURE.md, checked by `npm test` (npm run depcheck).
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'shared/core holds domain logic: no adapters, platform, functions, AWS SDK, ccxt or I/O libraries',
      severity: 'error',
      from: { path: '^shared/core' },
      to: { path: '^(shared/(adapters|platform|runtime)|functions|infra|bin)|node_modules/(@aws-sdk|ccxt|@middy|@aws-lambda-powertools|dynalite|fauxqs)|^(fs|http|https|net|child_process)$' },
    },
    {
      name: 'adapters-depend-on-core-only',
      comment: 'adapters implement core ports; they never reach into platform, functions or infra',
      severity: 'error',
      from: { path: '^shared/adapters' },
      to: { path: '^(shared/(platform|runtime)|functions|infra|bin)' },
    },
    {
      name: 'platform-below-functions',
      severity: 'error',
      from: { path: '^shared/platform' },
      to: { path: '^(shared/(adapters|runtime)|functions|infra|bin)' },
    },
    {
      name: 'runtime-is-composition-only',
      comment: 'shared/runtime wires adapters to ports for functions and bin; it never reaches into them',
      severity: 'error',
      from: { path: '^shared/runtime' },
      to: { path: '^(functions|infra|bin)' },
    },
    {
      name: 'no-function-to-function',
      comment: 'each function is its own composition root',
      severity: 'error',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^functions/', pathNot: '^functions/$1/' },
    },
    {
      name: 'infra-only-handler-entries',
      comment:
        'infra references handlers by path only; it may read resource names, table specs, metric names and the table-access manifest (plain data: the grants come from the code, test/unit/runtime/table-access.test.ts)',
      severity: 'error',
      from: { path: '^infra' },
      to: { path: '^(shared|functions|bin)', pathNot: '^shared/platform/(resource-names|tables|metric-names|table-access)\\.ts$' },
    },
    {
      name: 'nothing-imports-entry-points',
      severity: 'error',
      from: { path: '^(shared|functions)' },
      to: { path: '^(bin|bench|test|infra)' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
