import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { checkEnvPrefix } from './output.js';

/**
 * The CLI's one command table: every command's name, summary, usage, options, examples and exit
 * codes. Parsing (`parse.ts`), dispatch (`main.ts`), help (`help.ts`) and shell completion
 * (`completion.ts`) all read it, so they cannot disagree.
 *
 * Adding a command is one edit here:
 * 1. write `commands/<name>.ts` exporting `run(args, io)` that starts with
 *    `parseCommandLine(<ITS SPEC>, args)`;
 * 2. add its spec below (a `const` with `satisfies CommandSpec`, so parsing knows its option types)
 *    and list it in {@link COMMAND_TABLE}; its `load` imports the module lazily (`get` must not pay
 *    for `plan`);
 * 3. put each example's command line, verbatim, in the README's CLI section (`help.spec.ts` checks).
 * Two-word commands (`config show`) are names with a space; the first word groups them.
 *
 * This module holds data only: it is in every command's start-up, so it imports nothing heavy.
 * Rendering help and completion scripts lives in modules loaded only for them.
 */

/** An option as node's `parseArgs` takes it, plus what help and completion show. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** A one-letter alias (`-o`). */
  readonly short?: string;
  /** The value's placeholder in help (`FORMAT`); string options only. */
  readonly value?: string;
  /** One line (or a few, joined by `\n`) for help. */
  readonly help: string;
  /** The values completion offers (`--output`); help lists them in `help`. */
  readonly choices?: readonly string[];
  /** The value is a file name: completion offers files. */
  readonly file?: boolean;
  /** The value is a credential: masked in every message, warned about on the command line. */
  readonly secret?: boolean;
  /** Checks the value when the command line is parsed, before anything is read or sent. */
  readonly check?: (value: string) => void;
  /** The option may be given several times (`--key a --key b`): its value is then a list. */
  readonly multiple?: boolean;
}

/** Options by their long name (without `--`). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** One example of a command's help: taken verbatim from the README (`help.spec.ts` checks it). */
export interface Example {
  /** What it shows, printed as a `#` comment above the command. */
  readonly comment: string;
  /** The command line, starting with `ecs-metadata`. */
  readonly command: string;
}

/** What a command module exports: its runner, which parses its own arguments. */
export interface CommandModule {
  /** Runs the command; may return its own exit code (7 when some items failed), else success is 0. */
  run(args: readonly string[], io: CliIo): Promise<void | number>;
}

/** One command of the table. */
export interface CommandSpec {
  /** `get`, or two words for a subcommand: `config show`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage lines, each after `ecs-metadata `. */
  readonly usage: readonly string[];
  /** What the command does, a paragraph or two. */
  readonly description: string;
  /** The command's own options (shared ones are spread in, e.g. {@link REQUEST_OPTIONS}). */
  readonly options: OptionTable;
  /** Takes the shared configuration options ({@link CONFIGURATION_OPTIONS}, page `help config`). */
  readonly configuration: boolean;
  /** Whether positional arguments are taken. */
  readonly positionals: boolean;
  /** The values the first positional takes, when it is one of a few words (completion offers them). */
  readonly positionalChoices?: readonly string[];
  readonly examples: readonly Example[];
  /** The exit codes it can end with (meanings in {@link EXIT_CODE_HELP}; `notes` may add detail). */
  readonly exitCodes: readonly number[];
  /** Further notes printed after the options. */
  readonly notes?: string;
  /** Loads the command's module on demand. */
  readonly load: () => Promise<CommandModule>;
}

/** What each exit code means (DECISIONS "CLI"), for every help page and the README's table. */
export const EXIT_CODE_HELP: Readonly<Record<number, string>> = {
  [ExitCode.Ok]: 'success',
  [ExitCode.Usage]: 'usage error, invalid input or configuration (the message names the flag or argument)',
  [ExitCode.Auth]: 'authentication or permission (401, 403)',
  [ExitCode.NotFound]: 'not found (404: unknown server or key)',
  [ExitCode.Api]: 'other API error, or an invalid or oversized response',
  [ExitCode.Network]: 'network error or timeout',
  [ExitCode.PartialFailure]: 'a batch finished with some servers failed',
  [ExitCode.ChangesPending]: 'plan --detailed-exitcode: changes are pending (nothing failed)',
  [ExitCode.Interrupted]: 'interrupted (Ctrl-C)',
  [ExitCode.OutputClosed]: 'the reader of the output went away (`… | head`): stopped quietly, as a process killed by SIGPIPE',
};

