/**
 * Loads NIST's shipped SP 800-90B samples and what ea_non_iid 1.1.7 reported
 * for them (test/fixtures/sp800-90b: expected/<name>.json and the -vv
 * intermediates in expected/<name>.non_iid.vv.txt).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { prepareSamples, toBitstring } from '../../../src/entropy/samples.ts';
import { SP800_90B_DIR, sp80090bSamples } from '../../helpers/fixtures.ts';

export const DATA_DIR = SP800_90B_DIR;

export interface ReferenceSample {
  name: string;
  bits: number;
  k: number;
  data: Uint8Array;
  json: {
    bits_per_symbol: number;
    samples: number;
    distinct_symbols: number;
    non_iid: {
      estimators: Record<string, { original?: number; bitstring?: number }>;
      H_original: number | null;
      H_bitstring: number | null;
      min_entropy: number;
      warnings: string[];
    };
  };
  /** "<Literal|Bitstring>|<estimator label>|<key>" -> printed value. */
  vv: Map<string, string>;
}

/** Every sample with a reference result (expected/<name>.json; data.pi.bin is rebuilt, not stored). */
export const SAMPLE_NAMES: string[] = readdirSync(`${DATA_DIR}expected/`)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

const cache = new Map<string, ReferenceSample>();

export function loadSample(name: string): ReferenceSample {
  const hit = cache.get(name);
  if (hit) return hit;
  const json = JSON.parse(readFileSync(`${DATA_DIR}expected/${name}.json`, 'utf8')) as ReferenceSample['json'];
  const data = sp80090bSamples(name);
  const vv = new Map<string, string>();
  for (const line of readFileSync(`${DATA_DIR}expected/${name}.non_iid.vv.txt`, 'utf8').split('\n')) {
    const m = /^(Literal|Bitstring) (.+?) Estimate: (.+?) = (.+)$/.exec(line);
    if (m) vv.set(`${m[1]}|${m[2]}|${m[3]}`, m[4]!);
    else {
      const c = /^(Literal|Bitstring) (.+?) Prediction Estimate: P_local can't change the result\.$/.exec(line);
      if (c) vv.set(`${c[1]}|${c[2]} Prediction|P_local`, 'none');
    }
  }
  const s: ReferenceSample = { name, bits: json.bits_per_symbol, k: json.distinct_symbols, data, json, vv };
  cache.set(name, s);
  return s;
}

/** The symbol sequence a track of the reference saw: renumbered symbols, or the bitstring. */
export function trackSymbols(s: ReferenceSample, track: 'Literal' | 'Bitstring'): { symbols: Uint8Array; k: number } {
  const p = prepareSamples(s.data, s.bits);
  if (track === 'Literal') return { symbols: p.symbols, k: p.k };
  return { symbols: s.bits === 1 ? p.symbols : toBitstring(p.masked, s.bits), k: 2 };
}

/** The tracks the reference ran for this sample. */
export function tracksOf(s: ReferenceSample): Array<'Literal' | 'Bitstring'> {
  return s.k > 2 ? ['Bitstring', 'Literal'] : ['Literal'];
}

/** A printed reference value as a number (throws when the reference did not print it). */
export function vvNumber(s: ReferenceSample, key: string): number {
  const v = s.vv.get(key);
  if (v === undefined) throw new Error(`${s.name}: no '${key}' in the reference output`);
  return Number(v);
}

/** |actual - expected| <= tol, relative for large values. */
export function close(actual: number | null | undefined, expected: number, tol = 1e-6): boolean {
  if (actual === null || actual === undefined || !Number.isFinite(actual)) return false;
  return Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
}

/**
 * Compares result fields with the reference's printed intermediates:
 * `fields` maps a result field to the -vv key after "<label> Estimate: ".
 * Returns the list of mismatches (empty when everything agrees to `tol`).
 */
export function mismatches(
  s: ReferenceSample,
  track: 'Literal' | 'Bitstring',
  label: string,
  result: Record<string, unknown>,
  fields: Record<string, string>,
  tol = 1e-6,
): string[] {
  const bad: string[] = [];
  for (const [field, key] of Object.entries(fields)) {
    const raw = s.vv.get(`${track}|${label}|${key}`);
    if (raw === undefined) throw new Error(`${s.name}: no '${track} ${label} Estimate: ${key}' in the reference output`);
    const actual = result[field];
    if (raw === 'none') {
      if (actual !== null) bad.push(`${s.name} ${track} ${field}: got ${String(actual)}, reference skipped it`);
      continue;
    }
    if (!close(actual as number, Number(raw), tol)) bad.push(`${s.name} ${track} ${field}: got ${String(actual)}, want ${raw}`);
  }
  return bad;
}

/**
 * `mismatches` of an estimator against the reference output, over the named samples and
 * every track each was assessed on (the loop every estimator's reference test runs).
 */
export function trackMismatches(
  names: readonly string[],
  label: string,
  estimate: (symbols: Uint8Array, k: number) => Record<string, unknown>,
  fields: Record<string, string>,
): string[] {
  const bad: string[] = [];
  for (const name of names) {
    const s = loadSample(name);
    for (const track of tracksOf(s)) {
      const { symbols, k } = trackSymbols(s, track);
      bad.push(...mismatches(s, track, label, estimate(symbols, k), fields));
    }
  }
  return bad;
}

/** The four predictors print the same fields. */
export const PREDICTOR_FIELDS: Record<string, string> = {
  C: 'C',
  N: 'N',
  r: 'r',
  pGlobal: 'P_global',
  pGlobalPrime: "P_global'",
  pLocal: 'P_local',
  hMin: 'min entropy',
};

/** Small and medium samples: enough to cover every code path quickly. */
export const QUICK_SAMPLES = ['rand1_short', 'rand4_short', 'rand8_short', 'data.pi', 'biased-random-bits'];
