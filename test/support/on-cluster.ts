// Jest's `cluster` project: the suites it runs start their Valkey as a local cluster (test/support/topology.ts).
process.env.SKEIN_TEST_TOPOLOGY = 'cluster';
