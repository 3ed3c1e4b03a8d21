import { parseArgs } from 'node:util';
import { CONFIG_SETTINGS, type ConfigValue, MASK, plannedEndpoint, type ResolvedConfig, Secret, type SettingName } from '@ecs-metadata/client';
import { CONFIG_FLAGS, CONFIG_FLAGS_USAGE, loadCliConfig } from '../client-from-config.js';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseCommandLine } from '../parse.js';

export const CONFIG_SHOW_USAGE = `Usage: ecs-metadata config show [--profile NAME] [options] [--output table|json]

Print the configuration a command would use: each setting, its value and where it came from
(option, env:NAME, clouds.yaml:CLOUD, profile:NAME, default), and the endpoint that will be called
("calls": an endpoint setting, HUAWEICLOUD_SDK_REGION_ECS_{REGION}, the login's catalog or the
region table). Secrets (token, secret key, security token, password, application credential secret)
are never printed; the access key shows its last 4 characters only.

${CONFIG_FLAGS_USAGE}`;

/** What is shown of a value: secrets `****`, the AK `****` plus its last 4 characters. */
function shown(name: SettingName, setting: ConfigValue<string | Secret>): string {
  if (setting.value instanceof Secret) {
    return MASK;
  }
  if (name === 'accessKey') {
    return setting.value.length > 8 ? `${MASK}${setting.value.slice(-4)}` : MASK;
  }
  return setting.value;
}

/** The rows of `config show`: the profile and cloud read, every setting that has a value, the credentials chosen. */
function rows(config: ResolvedConfig): [string, string, string][] {
  const result: [string, string, string][] = [];
  if (config.profile !== undefined) {
    result.push(['profile', config.profile.value, config.profile.source]);
  }
  if (config.cloud !== undefined) {
    result.push(['cloud', config.cloud.value, config.cloud.source]);
  }
  for (const name of Object.keys(CONFIG_SETTINGS) as SettingName[]) {
    const setting = config[name] as ConfigValue<string | Secret> | undefined;
    if (setting !== undefined) {
      result.push([name, shown(name, setting), setting.source]);
    }
  }
  result.push(['credentials', config.credentials ?? 'none', config.credentials === undefined ? 'nothing complete is configured' : 'derived']);
  const endpoint = plannedEndpoint(config);
  const project = config.projectId?.value ?? '{project_id of the token}';
  result.push(['calls', endpoint.url === undefined ? '-' : `${endpoint.url}/${config.apiVersion.value}/${project}/servers/…`, endpoint.source]);
  return result;
}

/** `ecs-metadata config show`: the resolved configuration, with sources, secrets masked. */
export async function runConfigShow(args: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandLine(() =>
    parseArgs({ args: [...args], allowPositionals: true, options: { ...CONFIG_FLAGS, output: { type: 'string', short: 'o' } } }),
  );
  if (positionals.length > 0) {
    throw new UsageError(`config show takes no arguments, got "${positionals.join(' ')}"\n\n${CONFIG_SHOW_USAGE}`);
  }
  const output = values.output ?? 'table';
  if (output !== 'table' && output !== 'json') {
    throw new UsageError(`--output must be table or json; got "${output}"`);
  }
  const config = await loadCliConfig(values, io);
  const table = rows(config);
  if (output === 'json') {
    const json = Object.fromEntries(table.map(([name, value, source]) => [name, { value, source }]));
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  const header: [string, string, string] = ['SETTING', 'VALUE', 'SOURCE'];
  const widths = [0, 1].map((column) => Math.max(...[header, ...table].map((row) => row[column]?.length ?? 0)));
  for (const [name, value, source] of [header, ...table]) {
    io.stdout.write(`${name.padEnd(widths[0] as number)}  ${value.padEnd(widths[1] as number)}  ${source}\n`);
  }
}