const API_EXIT_CODES = [0, 2, 3, 4, 5, 6, 130, 141] as const;

/**
 * The configuration options of every command that talks to the API, for `parseArgs`. There is no
 * password option: a password on the command line is visible to every user (`ps`), so it comes only
 * from `OS_PASSWORD`, `clouds.yaml` or a profile. Their help is its own page, `help config`.
 */
export const CONFIGURATION_OPTIONS = {
  profile: { type: 'string', value: 'NAME', help: 'profile of $XDG_CONFIG_HOME/ecs-metadata/config.toml (env ECS_METADATA_PROFILE; default [default])' },
  endpoint: { type: 'string', value: 'URL', help: 'API endpoint (env ECS_METADATA_ENDPOINT)' },
  region: {
    type: 'string',
    value: 'ID',
    help:
      'region, e.g. cn-north-4: endpoint HUAWEICLOUD_SDK_REGION_ECS_{REGION} if set, else\nhttps://ecs.{region}.myhuaweicloud.com (env ECS_METADATA_REGION, HUAWEICLOUD_SDK_REGION_ID,\nOS_REGION_NAME; with a login it picks the catalog\'s region)',
  },
  domain: { type: 'string', value: 'DOMAIN', help: 'endpoint domain for --region, e.g. otc.t-systems.com (default myhuaweicloud.com)' },
  'project-id': { type: 'string', value: 'ID', help: 'project (env ECS_METADATA_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID, OS_PROJECT_ID)' },
  'api-version': { type: 'string', value: 'V', help: 'v2 or v2.1 (default v2.1)', choices: ['v2', 'v2.1'] },
  token: { type: 'string', value: 'TOKEN', secret: true, help: 'IAM/Keystone token (env ECS_METADATA_TOKEN, OS_TOKEN)' },
  ak: { type: 'string', value: 'AK', help: 'access key for AK/SK signing (env HUAWEICLOUD_SDK_AK)' },
  sk: { type: 'string', value: 'SK', secret: true, help: 'secret key for AK/SK signing (env HUAWEICLOUD_SDK_SK; security token HUAWEICLOUD_SDK_SECURITY_TOKEN)' },
  'auth-url': { type: 'string', value: 'URL', help: 'IAM/Keystone URL for a password login (env OS_AUTH_URL)' },
  username: {
    type: 'string',
    value: 'NAME',
    help: 'password login user (env OS_USERNAME); the password only from OS_PASSWORD,\nclouds.yaml or a profile, never an option',
  },
  'os-cloud': {
    type: 'string',
    value: 'NAME',
    help: 'cloud of clouds.yaml (env OS_CLOUD): auth_type password, v3applicationcredential or token',
  },
  'os-auth-type': {
    type: 'string',
    value: 'TYPE',
    choices: ['password', 'v3applicationcredential', 'token'],
    help:
      'password, v3applicationcredential or token (env OS_AUTH_TYPE; default: the complete one);\nan application credential comes from OS_APPLICATION_CREDENTIAL_ID (or _NAME with\nOS_USERNAME) and OS_APPLICATION_CREDENTIAL_SECRET; a token with OS_AUTH_URL looks up its catalog',
  },
  'os-interface': {
    type: 'string',
    value: 'IF',
    choices: ['public', 'internal', 'admin'],
    help: 'catalog interface of the compute endpoint: public (default), internal, admin (env OS_INTERFACE)',
  },
} as const satisfies OptionTable;

