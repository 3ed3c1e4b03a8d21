// The README's command blocks (```sh fences), each marked by the HTML comment on the line above it:
//
//   <!-- commands: test ID -->   run by `npm test` (tools/readme-commands/check.mjs, runner ID there)
//   <!-- commands: ci ID -->     run in CI by the tool the check's CI table names for ID
//
// An unmarked block, an unknown ID, or an ID used twice fails the check: a block nobody runs cannot
// be added by accident. Shared by the check and by the CI tools that run the heavier blocks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const MARKER = /^<!-- commands: (test|ci) ([a-z0-9-]+) -->$/;

/** Every ```sh block of the README: `{ mode, id, text, line }`, `mode`/`id` undefined when unmarked. */
export function readmeBlocks(readme = readFileSync(README, 'utf8')) {
  const lines = readme.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i] !== '```sh') continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: a \`\`\`sh block that never ends`);
    const marker = MARKER.exec(lines[i - 1] ?? '');
    blocks.push({ mode: marker?.[1], id: marker?.[2], text: `${lines.slice(i + 1, end).join('\n')}\n`, line: i + 1 });
    i = end;
  }
  return blocks;
}

/** The block marked `id`; throws when there is none. */
export function readmeBlock(id) {
  const block = readmeBlocks().find((candidate) => candidate.id === id);
  if (!block) throw new Error(`README.md has no command block marked <!-- commands: ... ${id} -->`);
  return block;
}

/**
 * The commands of a block, one string each: comment-only and blank lines dropped, a trailing
 * ` # comment` removed, backslash continuations joined.
 */
export function commandsOf(block) {
  const commands = [];
  let pending = '';
  for (const raw of block.text.split('\n')) {
    const line = raw.replace(/\s+#\s.*$/, '').trimEnd();
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    commands.push(`${pending}${line.trim()}`);
    pending = '';
  }
  return commands;
}
