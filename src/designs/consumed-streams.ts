/**
 * Which source output stands behind each stream the SMM variable driver consumed in a run,
 * and its quality tap (src/taps/source-stream.ts, docs/model.md §7.5): the privileged source's
 * provider says what stands behind it (`SourceOrigin`: the host backend behind virtio-rng or
 * an SMM-only device, RDRAND, or the counter RngLib, whose output is SHA-256 over PM-timer
 * readings), and this turns that into streams.
 *
 * Called after the timed run (metrics final, variables verified): extending a stream draws
 * from the source objects, which changes their state.
 */
import { num } from '../params/get.ts';
import type { RdrandUnit } from '../devices/rdrand.ts';
import type { CounterRngLib } from '../firmware/counter-rnglib.ts';
import type { SourceOrigin } from '../firmware/privileged-source.ts';
import type { SmmVariableDriver } from '../firmware/smm-variable/index.ts';
import { QUALITY_STREAM_BYTES, type ConsumedStream, type SourceStream } from '../taps/source-stream.ts';
import type { ParamValues } from '../params/spec.ts';

export interface StreamSources {
  /** What stands behind the design's privileged source (its provider says, src/firmware/privileged-source.ts). */
  origin: SourceOrigin;
  rdrand: RdrandUnit;
  counter: CounterRngLib;
  driver: SmmVariableDriver;
  driverParams: ParamValues;
  counterParams: ParamValues;
  /** Virtual time the run ended (the after-run PM-timer reads start there). */
  endNs: number;
}

/** Quality tap name of the stream of `source` consumed by SMM. */
export function streamTapName(source: string): string {
  return `smm-variable/stream:${source}`;
}

/** The quality streams of every source SMM consumed (none when it obtained no byte), `bytes` long each. */
export function consumedStreams(s: StreamSources, bytes = QUALITY_STREAM_BYTES): ConsumedStream[] {
  const out: ConsumedStream[] = [];
  const smmHost = s.origin.kind === 'host' ? s.origin.host : null;
  for (const st of [smmHost?.output, s.rdrand.output, s.counter.mixedOutput, s.counter.rawOutput]) st?.endRun();
  const claim = num(s.driverParams, 'claimed-entropy');
  const prov = s.driver.provenance;
  // Writes keyed from epochs seeded by the named privileged source.
  const keyed = (name: string): number => prov.epochs.filter((e) => e.source === name).reduce((a, e) => a + e.writes, 0);
  const add = (stream: SourceStream, draw: (n: number) => Uint8Array, consumedInRun: number, claimed: number, keyedWrites: number): void => {
    const e = stream.extend(bytes, draw);
    out.push({
      name: streamTapName(stream.meta.source),
      consumer: 'smm-variable',
      source: stream.meta.source,
      kind: stream.meta.kind,
      bitsPerSample: stream.meta.bitsPerSample ?? 8,
      claimedEntropyPerSample: claimed,
      bytes: e.bytes,
      producedInRun: e.producedInRun,
      consumedInRun,
      drawnAfterRun: e.drawnAfterRun,
      keyedWrites,
    });
  };
  const counter = (consumedInRun: number, keyedWrites: number): void => {
    // SMM consumes the SHA-256 output; the PM-timer readings under it are the only entropy.
    const rawPerBlock = num(s.counterParams, 'raw-per-output');
    add(s.counter.mixedOutput, (n) => s.counter.drawMixedAfterRun(n, s.endNs), consumedInRun, claim, keyedWrites);
    add(s.counter.rawOutput, (n) => s.counter.drawRawAfterRun(n, s.endNs), Math.ceil(consumedInRun / 32) * rawPerBlock, num(s.counterParams, 'claimed-entropy'), keyedWrites);
  };
  const primaryName = s.driver.source.name;
  const primary = prov.sourceBytesObserved;
  if (primary > 0) {
    const o = s.origin;
    switch (o.kind) {
      case 'host':
        if (o.host !== null) add(o.host.output, (n) => o.host!.drawAfterRun(n), primary, claim, keyed(primaryName));
        break;
      case 'rdrand':
        add(o.unit.output, (n) => o.unit.drawAfterRun(n), primary, claim, keyed(primaryName));
        break;
      case 'counter':
        counter(primary, keyed(primaryName));
        break;
    }
  }
  // The declared fallback (the counter RngLib) seeds epochs when the primary source failed.
  const fallback = prov.epochs.filter((e) => e.source !== primaryName);
  if (fallback.length > 0) counter(fallback.reduce((a, e) => a + e.bytes, 0), fallback.reduce((a, e) => a + e.writes, 0));
  return out;
}
