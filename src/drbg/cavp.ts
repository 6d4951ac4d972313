/**
 * NIST CAVP DRBGVS response files (.rsp) for SP 800-90A: parsing and replay.
 * Format and call order (NIST's DRBGVS document; test/fixtures/README.md). In short:
 *
 * - `#` comments (the `# CTR_DRBG options:` / `# Hash_DRBG options:` /
 *   `# HMAC_DRBG options:` header names the mechanism), CRLF or LF line ends;
 * - an option line (`[AES-256 use df]`, `[SHA-512/256]`) starts a group, followed
 *   by group parameters (`[EntropyInputLen = 256]`, lengths in bits);
 * - cases: `COUNT = n` then `Name = hex` lines, ended by a blank line. COUNT values
 *   may have gaps; `AdditionalInput` (and `EntropyInputPR`) appear twice;
 * - the mode follows from the fields: EntropyInputReseed ⇒ pr_false,
 *   EntropyInputPR ⇒ pr_true, neither ⇒ no_reseed.
 *
 * Replay (DRBGVS): instantiate(EntropyInput, Nonce, PersonalizationString); in
 * pr_false reseed(EntropyInputReseed, AdditionalInputReseed); then two generates
 * of ReturnedBitsLen bits with AdditionalInput #1 and #2 (with prediction
 * resistance and EntropyInputPR #1/#2 in pr_true); the second output must equal
 * ReturnedBits. 3KeyTDEA options are recognised and skipped.
 */
import { InputError } from '../errors.ts';
import { CtrDrbg } from './ctr-drbg.ts';
import { HashDrbg } from './hash-drbg.ts';
import { DRBG_HASHES, HASH_PARAMS } from './hash-params.ts';
import { HmacDrbg } from './hmac-drbg.ts';
import type { Drbg, DrbgHash } from './types.ts';

export type CavpMechanism = 'CTR_DRBG' | 'Hash_DRBG' | 'HMAC_DRBG';
export type CavpMode = 'no_reseed' | 'pr_false' | 'pr_true';

export interface CavpCase {
  /** 1-based line of the COUNT line. */
  line: number;
  option: string;
  /** 1-based ordinal of this case's group among the groups of the same option. */
  group: number;
  count: number;
  mode: CavpMode;
  params: Readonly<Record<string, string>>;
  entropyInput: Uint8Array;
  nonce: Uint8Array;
  personalization: Uint8Array;
  entropyInputReseed?: Uint8Array;
  additionalInputReseed?: Uint8Array;
  additionalInput: [Uint8Array, Uint8Array];
  entropyInputPr?: [Uint8Array, Uint8Array];
  returnedBits: Uint8Array;
  /** Bits each generate call requests (ReturnedBitsLen). */
  returnedBitsLen: number;
}

export interface CavpFile {
  name: string;
  mechanism: CavpMechanism;
  /** Options in file order, each once. */
  options: string[];
  cases: CavpCase[];
}

const FIELD_ORDER: Record<CavpMode, string[]> = {
  no_reseed: ['EntropyInput', 'Nonce', 'PersonalizationString', 'AdditionalInput', 'AdditionalInput', 'ReturnedBits'],
  pr_false: [
    'EntropyInput', 'Nonce', 'PersonalizationString', 'EntropyInputReseed', 'AdditionalInputReseed',
    'AdditionalInput', 'AdditionalInput', 'ReturnedBits',
  ],
  pr_true: [
    'EntropyInput', 'Nonce', 'PersonalizationString', 'AdditionalInput', 'EntropyInputPR', 'AdditionalInput',
    'EntropyInputPR', 'ReturnedBits',
  ],
};

const CTR_OPTION = /^(AES-(128|192|256)|3KeyTDEA) (use|no) df$/;

