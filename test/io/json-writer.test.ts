/**
 * JsonObjectWriter writes, piece by piece, exactly the text of
 * JSON.stringify(document, replacer, 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonObjectWriter } from '../../src/io/json-writer.ts';

function written(build: (w: JsonObjectWriter) => void, replacer?: (k: string, v: unknown) => unknown): string {
  let text = '';
  const w = new JsonObjectWriter((s) => {
    text += s;
  }, replacer);
  build(w);
  return text;
}

const finiteOrNull = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

test('fields and a streamed array give JSON.stringify(doc, replacer, 2) + newline', () => {
  const items = [
    { stream: 0, tests: { A: { pValues: [0.5, NaN], labels: ['x', 'y\n"z"'], nested: { deep: [[1, 2], [], {}] } } } },
    { stream: 1, tests: {}, list: [Infinity, -0, 1e-300, 'é'] },
    [1, [2, [3]]],
    'plain',
    null,
  ];
  const doc = { tool: 't', input: { source: 'a "b"', bits: 10 }, empty: {}, none: [], results: items, after: { v: [1, { w: NaN }] }, last: 3 };
  const text = written((w) => {
    w.field('tool', doc.tool);
    w.field('input', doc.input);
    w.field('empty', doc.empty);
    w.field('none', doc.none);
    w.beginArray('results');
    for (const it of items) w.item(it);
    w.endArray();
    w.field('after', doc.after);
    w.field('last', doc.last);
    w.end();
  }, finiteOrNull);
  assert.equal(text, JSON.stringify(doc, finiteOrNull, 2) + '\n');
});

test('an array with no items, an undefined field and an empty document', () => {
  assert.equal(
    written((w) => {
      w.beginArray('results');
      w.endArray();
      w.field('skipped', undefined);
      w.field('n', 1);
      w.end();
    }),
    JSON.stringify({ results: [], skipped: undefined, n: 1 }, null, 2) + '\n',
  );
  assert.equal(written((w) => w.end()), '{}\n');
});

test('misuse is an error, not malformed JSON', () => {
  const w = new JsonObjectWriter(() => {});
  assert.throws(() => w.item(1), /outside an array/);
  w.beginArray('a');
  assert.throws(() => w.field('b', 1), /inside an open array/);
  w.end();
  assert.throws(() => w.field('c', 1), /closed/);
});
