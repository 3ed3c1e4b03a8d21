#!/usr/bin/env node
// docs/architecture.md matches the code: every hop of its request flow names a file that exists
// and a function (or `Class.method`) that file defines, there are at most ten hops, and the
// diagram shows each hop's function. Fails with the hop at fault when a rename or a move leaves
// the page behind. Part of `npm test`.
//
//   node tools/check-architecture-doc.mjs
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { workspaceRoot } from './lib/workspace-packages.mjs';

const DOC = 'docs/architecture.md';
const MAX_HOPS = 10;
/** A row of the hops table: `| 7 | what | `file` | `function` |`. */
const HOP_ROW = /^\|\s*(\d+)\s*\|[^|]*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*$/u;

/** Whether `source` declares `name` at its top level, or `Class.method` as a method of that class. */
function defines(source, name) {
  const [owner, member] = name.includes('.') ? name.split('.') : [name, undefined];
  for (const statement of source.statements) {
    if (member === undefined) {
      if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === owner) return true;
      if (ts.isVariableStatement(statement) && statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === owner)) return true;
    } else if (ts.isClassDeclaration(statement) && statement.name?.text === owner) {
      return statement.members.some((m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === member && (ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m)));
    }
  }
  return false;
}

const text = readFileSync(join(workspaceRoot, DOC), 'utf8');
const diagram = /```\n([\s\S]*?)```/u.exec(text)?.[1] ?? '';
const hops = text
  .split('\n')
  .map((line) => HOP_ROW.exec(line))
  .filter((match) => match !== null)
  .map(([, number, file, name]) => ({ number: Number(number), file, name }));
const problems = [];
if (hops.length === 0) problems.push(`${DOC} has no hops table (| # | Hop | File | Function |)`);
if (hops.length > MAX_HOPS) problems.push(`${DOC} names ${hops.length} hops; the flow must fit in ${MAX_HOPS}`);
hops.forEach((hop, index) => {
  const where = `hop ${hop.number} (${hop.file} ${hop.name})`;
  if (hop.number !== index + 1) problems.push(`${where}: hops must be numbered 1, 2, 3, ... in order`);
  if (!diagram.includes(`${hop.number} ${hop.name}`)) problems.push(`${where}: the diagram does not show "${hop.number} ${hop.name}"`);
  const path = join(workspaceRoot, hop.file);
  if (!existsSync(path)) {
    problems.push(`${where}: the file does not exist`);
    return;
  }
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  if (!defines(source, hop.name)) problems.push(`${where}: the file does not define ${hop.name}`);
});
if (problems.length > 0) {
  console.log(`FAIL ${DOC} does not match the code:\n     - ${problems.join('\n     - ')}`);
  process.exitCode = 1;
} else {
  console.log(`ok   ${DOC}: ${hops.length} hops, each file and function found`);
}