/** The CTR_DRBG / Hash_DRBG / HMAC_DRBG instance an option line names; null for skipped 3KeyTDEA. */
export function drbgForOption(mechanism: CavpMechanism, option: string): Drbg | null {
  if (mechanism === 'CTR_DRBG') {
    const m = CTR_OPTION.exec(option);
    if (m === null) throw new Error(`not a CTR_DRBG option: ${option}`);
    if (m[1] === '3KeyTDEA') return null;
    return new CtrDrbg({ keyBits: Number(m[2]) as 128 | 192 | 256, derivationFunction: m[3] === 'use' });
  }
  const hash = hashForOption(option);
  if (hash === undefined) throw new Error(`not a ${mechanism} option: ${option}`);
  return mechanism === 'Hash_DRBG' ? new HashDrbg({ hash }) : new HmacDrbg({ hash });
}

function hashForOption(option: string): DrbgHash | undefined {
  return DRBG_HASHES.find((h) => HASH_PARAMS[h].cavpName === option);
}

function validOption(mechanism: CavpMechanism, option: string): boolean {
  return mechanism === 'CTR_DRBG' ? CTR_OPTION.test(option) : hashForOption(option) !== undefined;
}

function expectedOptions(mechanism: CavpMechanism): string {
  return mechanism === 'CTR_DRBG'
    ? '[AES-128|AES-192|AES-256|3KeyTDEA use df|no df]'
    : DRBG_HASHES.map((h) => `[${HASH_PARAMS[h].cavpName}]`).join(', ');
}

/**
 * Parses a DRBGVS .rsp file. `name` is used in error messages and, when the
 * header comment does not say, to tell the mechanism (a file name containing
 * CTR_DRBG, Hash_DRBG or HMAC_DRBG); `mechanism` overrides both.
 * Throws InputError naming the line and what was expected.
 */
