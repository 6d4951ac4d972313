/**
 * The HTTPS-boot TLS client's entropy consumption (docs/model.md §3.5–3.6, §0 rows 17–20).
 *
 * - Network stack gating (row 20): HttpBootDxe/TcpDxe/DHCP need EFI_RNG_PROTOCOL
 *   (DxeNetLib depex, PcdEnforceSecureRngAlgorithms): ISNs, xids, IAIDs come from
 *   PseudoRandom() = GetRNG (`netlib-bytes` per connection, CTR-256 preferred, RAW accepted).
 * - OpenSSL seeding (§3.5): TlsInitialize → RandomSeed(NULL) → rand_pool pulls
 *   `seed-bytes` (32 entropy + 16 nonce + 16 additional) from the RngLib and credits 8 bits per
 *   byte whatever the RngLib is; the DRBG reseeds after `reseed-requests` generate calls.
 * - Which RngLib (`rnglib`): OVMF X64 links the PM-timer RngLib (row 17) — seeding is
 *   silently degraded even when a protocol exists; `protocol` = DxeRngLib (ArmVirtQemu, row 18).
 * - Without any EFI_RNG_PROTOCOL: `policy` deny (row 20: drivers not dispatched) or degrade
 *   (seed from the PM-timer RngLib anyway, emitting its actual low-entropy bytes).
 * Counts: done = handshakes completed; degraded = completed with timer-seeded OpenSSL;
 * denied = refused.
 */
import type { AccessContext } from '../devices/access.ts';
import { num, str } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';
import type { MetricsCollector } from '../metrics/collector.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import type { TapRegistry } from '../taps/tap.ts';
import type { CounterRngLib } from './counter-rnglib.ts';
import type { EfiRngProtocol } from './rng-protocol.ts';

export const TLS_PARAMS: ParamTable = [
  {
    name: 'policy',
    type: 'string',
    enum: ['deny', 'degrade'],
    default: 'deny',
    description: "Without EFI_RNG_PROTOCOL: 'deny' (no network stack) or 'degrade' (PM-timer seeding).",
    source: 'docs/model.md §0 row 20 (DxeNetLib depex on EFI_RNG_PROTOCOL), §3.6',
  },
  {
    name: 'rnglib',
    type: 'string',
    enum: ['timer', 'protocol'],
    default: 'timer',
    description: "RngLib OpenSSL is seeded from: 'timer' (OVMF X64) or 'protocol' (DxeRngLib).",
    source: 'docs/model.md §0 row 17 (OvmfPkgX64.dsc BaseRngLibTimerLib), row 18 (ArmVirtQemu DxeRngLib)',
  },
  { name: 'handshakes', type: 'integer', default: 1, min: 0, description: 'HTTPS-boot handshakes (connections) during the https-boot phase.', source: 'our choice: one boot image fetch' },
  { name: 'seed-bytes', type: 'integer', unit: 'bytes', default: 64, min: 0, description: 'RngLib bytes per OpenSSL (re)seed: 32 entropy + 16 nonce + 16 additional.', source: 'docs/model.md §3.5 (rand_pool.c)' },
  { name: 'netlib-bytes', type: 'integer', unit: 'bytes', default: 16, min: 0, description: 'EFI_RNG_PROTOCOL bytes DxeNetLib takes per connection (ISN, xid, IAID).', source: 'estimate: docs/model.md §3.6 (PseudoRandom callers), no byte count given' },
  { name: 'requests-per-handshake', type: 'integer', default: 4, min: 0, description: 'OpenSSL DRBG generate calls per handshake (client random, key share, ...).', source: 'estimate' },
  { name: 'reseed-requests', type: 'integer', default: 256, min: 1, description: 'Generate calls between OpenSSL primary DRBG reseeds.', source: 'docs/model.md §0 row 19 (256 requests / 1 h)' },
  { name: 'handshake-ns', type: 'number', unit: 'ns', default: 5e6, min: 0, description: 'Network and crypto time of one handshake.', source: 'estimate: LAN round trips + ECDHE' },
];

