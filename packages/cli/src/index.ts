/**
 * `@ecs-metadata/cli`: the `ecs-metadata` command. The bin is `bin/ecs-metadata.js` (over the esbuild
 * bundle of `dist/bin.js`, `dist/bundle/`); `main` runs it in-process.
 * Its exit codes are {@link ExitCode}; parsing, output formats and usage text stay in their modules.
 *
 * @packageDocumentation
 */
export { main } from './main.js';
export { ExitCode } from './exit-codes.js';
export type { CliIo, OutputStream } from './io.js';
