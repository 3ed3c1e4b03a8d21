#!/usr/bin/env node
// A committed launcher, so that npm links the bin at install time, before `prepare` builds dist/.
// It loads the esbuild bundle of dist/bin.js (see bundle.js): one file instead of the module graph.
import '../dist/bundle/ecs-metadata.js';
