/**
 * The SP 800-90B sample files and what NIST's ea_iid 1.1.7 printed for them with -vv
 * (test/fixtures/sp800-90b/expected/<name>.iid.vv.txt, values with 17+ significant digits).
 */
import { readFileSync } from 'node:fs';
import { SP800_90B_DIR, sp80090bSamples } from '../../helpers/fixtures.ts';

export const DATA_DIR = SP800_90B_DIR;

/** Samples with a complete ea_iid -vv transcript, and their declared width. */
export const IID_SAMPLES = {
  rand1_short: 1,
  rand4_short: 4,
  rand8_short: 8,
  'biased-random-bits': 1,
  'biased-random-bytes': 8,
  normal: 8,
  truerand_1bit: 1,
  truerand_4bit: 4,
  truerand_8bit: 8,
} as const;
export type IidSample = keyof typeof IID_SAMPLES;
export const IID_SAMPLE_NAMES = Object.keys(IID_SAMPLES) as IidSample[];

export function loadSamples(name: string): Uint8Array {
  return sp80090bSamples(name);
}

/** Lines "label = value" / "label: value" of the transcript. */
export function transcript(name: string): string {
  return readFileSync(`${DATA_DIR}expected/${name}.iid.vv.txt`, 'utf8');
}

/** The number printed after `label` followed by " = " (or ": "). */
export function printed(text: string, label: string): number {
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = text.match(new RegExp(`^${esc}\\s*[=:]\\s*(\\S+)\\s*$`, 'm'));
  if (!m) throw new Error(`transcript has no "${label}"`);
  return Number(m[1]);
}

/** "Passed"/"Failed" after `label`. */
export function verdict(text: string, label: string): boolean {
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = text.match(new RegExp(`^${esc}: (Passed|Failed)$`, 'm'));
  if (!m) throw new Error(`transcript has no verdict "${label}"`);
  return m[1] === 'Passed';
}

/** |a − b| ≤ tol·max(1, |b|). */
export function close(a: number, b: number, tol = 1e-6): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}
