/**
 * docs/model.md is the model's reference: parameter sources and doc comments cite its
 * sections ("§1.2") and the rows of its §0 table ("§0 row 2"). These tests keep the two in
 * step: every citation in the repository must land on an existing heading or row, every
 * parameter must say where its default comes from, a parameter built on an estimate must say
 * "estimate", §0's "Used by" column must list every parameter that cites the row, and §9 must
 * list exactly the estimate parameters with their current defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { COMPONENT_PARAMS } from '../../src/designs/components.ts';
import type { ParamSpec } from '../../src/params/spec.ts';
import { WORKLOADS } from '../../src/workloads/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC_PATH = join(ROOT, 'docs', 'model.md');
const SELF = relative(ROOT, import.meta.filename);
const DOC_NAME = 'docs/model.md';

interface Ref {
  section: string;
  row?: number;
}

/** A § that belongs to another document (a NIST standard, the SDM, the UEFI spec, an RFC). */
const FOREIGN_BEFORE = /(SP\s*800-\d+[A-C]?(\s+Rev\.?\s*\S+)?|SDM(\s+Vol\.\s*\d+)?|spec|RFC\s*\d+|Vol\.\s*\d+)\s*$/i;
const TOKEN = /§\s?(\d+(?:\.\d+)?)(?!\.\d)(?:\s*[–-]\s*(\d+(?:\.\d+)?)(?!\.\d))?|\brows?\s+(\d+)((?:\s*(?:[–-]|,)\s*\d+)*)/g;

/**
 * The model.md references in one citation span (the text right after "docs/model.md"):
 * "§1.1–1.2" → 1.1, 1.2; "§0 rows 1–5" → rows 1…5; "§0 row 17 (…), row 18" → rows 17, 18.
 * A bare "row N" counts only after §0; a § preceded by another document's name is skipped.
 */
function parseRefs(span: string): Ref[] {
  const refs: Ref[] = [];
  let last: string | null = null;
  for (const m of span.matchAll(TOKEN)) {
    if (m[1] !== undefined) {
      if (FOREIGN_BEFORE.test(span.slice(0, m.index))) {
        last = null;
        continue;
      }
      const from = m[1];
      refs.push({ section: from });
      last = from;
      const to = m[2];
      if (to !== undefined) {
        const [fa, fb] = from.split('.').map(Number);
        const [ta, tb] = to.split('.').map(Number);
        if (fb !== undefined && tb !== undefined && fa === ta) {
          for (let k = fb + 1; k <= tb; k++) refs.push({ section: `${fa}.${k}` });
        } else {
          refs.push({ section: to });
        }
      }
    } else if (last === '0') {
      const first = Number(m[3]);
      const rows = [first];
      const tail = m[4] ?? '';
      let prev = first;
      for (const t of tail.matchAll(/([–-]|,)\s*(\d+)/g)) {
        const n = Number(t[2]);
        if (t[1] === ',') rows.push(n);
        else for (let k = prev + 1; k <= n; k++) rows.push(k);
        prev = n;
      }
      for (const row of rows) refs.push({ section: '0', row });
    }
  }
  return refs;
}

