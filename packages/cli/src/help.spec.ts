import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { COMMAND_TABLE, CONFIGURATION_OPTIONS, EXIT_CODE_HELP } from './command-table.js';
import { optionsOf } from './parse.js';
import { runBin } from './test-support/run-bin.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/**
 * The README's command lines as a reader would type them (each line, and each `ecs-metadata …` code
 * span): no prompt, variables or `npx ` before, no trailing comment, single spaces.
 */
const README_COMMANDS = new Set(
  [...README.split('\n'), ...[...README.matchAll(/`(ecs-metadata [^`]+)`/gu)].map((match) => match[1] as string)].map((line) =>
    line
      .replace(/\s+#\s.*$/u, '')
      .replace(/^(?:\$\s+)?(?:[A-Z_]+=\S+\s+)*(?:npx\s+)?/u, '')
      .replace(/\s+/gu, ' ')
      .trim(),
  ),
);

describe('help', () => {
  it.each(COMMAND_TABLE.map((command) => command.name))('"help %s" prints the same page as --help, with usage, options, examples and exit codes', async (name) => {
    const [viaHelp, viaOption] = await Promise.all([runBin(['help', ...name.split(' ')]), runBin([...name.split(' '), '--help'])]);
    expect(viaHelp).toMatchObject({ code: 0, stderr: '' });
    expect(viaOption).toEqual(viaHelp);
    const page = viaHelp.stdout;
    expect(page).toMatch(new RegExp(`^Usage: ecs-metadata ${name}[ \n]`, 'u'));
    expect(page).toContain('\nOptions:\n');
    expect(page).toContain('\nExamples:\n  # ');
    expect(page).toContain('\nExit codes:\n  0    success\n');
    // The connection options have their own page: one pointer, not 14 lines in every command.
    expect(page).not.toContain('--username NAME');
  });

  it('documents the short options (-o, -v, -h)', async () => {
    const page = (await runBin(['help', 'get'])).stdout;
    expect(page).toContain('-o, --output FORMAT');
    expect(page).toContain('-v, --verbose');
    expect(page).toContain('-h, --help');
  });

  it('has a "help config" page with the connection options, and the overview lists commands, topics and every exit code', async () => {
    const [config, overview] = await Promise.all([runBin(['help', 'config']), runBin(['help'])]);
    for (const name of Object.keys(CONFIGURATION_OPTIONS)) {
      expect(config.stdout).toContain(`--${name} `);
    }
    expect(config.stdout).toContain('visible to other users in "ps"');
    for (const command of COMMAND_TABLE) {
      expect(overview.stdout).toContain(`  ${command.name}`);
    }
    expect(overview.stdout).toContain('  config ');
    expect(overview.stdout).toMatch(/\n {2}141 {2}the reader of the output went away/u);
  });
});

describe('the README and the help agree', () => {
  it.each(COMMAND_TABLE.flatMap((command) => command.examples.map((example) => [command.name, example.command])))('%s: the example "%s" is a README command', (_, command) => {
    expect(README_COMMANDS.has(command)).toBe(true);
  });

  it('documents every option of every command in the README', () => {
    const missing = COMMAND_TABLE.flatMap((command) => Object.keys(optionsOf(command)).filter((name) => !README.includes(`--${name}`)).map((name) => `${command.name} --${name}`));
    expect(missing).toEqual([]);
  });

  it("has the help's exit codes in the README's table, word for word", () => {
    const table = README.slice(README.indexOf('### Exit codes'));
    for (const [code, meaning] of Object.entries(EXIT_CODE_HELP)) {
      expect(table).toContain(`| ${code} | ${meaning.replace(/\|/gu, '\\|')} |`);
    }
  });
});

describe('forgiving input', () => {
  it('suggests the option meant, in its own words (no parser text, no unbalanced quote)', async () => {
    const result = await runBin(['get', 'x', '--endpont', 'http://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('ecs-metadata: unknown option --endpont for get. Did you mean --endpoint? Run "ecs-metadata help get" for its options.\n');
  });

  it('names a missing value and a value given to a flag', async () => {
    const [missing, flagValue] = await Promise.all([runBin(['get', 'x', '-o']), runBin(['unset', 'x', 'k', '--force=yes'])]);
    expect(missing).toMatchObject({ code: 2, stderr: 'ecs-metadata: -o needs a value: -o FORMAT\n' });
    expect(flagValue).toMatchObject({ code: 2, stderr: 'ecs-metadata: --force takes no value; got "--force=yes"\n' });
  });

  it('suggests the command meant, and lists a group\'s subcommands for an unknown one', async () => {
    const [typo, subcommand] = await Promise.all([runBin(['gte', 'x']), runBin(['config', 'init'])]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown command "gte". Did you mean "get"?');
    expect(typo.stderr).toContain('config show');
    expect(subcommand).toMatchObject({ code: 2, stderr: 'ecs-metadata: unknown command "config init". The config commands: config show.\n' });
  });
});
