import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkGateReferences, parseGateConfig, readGateConfig } from '../../src/report/gate-config.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/report/gate.ts';
import { InputError } from '../../src/errors.ts';
import { fixtureDocument } from './fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** The InputError message parseGateConfig throws for `data` (or 'ok'). */
function refusal(data: unknown): string {
  try {
    parseGateConfig(data, 'g.yaml');
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return e.message;
  }
  return 'ok';
}

test('gate config: an empty file is the defaults; each key given replaces its default, rules come after the default rules', () => {
  assert.deepEqual(parseGateConfig(null, 'g.yaml'), DEFAULT_GATE_CONFIG);
  assert.deepEqual(parseGateConfig(undefined, 'g.yaml'), DEFAULT_GATE_CONFIG);
  assert.deepEqual(parseGateConfig({}, 'g.yaml'), DEFAULT_GATE_CONFIG);
  assert.deepEqual(
    parseGateConfig(
      {
        virtual: { relative: 1e-6, absolute: 2, rules: [{ match: 'setVariable.*', relative: 0.1 }] },
        wallClock: {
          sideBySide: { effect: 0.1 },
          calibration: { confidence: 0.9 },
          references: { sts: 'sha-256' },
          defaultReference: 'aes-256-gcm',
          rules: [{ match: 'sts/*', ignore: true }],
        },
        icount: { relative: 0.2 },
      },
      'g.yaml',
    ),
    {
      virtual: { relative: 1e-6, absolute: 2, rules: [{ match: 'events', ignore: true }, { match: 'setVariable.*', relative: 0.1 }] },
      wallClock: {
        sideBySide: { effect: 0.1, confidence: 0.99 },
        calibration: { effect: 0.25, confidence: 0.9 },
        references: { drbg: 'aes-256-ctr', smm: 'aes-256-gcm', sts: 'sha-256' },
        defaultReference: 'aes-256-gcm',
        rules: [{ match: 'drbg/raw-*', ignore: true }, { match: 'drbg/calls-*', ignore: true }, { match: 'smm/node-*', ignore: true }, { match: 'sts/*', ignore: true }],
      },
      icount: { relative: 0.2 },
    },
  );
  // Parsing does not alter the defaults.
  assert.deepEqual(DEFAULT_GATE_CONFIG.virtual.rules, [{ match: 'events', ignore: true }]);
  assert.equal(DEFAULT_GATE_CONFIG.wallClock.rules.length, 3);
});

test('gate config: a non-finite number is refused by its path; every object is closed; every bound holds', () => {
  const cases: Array<[unknown, string]> = [
    [{ virtual: { relative: Infinity } }, '/virtual/relative: expected a finite number, found .inf'],
    [{ virtual: { absolute: -Infinity } }, '/virtual/absolute: expected a finite number, found -.inf'],
    [{ icount: { relative: NaN } }, '/icount/relative: expected a finite number, found .nan'],
    [Infinity, '/: expected a finite number, found .inf'],
    [{ virtual: { rules: [{ match: 'a', absolute: NaN }] } }, '/virtual/rules/0/absolute: expected a finite number, found .nan'],
    [{ extra: 1 }, "/: unexpected property 'extra'"],
    [{ virtual: { extra: 1 } }, "/virtual: unexpected property 'extra'"],
    [{ icount: { extra: 1 } }, "/icount: unexpected property 'extra'"],
    [{ wallClock: { extra: 1 } }, "/wallClock: unexpected property 'extra'"],
    [{ virtual: { rules: [{ match: 'a', extra: 1 }] } }, "/virtual/rules/0: unexpected property 'extra'"],
    [{ wallClock: { rules: [{ match: 'a', extra: 1 }] } }, "/wallClock/rules/0: unexpected property 'extra'"],
    [{ wallClock: { sideBySide: { extra: 1 } } }, "/wallClock/sideBySide: unexpected property 'extra'"],
    [{ wallClock: { calibration: { confidence: 1 } } }, '/wallClock/calibration/confidence: must be < 1'],
    [{ wallClock: { calibration: { confidence: 0 } } }, '/wallClock/calibration/confidence: must be > 0'],
    [{ wallClock: { sideBySide: { effect: -0.1 } } }, '/wallClock/sideBySide/effect: expected a number ≥ 0, found number -0.1'],
    [{ virtual: { rules: [{ match: '' }] } }, '/virtual/rules/0/match: must NOT have fewer than 1 characters'],
    [{ wallClock: { rules: [{ match: '' }] } }, '/wallClock/rules/0/match: must NOT have fewer than 1 characters'],
    [{ virtual: { rules: [{ match: 'a', ignore: 'yes' }] } }, '/virtual/rules/0/ignore: expected boolean, found string "yes"'],
    [{ wallClock: { rules: [{ match: 'a', ignore: 1 }] } }, '/wallClock/rules/0/ignore: expected boolean, found number 1'],
    [{ wallClock: { references: { sts: 3 } } }, '/wallClock/references/sts: expected string, found number 3'],
    [{ wallClock: { defaultReference: 3 } }, '/wallClock/defaultReference: expected string, found number 3'],
    [{ virtual: { relative: -1 } }, '/virtual/relative: expected a number ≥ 0, found number -1'],
    [{ virtual: { absolute: -1 } }, '/virtual/absolute: expected a number ≥ 0, found number -1'],
    [{ virtual: { rules: [{ match: 'a', relative: -1 }] } }, '/virtual/rules/0/relative: expected a number ≥ 0, found number -1'],
    [{ virtual: { rules: [{ match: 'a', absolute: -1 }] } }, '/virtual/rules/0/absolute: expected a number ≥ 0, found number -1'],
    [{ wallClock: { rules: [{ match: 'a', effect: -1 }] } }, '/wallClock/rules/0/effect: expected a number ≥ 0, found number -1'],
    [{ wallClock: { rules: [{ match: 'a', confidence: 1 }] } }, '/wallClock/rules/0/confidence: must be < 1'],
    [{ virtual: { rules: [{}] } }, "/virtual/rules/0: missing required property 'match'"],
    [{ virtual: null }, '/virtual: expected object, found null'],
    [{ wallClock: { references: null } }, '/wallClock/references: expected object, found null'],
    // Several complaints: the deepest one is named (every error is collected, not just the first).
    [{ icount: { relative: -1, extra: 2 } }, '/icount/relative: expected a number ≥ 0, found number -1'],
    [{ virtual: { rules: [{ match: 'a', relative: -1, extra: 1 }] } }, '/virtual/rules/0/relative: expected a number ≥ 0, found number -1'],
  ];
  for (const [data, message] of cases) assert.equal(refusal(data), `g.yaml: ${message}`, message);
  // At the bounds: 0 tolerances and effects are allowed, a confidence just inside (0, 1) too.
  assert.equal(refusal({ virtual: { relative: 0, absolute: 0, rules: [{ match: 'a', relative: 0, absolute: 0, ignore: false }] }, wallClock: { sideBySide: { effect: 0, confidence: 0.999 }, rules: [{ match: 'a', effect: 0, confidence: 0.001 }] }, icount: { relative: 0 } }), 'ok');
});