export function parseCavpDrbg(text: string, name: string, mechanism?: CavpMechanism): CavpFile {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let mech: CavpMechanism | undefined = mechanism;
  if (mech === undefined) {
    for (const l of lines) {
      const m = /^#\s*(CTR_DRBG|Hash_DRBG|HMAC_DRBG) options:/.exec(l);
      if (m !== null) {
        mech = m[1] as CavpMechanism;
        break;
      }
    }
  }
  if (mech === undefined) {
    const base = name.split(/[\\/]/).pop() ?? name;
    const m = /(CTR_DRBG|Hash_DRBG|HMAC_DRBG)/i.exec(base);
    if (m !== null) mech = (['CTR_DRBG', 'Hash_DRBG', 'HMAC_DRBG'] as const).find((x) => x.toLowerCase() === m[1]!.toLowerCase());
  }
  if (mech === undefined) {
    throw new InputError(
      `${name}: cannot tell the mechanism: expected a '# CTR_DRBG options:' (or Hash_DRBG / HMAC_DRBG) header comment or a file name containing one of those`,
    );
  }
  const mechName: CavpMechanism = mech;
  const fail = (lineNo: number, msg: string): never => {
    throw new InputError(`${name}:${lineNo}: ${msg}`);
  };

  const options: string[] = [];
  const groupsSeen = new Map<string, number>();
  const cases: CavpCase[] = [];
  let option: string | undefined;
  let group = 0;
  let params: Record<string, string> = {};
  let paramsOpen = false; // parameters may follow an option line until the first case
  let cur: { line: number; count: number; fields: Array<{ key: string; value: Uint8Array; line: number }> } | undefined;

  const finish = (endLine: number): void => {
    if (cur === undefined) return;
    const c = cur;
    cur = undefined;
    const keys = c.fields.map((f) => f.key);
    const mode: CavpMode = keys.includes('EntropyInputReseed') ? 'pr_false' : keys.includes('EntropyInputPR') ? 'pr_true' : 'no_reseed';
    const order = FIELD_ORDER[mode];
    for (let i = 0; i < order.length; i++) {
      const f = c.fields[i];
      if (f === undefined) {
        fail(endLine, `COUNT = ${c.count} (line ${c.line}) ends early: expected '${order[i]} = <hex>' (${mode} field order: ${order.join(', ')})`);
      } else if (f.key !== order[i]) {
        fail(f.line, `expected '${order[i]} = <hex>', found '${f.key}' (${mode} field order: ${order.join(', ')})`);
      }
    }
    if (c.fields.length > order.length) fail(c.fields[order.length]!.line, `unexpected field '${c.fields[order.length]!.key}' after ReturnedBits`);
    const pr = params['PredictionResistance'];
    if (pr !== undefined && (pr === 'True') !== (mode === 'pr_true')) {
      fail(c.line, `COUNT = ${c.count} has ${mode} fields but the group says [PredictionResistance = ${pr}]`);
    }
    const bitsLen = Number(params['ReturnedBitsLen']);
    if (!Number.isInteger(bitsLen) || bitsLen <= 0 || bitsLen % 8 !== 0) {
      fail(c.line, `group of COUNT = ${c.count} lacks a valid [ReturnedBitsLen = <multiple of 8>] parameter`);
    }
    const v = (i: number): Uint8Array => c.fields[i]!.value;
    // Lengths the group parameters promise (bits); a mismatch means a damaged file.
    const checkLen = (i: number, param: string): void => {
      const want = params[param];
      if (want === undefined) return;
      const f = c.fields[i]!;
      if (f.value.length * 8 !== Number(want)) fail(f.line, `${f.key} is ${f.value.length * 8} bits, expected ${want} ([${param} = ${want}])`);
    };
    checkLen(0, 'EntropyInputLen');
    checkLen(order.length - 1, 'ReturnedBitsLen');
    const base = { line: c.line, option: option!, group, count: c.count, mode, params: { ...params }, returnedBitsLen: bitsLen };
    if (mode === 'no_reseed') {
      cases.push({ ...base, entropyInput: v(0), nonce: v(1), personalization: v(2), additionalInput: [v(3), v(4)], returnedBits: v(5) });
    } else if (mode === 'pr_false') {
      cases.push({
        ...base, entropyInput: v(0), nonce: v(1), personalization: v(2), entropyInputReseed: v(3),
        additionalInputReseed: v(4), additionalInput: [v(5), v(6)], returnedBits: v(7),
      });
    } else {
      cases.push({
        ...base, entropyInput: v(0), nonce: v(1), personalization: v(2), additionalInput: [v(3), v(5)],
        entropyInputPr: [v(4), v(6)], returnedBits: v(7),
      });
    }
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const l = lines[i]!.trim();
    if (l === '') {
      finish(lineNo);
      continue;
    }
    if (l.startsWith('#')) continue;
    if (l.startsWith('[')) {
      finish(lineNo);
      if (!l.endsWith(']')) fail(lineNo, `expected a closing ']' in '${l}'`);
      const inner = l.slice(1, -1).trim();
      const eq = inner.indexOf('=');
      if (eq < 0) {
        if (!validOption(mechName, inner)) fail(lineNo, `unknown ${mechName} option [${inner}], expected one of ${expectedOptions(mechName)}`);
        option = inner;
        if (!options.includes(inner)) options.push(inner);
        group = (groupsSeen.get(inner) ?? 0) + 1;
        groupsSeen.set(inner, group);
        params = {};
        paramsOpen = true;
      } else {
        if (option === undefined || !paramsOpen) fail(lineNo, `group parameter '${l}' outside a group header: expected an option line such as [${mechName === 'CTR_DRBG' ? 'AES-256 use df' : 'SHA-256'}] first`);
        params[inner.slice(0, eq).trim()] = inner.slice(eq + 1).trim();
      }
      continue;
    }
    const eq = l.indexOf('=');
    if (eq < 0) fail(lineNo, `expected 'Name = value', a '[...]' line, a '#' comment or a blank line, found '${l.slice(0, 40)}'`);
    const key = l.slice(0, eq).trim();
    const value = l.slice(eq + 1).trim();
    if (key === 'COUNT') {
      finish(lineNo);
      if (option === undefined) fail(lineNo, `COUNT before any option line: expected e.g. [${mechName === 'CTR_DRBG' ? 'AES-256 use df' : 'SHA-256'}]`);
      if (!/^\d+$/.test(value)) fail(lineNo, `COUNT must be a non-negative integer, found '${value}'`);
      paramsOpen = false;
      cur = { line: lineNo, count: Number(value), fields: [] };
      continue;
    }
    if (cur === undefined) fail(lineNo, `field '${key}' outside a case: expected 'COUNT = <n>' first`);
    if (!/^([0-9a-fA-F]{2})*$/.test(value)) fail(lineNo, `${key}: expected an even number of hex digits, found '${value.slice(0, 40)}'`);
    cur!.fields.push({ key, value: Buffer.from(value, 'hex'), line: lineNo });
  }
  finish(lines.length);
  return { name, mechanism: mechName, options, cases };
}

