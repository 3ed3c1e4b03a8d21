#!/usr/bin/env node
// A committed launcher, so that npm links the bin at install time, before `prepare` builds dist/.
import '../dist/bin.js';
