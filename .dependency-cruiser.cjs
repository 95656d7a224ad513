// The dependency rule of docs/ARCHITECTURE.md, checked by `npm test` (npm run depcheck).

// Layers inside shared/core: what each capability folder may import besides its own files.
// Shared contracts (shared/core/ports/) are reached only through the folder's own ports.ts; a
// dependency not listed here is a layering mistake (or a port that belongs in ports.ts). errors.ts
// (the one error hierarchy) is open to every folder: whatever throws must say retryable or terminal.
const CORE_LAYERS = {
  indicators: ['domain'],
  // Market regimes (docs/REGIMES.md): statistics on returns and candles; the seeded PRNG is the backtest's.
  regimes: ['domain', 'errors.ts', 'indicators', 'backtest/prng.ts'],
  // Tenants' directory, plans and usage (docs/TENANCY.md); the tenant id itself is domain vocabulary.
  tenancy: ['domain', 'errors.ts'],
  signal: ['domain', 'errors.ts'],
  notify: ['domain'],
  risk: ['domain', 'errors.ts', 'indicators', 'regimes', 'signal/types.ts', 'backtest/types.ts'],
  strategies: ['domain', 'indicators', 'signal', 'backtest/types.ts', 'regimes'],
  execution: ['domain', 'errors.ts', 'risk', 'signal'],
  // The risk-check job books protective fills and re-arms stops with the executor's own
  // ProtectionManager and BookKeeper: only through execution's public entry.
  reconciliation: ['domain', 'errors.ts', 'risk', 'signal', 'execution/index.ts'],
  backtest: [
    'domain',
    'errors.ts',
    'indicators',
    'strategies',
    'signal/types.ts',
    'signal/algo.ts',
    'execution/index.ts',
  ],
  control: ['domain', 'errors.ts', 'risk', 'signal', 'strategies', 'reporting'],
  // strategy-compare.ts runs a backtest of a subscription to set beside the account's trades.
  reporting: [
    'domain',
    'errors.ts',
    'risk',
    'notify',
    'control',
    'signal/types.ts',
    'strategies',
    'backtest/types.ts',
    'backtest/range-backtest.ts',
    'backtest/sample-warnings.ts',
    // strategy-quality.ts: a walk-forward over the compare's candles, re-choosing among neighbour params
    'backtest/walk-forward.ts',
    'backtest/param-space.ts',
  ],
  // AI that proposes but never trades (docs/AI.md): it asks models through its own Advisor, and what
  // they propose (rule files, parameter changes) is tested by the strategies and the backtest; it
  // never imports execution (a model cannot reach an order).
  advisor: ['domain', 'errors.ts', 'indicators', 'strategies', 'signal/types.ts', 'backtest'],
  // Funding rates and the funding-arbitrage decision, leg balance and backtest (docs/FUNDING.md): money
  // through domain/money.ts, candles and funding series as the backtest reads them, its drawdown metric;
  // the live coordinator sends each leg as a signal through signal's own enqueue path (as strategies do).
  funding: ['domain', 'errors.ts', 'signal', 'backtest/types.ts', 'backtest/metrics.ts'],
  // The price watcher (docs/WATCHER.md): moves emulated trails with execution's ProtectionManager and
  // judges ticks with the risk switches' own breaker code.
  watcher: ['domain', 'errors.ts', 'risk', 'execution/index.ts'],
  // The console's read models: the backtest's metric definitions, `risk show`'s usage and the
  // strategy compare, never a second copy of them.
  performance: [
    'domain',
    'errors.ts',
    'risk',
    'signal',
    'backtest/metrics.ts',
    'backtest/types.ts',
    'reporting/risk-report.ts',
    // position-funding.ts: a position's funding figures as the reports compute them
    'reporting/funding-rates.ts',
    'reporting/strategy-compare.ts',
    'reporting/strategy-quality.ts',
  ],
};
const escape = (text) => text.replace(/[.]/g, '\\.');
const allowed = (folder, deps) =>
  `^shared/core/(${[`${folder}/`, 'ports/', 'errors\\.ts$', ...deps.map((d) => (d.endsWith('.ts') ? `${escape(d)}$` : `${d}/`))].join('|')})`;
const coreLayerRules = Object.entries(CORE_LAYERS).map(([folder, deps]) => ({
  name: `core-layer-${folder}`,
  comment: `shared/core/${folder} may import only ${deps.join(', ')} (and shared ports through its ports.ts)`,
  severity: 'error',
  from: { path: `^shared/core/${folder}/` },
  to: { path: '^shared/core/', pathNot: allowed(folder, deps) },
}));
const CAPABILITIES = Object.keys(CORE_LAYERS).join('|');

module.exports = {
  forbidden: [
    ...coreLayerRules,
    {
      name: 'core-domain-imports-no-capability',
      comment:
        'domain is the vocabulary every capability shares: it imports no capability folder. Known debt, type-only and ' +
        "listed here so nothing else joins them: Account.settings.risk (risk/config RiskOverrides), a subscription's " +
        'size and params (signal/types SizeSpec, strategies/types), the risk.accepted/refused audit payload (risk/types CheckRecord)',
      severity: 'error',
      from: { path: '^shared/core/domain/' },
      to: {
        path: '^shared/core/',
        pathNot: '^shared/core/(domain/|errors\\.ts$|(risk/config|risk/types|signal/types|strategies/types)\\.ts$)',
      },
    },
    {
      name: 'core-ports-through-own-ports-file',
      comment:
        "a capability's files import the shared contracts (shared/core/ports/) only through their folder's ports.ts",
      severity: 'error',
      from: { path: `^shared/core/(${CAPABILITIES})/`, pathNot: '/ports\\.ts$' },
      to: { path: '^shared/core/ports/' },
    },
    {
      name: 'core-no-foreign-ports-file',
      comment: "a folder's ports.ts says what THAT folder needs: no other folder imports it",
      severity: 'error',
      from: { path: '^shared/core/([^/]+)/' },
      to: { path: '^shared/core/[^/]+/ports\\.ts$', pathNot: '^shared/core/$1/' },
    },
    {
      name: 'core-is-pure',
      comment: 'shared/core holds domain logic: no adapters, platform, functions, AWS SDK, ccxt or I/O libraries',
      severity: 'error',
      from: { path: '^shared/core' },
      to: {
        path: '^(shared/(adapters|platform|runtime)|functions|infra|bin)|node_modules/(@aws-sdk|ccxt|@middy|@aws-lambda-powertools|dynalite|fauxqs)|^(fs|http|https|net|child_process)$',
      },
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
      to: {
        path: '^(shared|functions|bin)',
        pathNot: '^shared/platform/(resource-names|tables|metric-names|table-access)\\.ts$',
      },
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