/** What the `help config` page says besides the options. */
export const CONFIGURATION_HELP = `Where each setting comes from, first found wins: option > environment > clouds.yaml (OS_CLOUD) >
profile > default. "ecs-metadata config show" prints what a command would use, with sources.
Secrets given as options (--token, --sk) are visible to other users in "ps" and your shell
history: prefer the environment or a profile (chmod 600).`;

/** Per-request options of the commands that send requests. */
export const REQUEST_OPTIONS = {
  timeout: { type: 'string', value: 'MS', help: 'timeout of each attempt in ms (default 30000)' },
  verbose: { type: 'boolean', short: 'v', help: 'log method, URL, status and the request ids to stderr (never secrets)' },
} as const satisfies OptionTable;

/**
 * The options of every command that takes many servers (`get`, `set`, `unset`; docs/decisions.md
 * "Fleet reads", "Fleet writes"), besides `--output ndjson|text`.
 */
export const BATCH_OPTIONS = {
  'from-file': { type: 'string', value: 'FILE', file: true, help: 'read server ids from FILE, one per line ("-": stdin); blank lines skipped' },
  concurrency: { type: 'string', value: 'N', help: 'many servers: requests in flight at once (default 16)' },
  'fail-fast': { type: 'boolean', help: 'many servers: stop at the first failure, with its exit code' },
} as const satisfies OptionTable;

/** `--journal PATH` of `set` and `unset`: where a batch journals each server's before-state. */
function writeJournalOption(command: 'set' | 'unset'): OptionSpec & { readonly type: 'string' } {
  return {
    type: 'string',
    value: 'PATH',
    file: true,
    help: `many servers: the journal of before-states (default $XDG_STATE_HOME/ecs-metadata/\n${command}-<time>-<pid>.ndjson); with one server, makes it a journaled batch of one`,
  };
}

/** `--output` of a command, with its formats (the first is the default unless `help` says otherwise). */
function outputOption(choices: readonly string[], help: string): OptionSpec & { readonly type: 'string' } {
  return { type: 'string', short: 'o', value: 'FORMAT', help, choices };
}

const ENV_PREFIX_OPTION = {
  type: 'string',
  value: 'PREFIX',
  help: 'variable prefix for --output env (default ECS_META_); ends with _, and no\nprefix of LD_*, NODE_*, BASH_*, ... (variables programs act on)',
  check: checkEnvPrefix,
} as const;

/** `ecs-metadata get`. */
/** What the commands say about their `<server-id>` argument (one server; many servers take ids only). */
const SERVER_ARGUMENT_HELP = `One <server-id> may be a name instead, found as "openstack server show" finds it: exact id
first, then, when no server has that id, exact name (GET /servers?name=); several of that name:
exit 2, listing their ids. Many servers: ids only.`;