export interface CavpCaseResult {
  case: CavpCase;
  /** 'skipped' for 3KeyTDEA. */
  status: 'passed' | 'failed' | 'skipped';
  /** Hex of the second generate's output, or the DrbgError message. */
  got?: string;
  error?: string;
}

/** Replays one case with the DRBGVS call sequence (README "What a case means"). */
export function runCavpCase(mechanism: CavpMechanism, c: CavpCase): CavpCaseResult {
  const drbg = drbgForOption(mechanism, c.option);
  if (drbg === null) return { case: c, status: 'skipped' };
  const n = c.returnedBitsLen / 8;
  try {
    drbg.instantiate(c.entropyInput, c.nonce, c.personalization);
    let out: Uint8Array;
    if (c.mode === 'pr_true') {
      const pr = c.entropyInputPr!;
      drbg.generate(n, { additionalInput: c.additionalInput[0], predictionResistance: true, entropyForPr: pr[0] });
      out = drbg.generate(n, { additionalInput: c.additionalInput[1], predictionResistance: true, entropyForPr: pr[1] });
    } else {
      if (c.mode === 'pr_false') drbg.reseed(c.entropyInputReseed!, c.additionalInputReseed);
      drbg.generate(n, { additionalInput: c.additionalInput[0] });
      out = drbg.generate(n, { additionalInput: c.additionalInput[1] });
    }
    drbg.uninstantiate();
    const got = Buffer.from(out).toString('hex');
    return { case: c, status: got === Buffer.from(c.returnedBits).toString('hex') ? 'passed' : 'failed', got };
  } catch (e) {
    return { case: c, status: 'failed', error: e instanceof Error ? e.message : String(e) };
  }
}

export interface CavpOptionSummary {
  option: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Failing cases (file line, group ordinal, COUNT, and what came out). */
  failures: Array<{ line: number; group: number; count: number; expected: string; got?: string; error?: string }>;
}

export interface CavpRunSummary {
  name: string;
  mechanism: CavpMechanism;
  options: CavpOptionSummary[];
  passed: number;
  failed: number;
  skipped: number;
}

/** Runs every case of a parsed file and counts the results per option. */
export function runCavpFile(file: CavpFile): CavpRunSummary {
  const by = new Map<string, CavpOptionSummary>();
  for (const o of file.options) by.set(o, { option: o, passed: 0, failed: 0, skipped: 0, failures: [] });
  for (const c of file.cases) {
    const r = runCavpCase(file.mechanism, c);
    const s = by.get(c.option)!;
    s[r.status]++;
    if (r.status === 'failed') {
      s.failures.push({
        line: c.line, group: c.group, count: c.count, expected: Buffer.from(c.returnedBits).toString('hex'),
        ...(r.got !== undefined ? { got: r.got } : {}), ...(r.error !== undefined ? { error: r.error } : {}),
      });
    }
  }
  const options = [...by.values()];
  const sum = (k: 'passed' | 'failed' | 'skipped'): number => options.reduce((a, o) => a + o[k], 0);
  return { name: file.name, mechanism: file.mechanism, options, passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') };
}
