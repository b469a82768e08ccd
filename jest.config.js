/**
 * The end-to-end suites that run a second time on a local 3-primary Valkey Cluster (the `cluster` project: they start
 * their Valkey with `startStore`, test/support/topology.ts). A suite listed here must pass on both topologies.
 * `make test` runs the core ones (CORE_CLUSTER_SUITES: pipeline, feeds over REST and Socket.IO across two processes,
 * features, token streams with late joiners, dead-letter replay) to stay within its time; `make test-cluster`
 * (SKEIN_CLUSTER_SUITES=all) runs them all.
 */
const CLUSTER_SUITES = [
  'test/feeds.pull.test.ts',
  'test/features.test.ts',
  'test/features.seed-reader.test.ts',
  'test/limits.features.test.ts',
  'test/stream-engine.test.ts',
  'test/dead-letters.test.ts',
  'test/auth.replicas.test.ts',
  'test/socket-adapter.test.ts',
  'test/llm-stream.test.ts',
  'test/llm-stream.seed-subscriber.test.ts',
  'test/llm-ui-message-stream.test.ts',
  'test/llm-stream.capture.test.ts',
  'test/llm-stream.faults.test.ts',
  'test/llm-stream.sharded.test.ts',
  'test/pipeline.e2e.test.ts',
  'test/pipeline.fanout.test.ts',
  'test/ingest.feeds.test.ts',
  'test/ingest.durability.test.ts',
  'test/ingest.partitions.test.ts',
  'test/feeds.socket.test.ts',
  'test/feeds.turnover.test.ts',
  'test/feeds.bounded.test.ts',
];
const CORE_CLUSTER_SUITES = [
  'test/pipeline.e2e.test.ts',
  'test/feeds.socket.test.ts',
  'test/feeds.pull.test.ts',
  'test/features.test.ts',
  'test/llm-stream.test.ts',
  'test/dead-letters.test.ts',
];
const clusterSuites = process.env.SKEIN_CLUSTER_SUITES === 'all' ? CLUSTER_SUITES : CORE_CLUSTER_SUITES;

/** Jest in native ESM mode (NestJS 12 ships ES modules only); ts-jest transpiles, `tsc --noEmit` type-checks. */
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
};

export default {
  projects: [
    {
      ...base,
      displayName: 'standalone',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
    },
    {
      ...base,
      displayName: 'cluster',
      testMatch: clusterSuites.map((suite) => `<rootDir>/${suite}`),
      setupFiles: ['<rootDir>/test/support/on-cluster.ts'],
    },
  ],
  // A global option: jest ignores it inside a project (which left every test at the default 5 s).
  testTimeout: 60000,
  // Stray handles of a finished test file must not keep the run alive.
  forceExit: true,
};