export const GET_COMMAND = {
  name: 'get',
  summary: 'print the metadata of a server, or of many (--key K: one item)',
  usage: ['get <server-id> [options]', 'get <server-id>... | --from-file FILE | - [options]'],
  description: `Print the metadata of a server, or of many: several ids, a file of ids or stdin ("-"), one id per
line. Many servers give one line per server as results arrive (completion order, not input order):
  {"serverId":"...","metadata":{...}}   or   {"serverId":"...","error":{"name","message","status","code","requestId"}}
(with --key K: {"serverId":"...","value":"..."}, or that server's 404 as its error line).
A progress bar on stderr when it is a terminal, and a summary line on stderr. A typo in an id is
that id's own error line; the others go on. Throttling (429) slows the batch down: the client learns
the provider's rate. Exit 0 when every server was read, 7 when some failed, the failure's code when
all failed or with --fail-fast.

${SERVER_ARGUMENT_HELP}`,
  options: {
    output: outputOption(
      ['json', 'yaml', 'table', 'env', 'value', 'ndjson', 'text'],
      'one server: json (default), yaml, table, env or value; many: ndjson (default\nin a pipe) or text (default on a terminal)',
    ),
    ...BATCH_OPTIONS,
    resume: {
      type: 'string',
      value: 'OUT.ndjson',
      file: true,
      help: "many servers: skip the ids an earlier run's NDJSON output answered (its error\nlines are read again); appending to that file (>>) is safe",
    },
    key: { type: 'string', value: 'KEY', help: 'only this item, read with GET .../metadata/KEY (required by --output value)' },
    'env-prefix': ENV_PREFIX_OPTION,
    ...REQUEST_OPTIONS,
  },
  configuration: true,
  positionals: true,
  examples: [
    { comment: 'the metadata as JSON', command: 'ecs-metadata get 998af54b-5762-4041-abc1-f98a2c27b3a2' },
    { comment: 'as a table', command: 'ecs-metadata get 998af54b-5762-4041-abc1-f98a2c27b3a2 --output table' },
    { comment: 'one value', command: 'ecs-metadata get 998af54b-5762-4041-abc1-f98a2c27b3a2 --key wj --output value' },
    { comment: 'shell variables', command: 'ecs-metadata get 998af54b-5762-4041-abc1-f98a2c27b3a2 --output env' },
    { comment: 'a fleet: one id per line on stdin, NDJSON out', command: 'ecs-metadata get - --region cn-north-4 < server-ids.txt > audit.ndjson' },
    { comment: 'a file of ids', command: 'ecs-metadata get --from-file server-ids.txt --concurrency 32 --fail-fast' },
    { comment: 'one item of every server', command: 'ecs-metadata get --from-file server-ids.txt --key owner' },
    { comment: 'read only what an earlier run did not answer', command: 'ecs-metadata get --from-file server-ids.txt --resume audit.ndjson >> audit.ndjson' },
  ],
  exitCodes: [...API_EXIT_CODES, ExitCode.PartialFailure],
  load: () => import('./commands/get.js'),
} as const satisfies CommandSpec;

/** `ecs-metadata set`. */
export const SET_COMMAND = {
  name: 'set',
  summary: "merge items into the metadata of a server or many (--replace: replace all)",
  usage: ['set <server-id>... KEY=VALUE... [options]', 'set --from-file FILE | - KEY=VALUE... [options]'],
  description: `Merge items into the metadata of a server, or of many (POST .../metadata): the keys given are
created or overwritten, the others kept. With --replace, the metadata becomes exactly the items
given (PUT .../metadata). Server ids come first, then the items: every argument before the first
KEY=VALUE is a server id ("-" reads ids from stdin, one per line), every one after it must be an item.

One server: prints the map the server answers with; on a terminal, the before/after diff instead
(+ added, ~ changed, - removed; read with a GET before the write; coloured unless NO_COLOR is set).
Many servers: the batch contract of "get": one line per server as results arrive,
  {"serverId":"...","metadata":{...}}   or   {"serverId":"...","error":{...}}
progress on a terminal's stderr, a summary line; exit 0, 7 (some failed) or the failure's code.
Each server's metadata is read and journaled before its write (one GET more per server); the
journal's path is printed first, and "ecs-metadata rollback JOURNAL" undoes the batch.

Items:
  KEY=VALUE              one item; split at the first "=", the value may be empty
  --items FILE           a JSON object {"KEY": "VALUE", ...} or {"metadata": {...}}; "-" reads stdin
                         (items on the command line win over the file's)

${SERVER_ARGUMENT_HELP}`,
  options: {
    items: { type: 'string', value: 'FILE', file: true, help: 'items from a JSON file ("-": stdin); see Items above' },
    replace: { type: 'boolean', help: 'replace all metadata (PUT; idempotent) instead of merging (POST)' },
    native: { type: 'boolean', help: 'one server: use the ECS native API: POST /v1/{project}/cloudservers/{server}/metadata' },
    'nova-keys': { type: 'boolean', help: "check keys with Nova's rules (space allowed) instead of Huawei's" },
    force: { type: 'boolean', help: 'allow writing platform keys (os_type, charging_mode, metering.*, ...)' },
    'dry-run': { type: 'boolean', help: 'one server: print the request (method, URL, headers, body) and send nothing' },
    output: outputOption(
      ['json', 'yaml', 'table', 'env', 'ndjson', 'text'],
      'one server: json (default; the diff on a terminal), yaml, table or env;\nmany: ndjson (default in a pipe) or text (default on a terminal)',
    ),
    'env-prefix': ENV_PREFIX_OPTION,
    ...BATCH_OPTIONS,
    journal: writeJournalOption('set'),
    ...REQUEST_OPTIONS,
  },
  configuration: true,
  positionals: true,
  notes: `Keys: 1-255 of A-Z a-z 0-9 - _ : . (and space with --nova-keys); values: strings of 0-255
characters; at most 128 items; checked once, before any request. A merge is retried only after a
429 (a POST may have been applied); in a batch, when its answer is lost (reset, timeout, 502/504),
the server is read back: the items there mean success, otherwise the line says so and the POST is
never resent. --replace is retried as reads are.`,
  examples: [
    { comment: 'merge two items; prints the whole map', command: 'ecs-metadata set 998af54b-… owner=li env=prod' },
    { comment: 'the map becomes exactly this', command: 'ecs-metadata set 998af54b-… --replace owner=li' },
    { comment: 'items from a JSON file', command: 'ecs-metadata set 998af54b-… --items items.json' },
    { comment: 'print the request, send nothing', command: 'ecs-metadata set 998af54b-… owner=li --dry-run' },
    { comment: 'the same key on every server of a file', command: 'ecs-metadata set --from-file server-ids.txt owner=ops > result.ndjson' },
    { comment: 'journaled where you say, then undone', command: 'ecs-metadata set --from-file server-ids.txt owner=ops --journal set.ndjson' },
    { comment: 'undo that batch: every server restored, read back', command: 'ecs-metadata rollback set.ndjson' },
  ],
  exitCodes: [...API_EXIT_CODES, ExitCode.PartialFailure],
  load: () => import('./commands/set.js'),
} as const satisfies CommandSpec;

