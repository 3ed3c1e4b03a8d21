#!/usr/bin/env node
// The floor for any fetch-based tool: one global-fetch GET of the metadata, printed, nothing else.
// `node bare-fetch-get.mjs <url>` with ECS_METADATA_TOKEN in the environment.
const response = await fetch(process.argv[2], { headers: { 'X-Auth-Token': process.env.ECS_METADATA_TOKEN ?? '' } });
process.stdout.write(`${await response.text()}\n`);
