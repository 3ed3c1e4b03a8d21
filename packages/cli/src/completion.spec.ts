import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runBin } from './test-support/run-bin.js';

// Each shell's script comes from the real bin, then runs in the real shell. zsh and fish are tested
// where installed (CI: apt-get install zsh fish); bash always.
const installed = (shell: string): boolean => spawnSync(shell, ['-c', 'exit 0']).status === 0;
const itWith = (shell: string): typeof it.skip => (installed(shell) ? it : it.skip);

let dir: string;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ecs-metadata-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const result = await runBin(['completion', shell]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    scripts[shell] = join(dir, `completion.${shell}`);
    writeFileSync(scripts[shell] as string, result.stdout);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The README's command block marked `<!-- commands: ci ID -->` (tools/readme-commands/check.mjs requires this spec to read it). */
function readmeBlock(id: string): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf(`<!-- commands: ci ${id} -->\n\`\`\`sh\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const body = readme.slice(readme.indexOf('```sh\n', start) + '```sh\n'.length);
  return body.slice(0, body.indexOf('```\n'));
}

/** What bash's completion function offers for a command line whose last word is being typed. */
function bashComplete(...words: string[]): string[] {
  const script = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _ecs_metadata; complete -p ecs-metadata >/dev/null && printf '%s\\n' "\${COMPREPLY[@]}"`;
  const output = execFileSync('bash', ['--norc', '--noprofile', '-c', script, 'bash', scripts['bash'] as string, 'ecs-metadata', ...words], { encoding: 'utf8', timeout: 10_000 });
  return output.split('\n').filter((line) => line !== '');
}

describe('ecs-metadata completion', () => {
  it('completes commands, subcommands, options, --output values and help topics in bash', () => {
    expect(bashComplete('')).toEqual(['get', 'set', 'unset', 'plan', 'apply', 'rollback', 'config', 'demo', 'mock', 'completion', 'help']);
    expect(bashComplete('config', '')).toEqual(['show']);
    expect(bashComplete('get', 'x', '--out')).toEqual(['--output']);
    expect(bashComplete('get', 'x', '-o', 't')).toEqual(['table', 'text']);
    expect(bashComplete('config', 'show', '--output', '')).toEqual(['table', 'json', 'yaml']);
    expect(bashComplete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(bashComplete('help', 'c')).toEqual(['config', 'completion']);
    // A value-taking option without choices offers nothing, not the option list.
    expect(bashComplete('get', 'x', '--token', '-')).toEqual([]);
  });

  it('completes file names where an option takes a file, in bash', () => {
    writeFileSync(join(dir, 'ids.txt'), '');
    expect(bashComplete('get', '--from-file', join(dir, 'ids.'))).toEqual([join(dir, 'ids.txt')]);
  });

  itWith('fish')('completes in fish (complete -C)', () => {
    const complete = (line: string): string[] =>
      execFileSync('fish', ['--no-config', '-c', `source ${scripts['fish']}; complete -C '${line}'`], { encoding: 'utf8', timeout: 10_000 })
        .split('\n')
        .filter((entry) => entry !== '')
        .map((entry) => entry.split('\t')[0] as string);
    expect(complete('ecs-metadata g')).toEqual(['get']);
    expect(complete('ecs-metadata config ')).toEqual(['show']);
    expect(complete('ecs-metadata get x --outp')).toEqual(['--output']);
    expect(complete('ecs-metadata get x --output ').sort()).toEqual(['env', 'json', 'ndjson', 'table', 'text', 'value', 'yaml']);
  });

  itWith('zsh')('completes in an interactive zsh (compinit, driven through a pty)', () => {
    // zsh/zpty runs an interactive zsh; Tab twice lists the --output values. Bounded: 10 s at most.
    const driver = `
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'PS1="> "; autoload -U compinit; compinit -u -D; source ${scripts['zsh']}; ecs-metadata() { :; }'
zpty -w -n z $'ecs-metadata get x -o \\t\\t'
out=""; SECONDS=0
while (( SECONDS < 10 )) && [[ $out != *ndjson* ]]; do zpty -r -t z chunk && out+=$chunk || sleep 0.1; done
zpty -d z
print -r -- "$out"`;
    const output = execFileSync('zsh', ['-f', '-c', driver], { encoding: 'utf8', timeout: 15_000 });
    for (const format of ['env', 'json', 'ndjson', 'table', 'text', 'value', 'yaml']) {
      expect(output).toContain(format);
    }
  });

  it("runs the README's completion block: each line in its own shell, with ecs-metadata on the PATH", () => {
    const home = join(dir, 'home');
    const bin = join(dir, 'bin');
    mkdirSync(join(home, '.config/fish/completions'), { recursive: true });
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'ecs-metadata'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    chmodSync(join(bin, 'ecs-metadata'), 0o755);
    const env = { PATH: `${bin}:${process.env['PATH'] ?? ''}`, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    const lines = readmeBlock('completion')
      .split('\n')
      .map((line) => line.replace(/\s+#\s.*$/u, '').trim())
      .filter((line) => line !== '');
    const [bashLine, zshLine, fishLine] = lines;
    expect(lines).toHaveLength(3);
    execFileSync('bash', ['--norc', '--noprofile', '-c', `${bashLine as string}\ncomplete -p ecs-metadata`], { env, timeout: 10_000 });
    if (installed('zsh')) {
      execFileSync('zsh', ['-f', '-c', `autoload -U compinit; compinit -u -D\n${zshLine as string}\n(( $+_comps[ecs-metadata] ))`], { env, timeout: 10_000 });
    }
    execFileSync('sh', ['-c', fishLine as string], { env, timeout: 10_000 });
    expect(existsSync(join(home, '.config/fish/completions/ecs-metadata.fish'))).toBe(true);
    if (installed('fish')) {
      // fish finds it there by itself.
      expect(execFileSync('fish', ['-c', "complete -C 'ecs-metadata g'"], { env, encoding: 'utf8', timeout: 10_000 })).toBe('get\n');
    }
  });

  it('refuses a shell it does not know, naming the ones it does', async () => {
    const result = await runBin(['completion', 'tcsh']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'ecs-metadata: completion needs one shell: bash, zsh, fish; got "tcsh"\n' });
  });
});