/** `ecs-metadata unset`. */
export const UNSET_COMMAND = {
  name: 'unset',
  summary: 'delete items from the metadata of a server or many',
  usage: ['unset <server-id> KEY... [options]', 'unset --key KEY [--key KEY...] <server-id>... | - [options]', 'unset --from-file FILE KEY... [options]', 'unset - KEY... [options]'],
  description: `Delete items from the metadata of a server, or of many: one DELETE .../metadata/{key} per key, in
order, as python-novaclient does. Which arguments are servers and which keys:
  - with --key: every argument is a server id ("-" reads ids from stdin);
  - with --from-file and no --key: every argument is a key;
  - otherwise the first argument is the server id ("-": ids from stdin), the rest are keys.

One server: prints "deleted KEY" for each key deleted; each failure goes to stderr. Exit 0 when
every key was deleted, 7 when only some were, else the code of the first failure (4 for an unknown
key or server).
Many servers: the batch contract of "get": one line per server as results arrive,
  {"serverId":"...","deleted":[...],"absent":[...]}   or   {"serverId":"...","error":{...},"deleted":[...]}
A key the server does not have is "absent", not a failure (the fleet reaches the state asked for).
Each server's metadata is read and journaled before its first DELETE; the journal's path is printed
first, and "ecs-metadata rollback JOURNAL" undoes the batch.

${SERVER_ARGUMENT_HELP}`,
  options: {
    key: { type: 'string', value: 'KEY', multiple: true, help: 'a key to delete (repeatable); then every argument is a server id' },
    native: { type: 'boolean', help: 'use the ECS native API: DELETE /v1/{project}/cloudservers/{server}/metadata/{key}' },
    'nova-keys': { type: 'boolean', help: "check keys with Nova's rules (space allowed) instead of Huawei's" },
    force: { type: 'boolean', help: 'allow deleting platform keys (os_type, charging_mode, metering.*, ...)' },
    'dry-run': { type: 'boolean', help: 'one server: print the requests (method, URL, headers) and send nothing' },
    output: outputOption(['ndjson', 'text'], 'many servers: ndjson (default in a pipe) or text (default on a terminal)'),
    ...BATCH_OPTIONS,
    journal: writeJournalOption('unset'),
    ...REQUEST_OPTIONS,
  },
  configuration: true,
  positionals: true,
  notes: `A DELETE is idempotent and retried as reads are; when a retry finds the key already gone because
an earlier attempt's answer was lost, the key counts as deleted.`,
  examples: [
    { comment: 'one DELETE per key', command: 'ecs-metadata unset 998af54b-… owner env' },
    { comment: 'a key off every server of a file', command: 'ecs-metadata unset --from-file server-ids.txt deprecated_key' },
  ],
  exitCodes: [...API_EXIT_CODES, ExitCode.PartialFailure],
  load: () => import('./commands/unset.js'),
} as const satisfies CommandSpec;

