// Pact's native core sends usage metrics unless told not to; no test may reach the network.
process.env.PACT_DO_NOT_TRACK = 'true';
