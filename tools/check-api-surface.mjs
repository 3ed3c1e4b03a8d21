#!/usr/bin/env node
// The public surface of every package, as a reviewed snapshot: each package's `src/index.ts` is read
// with the TypeScript compiler and every name it exports (values and types, with their kind) is
// compared with `packages/<name>/api-surface.txt`. A change to a package's exports fails here until
// the snapshot is regenerated and committed, so it shows in the diff a reviewer reads
// (STYLE "src/index.ts is the explicit public API").
//
//   node tools/check-api-surface.mjs            check every package
//   node tools/check-api-surface.mjs --update   rewrite the snapshots
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { workspacePackages, workspaceRoot } from './lib/workspace-packages.mjs';

const SNAPSHOT = 'api-surface.txt';

/** The kind a reader cares about: what the name is at run time, or that it is only a type. */
function kindOf(symbol) {
  const flags = symbol.flags;
  if (flags & ts.SymbolFlags.Class) return 'class';
  if (flags & ts.SymbolFlags.Function) return 'function';
  if (flags & ts.SymbolFlags.Enum) return 'enum';
  if (flags & ts.SymbolFlags.Variable) return 'const';
  if (flags & ts.SymbolFlags.Interface) return 'interface';
  if (flags & ts.SymbolFlags.TypeAlias) return 'type';
  return 'other';
}

/** `kind name` for every export of each entry file, sorted by name; one program for them all. */
function surfaces(entries) {
  const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true };
  const program = ts.createProgram(entries, options);
  const checker = program.getTypeChecker();
  return entries.map((entry) => {
    const source = program.getSourceFile(entry);
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (module === undefined) return [];
    return checker
      .getExportsOfModule(module)
      .map((symbol) => {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return `${kindOf(target)} ${symbol.getName()}`;
      })
      .sort((a, b) => a.split(' ')[1].localeCompare(b.split(' ')[1]) || a.localeCompare(b));
  });
}

const update = process.argv.includes('--update');
const packages = workspacePackages().filter(({ dir }) => existsSync(join(dir, 'src', 'index.ts')));
const listed = surfaces(packages.map(({ dir }) => join(dir, 'src', 'index.ts')));
let stale = 0;
packages.forEach(({ dir, pkg }, index) => {
  const file = join(dir, SNAPSHOT);
  const text = `# The public surface of ${pkg.name} (src/index.ts): ${listed[index].length} exports.\n# Regenerate with \`node tools/check-api-surface.mjs --update\` and review the diff.\n${listed[index].join('\n')}\n`;
  const where = relative(workspaceRoot, file);
  if (update) {
    writeFileSync(file, text);
    console.log(`wrote ${where} (${listed[index].length} exports)`);
    return;
  }
  const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (committed === text) {
    console.log(`ok   ${where} (${listed[index].length} exports)`);
    return;
  }
  stale += 1;
  const before = new Set(committed.split('\n').filter((line) => !line.startsWith('#') && line !== ''));
  const after = new Set(listed[index]);
  const added = [...after].filter((line) => !before.has(line)).map((line) => `+ ${line}`);
  const removed = [...before].filter((line) => !after.has(line)).map((line) => `- ${line}`);
  console.log(`FAIL ${where} differs from ${pkg.name}'s exports:\n     ${[...added, ...removed].join('\n     ') || '(header only)'}`);
});
if (stale > 0) {
  console.log('Review the change, then run `node tools/check-api-surface.mjs --update` and commit the snapshots.');
  process.exitCode = 1;
}