/** `ecs-metadata config show`. */
export const CONFIG_SHOW_COMMAND = {
  name: 'config show',
  summary: 'print the configuration in effect: each setting, its source, secrets masked',
  usage: ['config show [--profile NAME] [options] [--output table|json|yaml]'],
  description: `Print the configuration a command would use: each setting, its value and where it came from
(option, env:NAME, clouds.yaml:CLOUD, profile:NAME, default). Secrets (token, secret key, security
token, password) are never printed; the access key shows its last 4 characters only.`,
  options: { output: outputOption(['table', 'json', 'yaml'], 'table (default), json or yaml') },
  configuration: true,
  positionals: false,
  examples: [{ comment: 'what a command would use with this region', command: 'ecs-metadata config show --region cn-north-4' }],
  exitCodes: [0, 2, 141],
  load: () => import('./commands/config-show.js'),
} as const satisfies CommandSpec;

/** `ecs-metadata demo`. */
export const DEMO_COMMAND = {
  name: 'demo',
  summary: "query the documentation's example server on the embedded mock",
  usage: ['demo'],
  description: `Start the embedded mock provider on 127.0.0.1 (a free port), read the documentation's example
server through the real client, print its metadata and stop. Your environment and profiles do
not apply. This is what "npm start" runs.`,
  options: {},
  configuration: false,
  positionals: false,
  examples: [{ comment: 'prints {"wj":"True"}', command: 'ecs-metadata demo' }],
  exitCodes: [0, 5, 6, 130, 141],
  load: () => import('./commands/demo.js'),
} as const satisfies CommandSpec;

/** `ecs-metadata mock serve`. */
export const MOCK_SERVE_COMMAND = {
  name: 'mock serve',
  summary: 'run the mock provider until interrupted',
  usage: ['mock serve [--port N] [--host H] [--fixture FILE] [--rate N/s] [--burst N] [--servers N]'],
  description: `Run the mock provider until interrupted (Ctrl-C). It prints its URL on stdout and, on stderr,
the demo credentials it accepts.`,
  options: {
    port: { type: 'string', value: 'N', help: "port to listen on (default 8774, Nova's; 0 picks a free one)" },
    host: { type: 'string', value: 'H', help: 'address to bind (default 127.0.0.1)' },
    fixture: { type: 'string', value: 'FILE', file: true, help: "JSON fixture with tokens, access keys, users and servers (default: the documentation's example)" },
    rate: {
      type: 'string',
      value: 'R',
      help: 'throttle each project like the API gateway: R requests per second (200/s, 6000/min);\npast it, 429 with the APIG.0308 body and Retry-After (default: no limit)',
    },
    burst: { type: 'string', value: 'N', help: "with --rate: requests the bucket holds (default: one second's worth)" },
    servers: {
      type: 'string',
      value: 'N',
      help: "add N servers to the fixture's first project, ids f1ee7000-0000-4000-8000-<N in hex,\n12 digits> (0 to N-1), metadata {\"index\": \"<i>\"}: a fleet for batch reads",
    },
  },
  configuration: false,
  positionals: false,
  examples: [
    { comment: 'on http://127.0.0.1:8774, token "demo-token"', command: 'ecs-metadata mock serve' },
    { comment: 'a throttled fleet of 3000 servers', command: 'ecs-metadata mock serve --rate 200/s --servers 3000' },
  ],
  exitCodes: [0, 2, 130],
  load: () => import('./commands/mock-serve.js'),
} as const satisfies CommandSpec;

