import { CONFIG_SETTINGS, type ConfigValue, MASK, plannedEndpoint, type ResolvedConfig, Secret, type SettingName } from '@ecs-metadata/client';
import { loadCliConfig } from '../client-from-config.js';
import { formatYaml, jsonText } from '../output.js';
import { escapeLine } from '../terminal.js';
import { CONFIG_SHOW_COMMAND } from '../command-table.js';
import type { CliIo } from '../io.js';
import { parseCommandLine } from '../parse.js';

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
export async function run(args: readonly string[], io: CliIo): Promise<void> {
  const { values } = parseCommandLine(CONFIG_SHOW_COMMAND, args);
  const output = values.output ?? 'table'; // one of the table's choices (checked by parseCommandLine)
  const config = await loadCliConfig(values, io);
  const table = rows(config);
  if (output !== 'table') {
    const data = Object.fromEntries(table.map(([name, value, source]) => [name, { value, source }]));
    io.stdout.write(output === 'yaml' ? await formatYaml(data) : `${jsonText(data, true)}\n`);
    return;
  }
  // A value or a file's path may hold control characters: each cell is escaped before it is padded.
  const cells = table.map((row) => row.map(escapeLine) as [string, string, string]);
  const header: [string, string, string] = ['SETTING', 'VALUE', 'SOURCE'];
  const widths = [0, 1].map((column) => Math.max(...[header, ...cells].map((row) => row[column]?.length ?? 0)));
  for (const [name, value, source] of [header, ...cells]) {
    io.stdout.write(`${name.padEnd(widths[0] as number)}  ${value.padEnd(widths[1] as number)}  ${source}\n`);
  }
}
