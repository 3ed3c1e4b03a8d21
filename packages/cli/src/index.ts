/**
 * `@ecs-metadata/cli`: the `ecs-metadata` command. The bin is `bin/ecs-metadata.js` (over the esbuild bundle of `dist/bin.js`, `dist/bundle/`); `main` runs it in-process.
 *
 * @packageDocumentation
 */
export { main } from './main.js';
export { COMMAND_TABLE, type CommandModule, type CommandSpec, type Example, EXIT_CODE_HELP, type OptionSpec, type OptionTable } from './command-table.js';
export { ExitCode, exitCodeFor, UsageError } from './exit-codes.js';
export { formatMetadata, OUTPUT_FORMATS, type FormatOptions, type OutputFormat } from './output.js';
export type { CliIo, OutputStream } from './io.js';