const DESIRED_STATE_HELP = `The desired-state file: JSON or YAML {"servers": [ENTRY, ...]}, or NDJSON (one ENTRY per line,
streamed); the format by extension (.json, .yaml/.yml, .ndjson/.jsonl), else by content. An ENTRY
names "serverId" or "serverIds" and says either "set" {KEY: VALUE} and/or "unset" [KEY], or
"metadata" {KEY: VALUE}, the exact map (platform keys it does not name are kept). JSON Schema:
@ecs-metadata/core/desired-state.schema.json. A file that does not parse or breaks the schema is
refused (exit 2, naming file, line and JSON path) before any request; a key or value breaking the
key rules is that server's error, and nothing is sent for it.`;

/** The options `plan` and `apply` share. */
const FLEET_OPTIONS = {
  output: outputOption(['ndjson', 'text'], 'ndjson (default in a pipe) or text, a coloured diff (default on a terminal)'),
  concurrency: { type: 'string', value: 'N', help: 'servers in flight at once (default 16)' },
  'fail-fast': { type: 'boolean', help: 'stop taking servers at the first failure, with its exit code' },
  'nova-keys': { type: 'boolean', help: "check keys with Nova's rules (space allowed) instead of Huawei's" },
  'allow-platform-keys': { type: 'boolean', help: 'allow writing or removing platform keys (os_type, charging_mode, metering.*, ...)' },
  ...REQUEST_OPTIONS,
} as const satisfies OptionTable;

/** `ecs-metadata plan`. */
export const PLAN_COMMAND = {
  name: 'plan',
  summary: 'what a desired-state file would change, per server (a diff; nothing is written)',
  usage: ['plan FILE [options]'],
  description: `Read every server a desired-state file names and print what apply would change: one line per
server as results arrive, {"serverId","status":"changes"|"unchanged"|"failed","added","changed",
"removed"} in a pipe, a coloured diff on a terminal; a summary line with the counts on stderr.
Nothing is written. Exit 0 (9 with --detailed-exitcode when changes are pending), 7 when some
servers could not be read, the failure's code when none could.

${DESIRED_STATE_HELP}`,
  options: {
    ...FLEET_OPTIONS,
    'detailed-exitcode': { type: 'boolean', help: 'exit 9 when changes are pending, 0 when none (as terraform plan)' },
  },
  configuration: true,
  positionals: true,
  examples: [{ comment: 'what would change, per server', command: 'ecs-metadata plan desired.yaml' }],
  exitCodes: [...API_EXIT_CODES, ExitCode.PartialFailure, ExitCode.ChangesPending],
  load: () => import('./commands/plan.js'),
} as const satisfies CommandSpec;

/** `ecs-metadata apply`. */
export const APPLY_COMMAND = {
  name: 'apply',
  summary: 'make servers hold what a desired-state file says, journaled so it can be rolled back',
  usage: ['apply FILE [--dry-run] [--force] [--resume JOURNAL | --journal PATH] [options]'],
  description: `Plan as "plan" does, then carry each server's plan out: re-read the server, skip it (status
"skipped") when it changed since the plan unless --force, journal its metadata, then send the fewest
safe requests: a DELETE per removed key, then one PUT of the item for one key or one POST merge for
several (never a replace, which would wipe a concurrent writer's keys; a merge whose answer is lost
is read back, never resent). The journal's path is printed before the first write; "ecs-metadata
rollback JOURNAL" undoes the run, "apply FILE --resume JOURNAL" finishes an interrupted one without
repeating a completed write. Ctrl-C lets the writes in flight finish, then exits 130. Exit 0, 7
when some servers failed or were skipped, the failure's code when all failed or with --fail-fast.

${DESIRED_STATE_HELP}`,
  options: {
    ...FLEET_OPTIONS,
    'dry-run': { type: 'boolean', help: 'print the plan (as "plan" does) and write nothing' },
    force: { type: 'boolean', help: 'write a server even when it changed since the plan (planned again against its state)' },
    resume: { type: 'string', value: 'JOURNAL', file: true, help: "go on with an interrupted apply: skip the servers its journal shows done, keep its before-states" },
    journal: { type: 'string', value: 'PATH', file: true, help: 'the journal file (default $XDG_STATE_HOME/ecs-metadata/apply-<time>-<pid>.ndjson)' },
  },
  configuration: true,
  positionals: true,
  examples: [
    { comment: 'do it; prints the journal\'s path', command: 'ecs-metadata apply desired.yaml' },
    { comment: 'finish an interrupted apply', command: 'ecs-metadata apply desired.yaml --resume ~/.local/state/ecs-metadata/apply-….ndjson' },
  ],
  exitCodes: [...API_EXIT_CODES, ExitCode.PartialFailure],
  load: () => import('./commands/apply.js'),
} as const satisfies CommandSpec;