export class TlsClient {
  /** OpenSSL DRBG seeded (and from what). */
  seeded: 'none' | 'timer' | 'protocol' = 'none';
  private requestsSinceSeed = 0;

  constructor(
    private readonly sim: Sim,
    readonly params: ParamValues,
    private readonly protocol: () => EfiRngProtocol | undefined,
    private readonly timerRngLib: CounterRngLib,
    private readonly vcpus: Vcpus,
    private readonly metrics: MetricsCollector,
    private readonly taps: TapRegistry,
  ) {}

  /** rand_pool acquire: seed-bytes from the RngLib; returns 'timer' | 'protocol' | null (failed). */
  private *seed(ctx: AccessContext, proto: EfiRngProtocol | undefined): Proc<'timer' | 'protocol' | null> {
    const n = num(this.params, 'seed-bytes');
    if (str(this.params, 'rnglib') === 'protocol' && proto !== undefined) {
      const r = yield* proto.getRng(ctx, n, proto.algorithms[0]);
      if (r.status !== 'success') return null;
      this.taps.record('tls/openssl-seed', { consumer: ctx.actor, source: proto.name, kind: 'conditioned', claimedEntropyPerSample: 8 }, r.bytes, this.sim.now);
      return 'protocol';
    }
    // Timer RngLib: the actual low-entropy bytes, credited 8 bits each (§3.5).
    const b = yield* this.timerRngLib.rawBytes(ctx, n);
    this.taps.record('tls/openssl-seed', { consumer: ctx.actor, source: 'pm-timer', kind: 'raw', claimedEntropyPerSample: 8 }, b, this.sim.now);
    return 'timer';
  }

  /** One HTTPS connection + TLS handshake. Returns its outcome. */
  *handshake(ctx: AccessContext): Proc<'done' | 'degraded' | 'denied'> {
    const proto = this.protocol();
    const haveProto = proto !== undefined && proto.available();
    if (!haveProto) {
      if (str(this.params, 'policy') === 'deny') {
        this.metrics.count('tls.denied');
        return 'denied';
      }
    } else {
      // DxeNetLib PseudoRandom: secure algorithms first (CTR-256), RAW accepted.
      const nb = num(this.params, 'netlib-bytes');
      if (nb > 0) {
        const r = yield* proto.getRng(ctx, nb, proto.algorithms[0]);
        if (r.status !== 'success') {
          this.metrics.count('tls.denied');
          return 'denied';
        }
      }
    }
    const perHandshake = num(this.params, 'requests-per-handshake');
    if (this.seeded === 'none' || this.requestsSinceSeed + perHandshake > num(this.params, 'reseed-requests')) {
      const s = yield* this.seed(ctx, haveProto ? proto : undefined);
      if (s === null) {
        this.metrics.count('tls.denied');
        return 'denied';
      }
      this.seeded = s;
      this.requestsSinceSeed = 0;
    }
    this.requestsSinceSeed += perHandshake;
    yield* this.vcpus.execute(ctx, num(this.params, 'handshake-ns'));
    this.metrics.count('tls.done');
    if (this.seeded === 'timer') {
      this.metrics.count('tls.degraded');
      return 'degraded';
    }
    return 'done';
  }

  /** The https-boot phase: `handshakes` connections in a row (stops at the first denial). */
  *httpsBoot(ctx: AccessContext): Proc<void> {
    const n = num(this.params, 'handshakes');
    for (let i = 0; i < n; i++) {
      const r = yield* this.handshake(ctx);
      if (r === 'denied') {
        // the remaining attempts are denied the same way
        this.metrics.count('tls.denied', n - i - 1);
        return;
      }
    }
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const TLS_COMPONENT: ComponentDef = {
  name: 'tls',
  description: 'the HTTPS-boot TLS client seeding from EFI_RNG_PROTOCOL',
  params: TLS_PARAMS,
  metrics: ['tls.done', 'tls.denied', 'tls.degraded'],
  produces: ['tls-seed'],
  consumes: ['efi-rng-protocol', 'counter-rnglib'],
};
