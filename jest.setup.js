// Pact's native core sends usage metrics unless told not to; no test may reach the network.
process.env.PACT_DO_NOT_TRACK = 'true';

// tools/test-on-node.sh names the Node a suite must run on: fail loudly if PATH handed jest (or a
// jest worker) another one, rather than report a green run on the wrong runtime.
const expectedNode = process.env.ECS_METADATA_EXPECT_NODE;
if (expectedNode !== undefined && expectedNode !== process.version) {
  throw new Error(`tests expected to run on Node ${expectedNode}, but this is ${process.version} (${process.execPath})`);
}