test('gate config files: YAML or JSON is read; unparsable text names the file and the first line of the error', () => {
  const dir = tempDir('gate-config-');
  const yaml = join(dir, 'gates.yaml');
  writeFileSync(yaml, "virtual:\n  rules:\n    - { match: 'setVariable.*', relative: 0.01 }\nicount: { relative: 0.1 }\n");
  const c = readGateConfig(yaml);
  assert.deepEqual(c.virtual.rules.at(-1), { match: 'setVariable.*', relative: 0.01 });
  assert.equal(c.icount.relative, 0.1);
  const json = join(dir, 'gates.json');
  writeFileSync(json, '{"wallClock": {"defaultReference": "sha-256"}}');
  assert.equal(readGateConfig(json).wallClock.defaultReference, 'sha-256');
  const empty = join(dir, 'empty.yaml');
  writeFileSync(empty, '');
  assert.deepEqual(readGateConfig(empty), DEFAULT_GATE_CONFIG);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'virtual: [\n  unclosed\n');
  assert.throws(() => readGateConfig(bad), (e: unknown) => e instanceof InputError && e.message.startsWith(`${bad}: not valid YAML/JSON: `) && !e.message.includes('\n'));
  // The parser's first line, whole.
  assert.throws(() => readGateConfig(bad), { message: `${bad}: not valid YAML/JSON: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1:` });
  const wrong = join(dir, 'wrong.yaml');
  writeFileSync(wrong, 'virtual: { relative: .inf }\n');
  assert.throws(() => readGateConfig(wrong), { message: `${wrong}: /virtual/relative: expected a finite number, found .inf` });
});

test("gate config references: each suite's calibration task must exist in every report with calibration tasks", () => {
  const docs = [{ doc: fixtureDocument(), file: 'b.json' }, { doc: fixtureDocument(), file: 'c.json' }];
  checkGateReferences(DEFAULT_GATE_CONFIG, docs, 'g.yaml');
  const own = parseGateConfig({ wallClock: { references: { sts: 'sha-3' } } }, 'g.yaml');
  assert.throws(() => checkGateReferences(own, docs, 'g.yaml'), {
    message: "g.yaml: /wallClock/references/sts: calibration task 'sha-3' (for suite 'sts') does not exist in b.json; it has js-scan, aes-256-ctr, aes-256-gcm, sha-256",
  });
  const dflt = parseGateConfig({ wallClock: { defaultReference: 'nope' } }, 'g.yaml');
  assert.throws(() => checkGateReferences(dflt, docs, 'g.yaml'), (e: unknown) => e instanceof InputError && e.message.startsWith("g.yaml: /wallClock/defaultReference: calibration task 'nope' (for suite 'sts') does not exist in b.json"));
  // Only the current report lacks it: named.
  const lacking = fixtureDocument();
  lacking.benchmarks!.calibration!.tasks = lacking.benchmarks!.calibration!.tasks.filter((t) => t.name !== 'js-scan');
  assert.throws(() => checkGateReferences(DEFAULT_GATE_CONFIG, [docs[0]!, { doc: lacking, file: 'c.json' }], 'the default gate config'), {
    message: "the default gate config: /wallClock/defaultReference: calibration task 'js-scan' (for suite 'sts') does not exist in c.json; it has aes-256-ctr, aes-256-gcm, sha-256",
  });
  // Reports without benchmarks or without calibration tasks have nothing to check.
  const runOnly = fixtureDocument();
  delete runOnly.benchmarks;
  const noCal = fixtureDocument();
  delete noCal.benchmarks!.calibration;
  checkGateReferences(dflt, [{ doc: runOnly, file: 'r.json' }, { doc: noCal, file: 'n.json' }], 'g.yaml');
});