/** Where a citation span ends in a source file: end of line, string or comment, or a sentence. */
function spanAfter(text: string, from: number): string {
  const rest = text.slice(from, from + 400);
  const end = rest.search(/\n|['"`]|\*\/|\.\s/);
  return end === -1 ? rest : rest.slice(0, end);
}

/** Every citation of docs/model.md in a file's text, with its line number. */
function citationsIn(text: string): { line: number; span: string; refs: Ref[] }[] {
  // Join comment continuation lines (" * ", "// ", "# ") so a citation may wrap.
  const lines = text.split('\n');
  const out: { line: number; span: string; refs: Ref[] }[] = [];
  let joined = '';
  const lineAt: number[] = [];
  lines.forEach((l, i) => {
    const cont = /^\s*(\*(?!\/)|\/\/|#)\s?/.exec(l);
    if (i > 0 && cont !== null) {
      joined += ' ';
      const body = l.slice(cont[0].length);
      for (let k = 0; k <= body.length; k++) lineAt.push(i + 1);
      joined += body;
    } else {
      if (i > 0) joined += '\n';
      for (let k = 0; k <= l.length; k++) lineAt.push(i + 1);
      joined += l;
    }
  });
  let at = joined.indexOf(DOC_NAME);
  while (at !== -1) {
    const span = spanAfter(joined, at + DOC_NAME.length);
    out.push({ line: lineAt[Math.min(at, lineAt.length - 1)] ?? 0, span: span.trim(), refs: parseRefs(span) });
    at = joined.indexOf(DOC_NAME, at + DOC_NAME.length);
  }
  return out;
}

interface Doc {
  sections: Map<string, string>;
  rows: Map<number, { kind: string; usedBy: string[] }>;
  estimatesTable: { name: string; cell: string }[];
  measuredTable: string[];
  text: string;
}

function sectionBody(text: string, id: string): string {
  const start = text.search(new RegExp(`^## ${id.replace('.', '\\.')}\\. `, 'm'));
  assert.ok(start >= 0, `docs/model.md has no "## ${id}." heading`);
  const next = text.slice(start + 3).search(/^## /m);
  return next === -1 ? text.slice(start) : text.slice(start, start + 3 + next);
}

function tableRows(body: string): string[][] {
  return body
    .split('\n')
    .filter((l) => /^\|/.test(l) && !/^\|\s*-/.test(l))
    .map((l) => l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
}

function loadDoc(): Doc {
  const text = readFileSync(DOC_PATH, 'utf8');
  const sections = new Map<string, string>();
  for (const m of text.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? (.+)$/gm)) {
    assert.ok(!sections.has(m[1]!), `docs/model.md: section ${m[1]} appears twice`);
    sections.set(m[1]!, m[2]!);
  }
  const rows = new Map<number, { kind: string; usedBy: string[] }>();
  for (const cells of tableRows(sectionBody(text, '0'))) {
    if (!/^\d+$/.test(cells[0]!)) continue;
    const used = cells[5] ?? '';
    rows.set(Number(cells[0]), { kind: cells[4] ?? '', usedBy: [...used.matchAll(/`([^`]+)`/g)].map((u) => u[1]!) });
  }
  const estimatesTable = tableRows(sectionBody(text, '9'))
    .filter((c) => /^`/.test(c[0]!))
    .map((c) => ({ name: c[0]!.replace(/`/g, ''), cell: c[1]! }));
  const measuredTable = tableRows(sectionBody(text, '10'))
    .filter((c) => /^`/.test(c[0]!))
    .map((c) => c[0]!.replace(/`/g, ''));
  return { sections, rows, estimatesTable, measuredTable, text };
}

/** Every parameter `entropy-bench list params` / `list workloads` shows, as component.param. */
function allParams(): Map<string, ParamSpec> {
  const out = new Map<string, ParamSpec>();
  for (const [component, table] of Object.entries(COMPONENT_PARAMS)) for (const p of table) out.set(`${component}.${p.name}`, p);
  for (const w of WORKLOADS) for (const p of w.params) out.set(`${w.name}.${p.name}`, p);
  return out;
}

/** The model.md references in a parameter's source (all of it after the first mention). */
function sourceRefs(source: string): Ref[] {
  const at = source.indexOf(DOC_NAME);
  return at === -1 ? [] : parseRefs(source.slice(at + DOC_NAME.length));
}

function missing(doc: Doc, r: Ref): string | null {
  if (!doc.sections.has(r.section)) return `§${r.section}`;
  if (r.row !== undefined && !doc.rows.has(r.row)) return `§0 row ${r.row}`;
  return null;
}

function filesUnder(dir: string, exts: RegExp): string[] {
  return (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => exts.test(f) && !f.split(/[\\/]/).includes('node_modules'))
    .map((f) => join(dir, f));
}

test('the citation parser reads every form the sources use, and skips other documents’ sections', () => {
  assert.deepEqual(parseRefs(' §0 rows 1–5'), [{ section: '0' }, ...[1, 2, 3, 4, 5].map((row) => ({ section: '0', row }))]);
  assert.deepEqual(parseRefs(' §0 rows 1, 2, 5)'), [{ section: '0' }, { section: '0', row: 1 }, { section: '0', row: 2 }, { section: '0', row: 5 }]);
  assert.deepEqual(parseRefs(' §0 row 17 (OvmfPkgX64.dsc), row 18 (ArmVirtQemu)'), [{ section: '0' }, { section: '0', row: 17 }, { section: '0', row: 18 }]);
  assert.deepEqual(parseRefs(' §4.1–4.3, §5'), [{ section: '4.1' }, { section: '4.2' }, { section: '4.3' }, { section: '5' }]);
  assert.deepEqual(parseRefs(' §0 row 15, §5.2 (SDM §7.3.17)'), [{ section: '0' }, { section: '0', row: 15 }, { section: '5.2' }]);
  assert.deepEqual(parseRefs(' §7.2 (SP 800-90B §4.4.1, α = 2^−20)'), [{ section: '7.2' }]);
  assert.deepEqual(parseRefs(' §0 row 24 (userspace exit ≈5–15 µs), §4.3'), [{ section: '0' }, { section: '0', row: 24 }, { section: '4.3' }]);
  // A dangling citation is reported: the real document has no §0 row 99 and no §3.9.
  const doc = loadDoc();
  assert.deepEqual(
    parseRefs(' §0 row 99, §3.9').map((r) => missing(doc, r)),
    [null, '§0 row 99', '§3.9'],
  );
  // Comment continuation lines are joined, so a wrapped citation is still read.
  const wrapped = citationsIn('/**\n * The device (docs/model.md\n * §1.5, §0 row 40).\n */');
  assert.deepEqual(wrapped.map((c) => c.refs), [[{ section: '1.5' }, { section: '0' }, { section: '0', row: 40 }]]);
});

test('docs/model.md: §0 rows are numbered 1…N without gaps, and the numbered sections exist', () => {
  const doc = loadDoc();
  const numbers = [...doc.rows.keys()];
  assert.ok(numbers.length >= 40, `§0 has ${numbers.length} rows`);
  assert.deepEqual(numbers, numbers.map((_, i) => i + 1));
  for (const id of ['0', '1.1', '1.2', '1.6', '2.1', '3.1', '3.7', '4.1', '4.4', '5.1', '5.2', '6.1', '6.4', '7.1', '7.4', '8', '9', '10']) {
    assert.ok(doc.sections.has(id), `§${id}`);
  }
});

test('every docs/model.md citation in src/, test/, scenarios/, bench/ and README names an existing section or §0 row', (t) => {
  const doc = loadDoc();
  const files = [
    ...filesUnder('src', /\.ts$/),
    ...filesUnder('test', /\.ts$/),
    ...filesUnder('bench', /\.ts$/),
    ...filesUnder('scenarios', /\.(ya?ml|json)$/),
    'README.md',
  ].filter((f) => f !== SELF);
  const dangling: string[] = [];
  let citations = 0;
  let refs = 0;
  for (const f of files) {
    for (const c of citationsIn(readFileSync(join(ROOT, f), 'utf8'))) {
      citations++;
      refs += c.refs.length;
      for (const r of c.refs) {
        const m = missing(doc, r);
        if (m !== null) dangling.push(`${f}:${c.line}: ${m} ("${DOC_NAME} ${c.span.slice(0, 60)}")`);
      }
    }
  }
  t.diagnostic(`${citations} citations, ${refs} section/row references in ${files.length} files`);
  // The scan must actually see the citations (a broken scanner would pass vacuously).
  assert.ok(citations >= 150 && refs >= 150, `only ${citations} citations / ${refs} references found`);
  assert.deepEqual(dangling, [], `dangling citations:\n${dangling.join('\n')}`);
});

test('every model parameter has a source; one that rests on an estimate row or section says "estimate"', () => {
  const doc = loadDoc();
  const estimateRows = new Set([...doc.rows].filter(([, r]) => /estimate/.test(r.kind)).map(([n]) => n));
  const estimateSections = new Set([...doc.sections].filter(([, title]) => /estimate/i.test(title)).map(([id]) => id));
  assert.ok(estimateRows.has(23) && estimateRows.has(24) && estimateSections.has('4.3'), 'exit costs are estimates');
  const problems: string[] = [];
  for (const [name, p] of allParams()) {
    if (p.source.trim() === '') {
      problems.push(`${name}: empty source`);
      continue;
    }
    const refs = sourceRefs(p.source);
    for (const r of refs) {
      const m = missing(doc, r);
      if (m !== null) problems.push(`${name}: cites ${m}, which docs/model.md lacks`);
    }
    const onEstimate = refs.some((r) => (r.row !== undefined ? estimateRows.has(r.row) : estimateSections.has(r.section)));
    if (onEstimate && !/^(estimate|our )/.test(p.source)) problems.push(`${name}: rests on an estimate but its source does not say so: ${p.source}`);
  }
  assert.deepEqual(problems, []);
});

test('§0 "Used by" lists every parameter that cites the row, and only parameters that exist', () => {
  const doc = loadDoc();
  const params = allParams();
  const problems: string[] = [];
  for (const [n, row] of doc.rows) {
    for (const u of row.usedBy) if (!params.has(u)) problems.push(`§0 row ${n}: Used by names '${u}', which is no parameter`);
  }
  for (const [name, p] of params) {
    for (const r of sourceRefs(p.source)) {
      if (r.row === undefined) continue;
      const row = doc.rows.get(r.row);
      if (row !== undefined && !row.usedBy.includes(name)) problems.push(`§0 row ${r.row}: Used by lacks '${name}'`);
    }
  }
  assert.deepEqual(problems, []);
});

test('§9 lists exactly the estimate parameters, with their current defaults and units; §10 names real parameters', () => {
  const doc = loadDoc();
  const params = allParams();
  const listed = new Map(doc.estimatesTable.map((e) => [e.name, e.cell]));
  const problems: string[] = [];
  for (const [name, p] of params) {
    if (/^estimate/.test(p.source) && !listed.has(name)) problems.push(`${name}: an estimate missing from §9`);
  }
  for (const [name, cell] of listed) {
    const p = params.get(name);
    if (p === undefined) {
      problems.push(`§9: '${name}' is no parameter`);
      continue;
    }
    if (!/^estimate/.test(p.source)) problems.push(`§9: '${name}' is listed but its source is not an estimate`);
    const expected = `${String(p.default)}${p.unit !== undefined ? ` ${p.unit}` : ''}`;
    if (cell !== expected) problems.push(`§9: '${name}' default reads '${cell}', the parameter table says '${expected}'`);
  }
  for (const name of doc.measuredTable) if (!params.has(name)) problems.push(`§10: '${name}' is no parameter`);
  assert.ok(listed.size > 0);
  assert.deepEqual(problems, []);
});

test('docs/model.md’s own § cross-references resolve', () => {
  const doc = loadDoc();
  const dangling: string[] = [];
  doc.text.split('\n').forEach((line, i) => {
    for (const r of parseRefs(line)) {
      const m = missing(doc, r);
      if (m !== null) dangling.push(`line ${i + 1}: ${m}`);
    }
  });
  assert.deepEqual(dangling, []);
});