/** `ecs-metadata rollback`. */
export const ROLLBACK_COMMAND = {
  name: 'rollback',
  summary: "restore every server an apply's (or batch set's, unset's) journal names to its metadata before",
  usage: ['rollback JOURNAL [options]'],
  description: `Restore every server an apply's journal names to the metadata it held before the apply, then read
each back and compare. The journals of a batch "set" or "unset" are undone the same way. A server someone else changed since the apply is restored too, and reported
("changedSince": true). One line per server ({"serverId","status":"restored"|"unchanged"|"failed",
"changedSince"}) and a summary. The rollback journals what it overwrites in a journal of its own
(printed), so it can be undone in turn. A journal of another endpoint or project, or a corrupt
one, is refused (exit 2) before any request; a last record cut short by a kill is left out (its
write never started).`,
  options: {
    output: FLEET_OPTIONS.output,
    concurrency: FLEET_OPTIONS.concurrency,
    journal: { type: 'string', value: 'PATH', file: true, help: "the rollback's own journal (default $XDG_STATE_HOME/ecs-metadata/rollback-<time>-<pid>.ndjson)" },
    ...REQUEST_OPTIONS,
  },
  configuration: true,
  positionals: true,
  examples: [{ comment: 'undo an apply', command: 'ecs-metadata rollback ~/.local/state/ecs-metadata/…journal' }],
  exitCodes: [...API_EXIT_CODES, ExitCode.PartialFailure],
  load: () => import('./commands/rollback.js'),
} as const satisfies CommandSpec;

/** `ecs-metadata completion`. */
export const COMPLETION_COMMAND = {
  name: 'completion',
  summary: 'print the shell completion script for bash, zsh or fish',
  usage: ['completion bash|zsh|fish'],
  description: `Print a completion script for the shell: commands, options, the values of --output and file
names where an option takes a file. Generated from the same table as this help.`,
  options: {},
  configuration: false,
  positionals: true,
  positionalChoices: ['bash', 'zsh', 'fish'],
  examples: [
    { comment: 'bash, in ~/.bashrc', command: 'source <(ecs-metadata completion bash)' },
    { comment: 'zsh, in ~/.zshrc after compinit', command: 'source <(ecs-metadata completion zsh)' },
    { comment: 'fish', command: 'ecs-metadata completion fish > ~/.config/fish/completions/ecs-metadata.fish' },
  ],
  exitCodes: [0, 2, 141],
  load: () => import('./commands/completion.js'),
} as const satisfies CommandSpec;

/** Every command, in the order help lists them. Add a new command's spec here. */
export const COMMAND_TABLE: readonly CommandSpec[] = [
  GET_COMMAND,
  SET_COMMAND,
  UNSET_COMMAND,
  PLAN_COMMAND,
  APPLY_COMMAND,
  ROLLBACK_COMMAND,
  CONFIG_SHOW_COMMAND,
  DEMO_COMMAND,
  MOCK_SERVE_COMMAND,
  COMPLETION_COMMAND,
];

/** The command named `name` (`config show`), if any. */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMAND_TABLE.find((command) => command.name === name);
}
