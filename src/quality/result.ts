/**
 * What the quality layer concludes about one tapped stream: SP 800-22 on a conditioned tap,
 * SP 800-90B estimates and §4.4 health tests on a raw tap, and the verdict with its reasons.
 * The scenario result (src/scenario/result.ts) embeds one per tap.
 *
 * Declared once, as TypeBox schemas: the TypeScript types are their `Static<>`, and the report
 * document's schema (src/report/schema.ts, published as reports/report.schema.json) embeds the
 * same schemas, so the type and the validator cannot disagree.
 */
import { Type, type Static } from '@sinclair/typebox';

const Count = Type.Integer({ minimum: 0 });
const NonNeg = Type.Number({ minimum: 0 });
const PValue = Type.Number({ minimum: 0, maximum: 1 });
const Verdict3 = Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('insufficient-data')]);

/** SP 800-22 side of a conditioned tap. */
export const StsSummarySchema = Type.Object({
  /** Bits tested. */
  n: Count,
  alpha: PValue,
  /** One row per test that ran (multi-P-value tests report their smallest P-value, counts and the P-value histogram). */
  tests: Type.Array(
    Type.Object({
      test: Type.String(),
      status: Type.Union([Type.Literal('ok'), Type.Literal('not-applicable')]),
      /** Smallest P-value of the test (0 ≤ p ≤ 1); absent when not applicable. */
      minPValue: Type.Optional(PValue),
      pValues: Count,
      passed: Count,
      /**
       * Every P-value of the test counted in the ten §4.2.2 bins [0, 0.1), …, [0.9, 1]
       * (P = 1 in the last): the uniformity histogram, summable over taps. Absent when
       * not applicable (and in reports written before schema 1.1).
       */
      histogram: Type.Optional(Type.Array(Count, { minItems: 10, maxItems: 10 })),
      reason: Type.Optional(Type.String()),
    }),
  ),
  /** Tests applicable / tests that passed every P-value at alpha. */
  applicable: Count,
  passed: Count,
  verdict: Verdict3,
});
export type StsSummary = Static<typeof StsSummarySchema>;

/** SP 800-90B side of a raw tap. */
export const EntropySummarySchema = Type.Object({
  /** Samples assessed (a bounded prefix of the tap). */
  samples: Count,
  bitsPerSample: NonNeg,
  /** Final min-entropy estimate per sample (minimum over estimators), bits. */
  minEntropyPerSample: NonNeg,
  /** Each estimator's min-entropy per sample. */
  estimators: Type.Array(Type.Object({ name: Type.String(), minEntropyPerSample: NonNeg })),
  /** Assessed as a conditioned sequential dataset (SP 800-90B §3.1.5.2: bitstring track only). */
  conditioned: Type.Optional(Type.Boolean()),
});
export type EntropySummary = Static<typeof EntropySummarySchema>;

/** SP 800-90B §4.4 continuous health tests run over a raw tap at the claimed entropy. */
export const HealthSummarySchema = Type.Object({
  /** Entropy per sample the cutoffs assume (the claim, else the estimate, else bitsPerSample). */
  entropyPerSample: NonNeg,
  rct: Type.Object({ cutoff: NonNeg, alarms: Count, firstAlarmAtSample: Type.Optional(Count) }),
  apt: Type.Object({ window: Count, cutoff: NonNeg, alarms: Count, firstAlarmAtSample: Type.Optional(Count) }),
});
export type HealthSummary = Static<typeof HealthSummarySchema>;

/**
 * Present on the quality tap of a stream SMM consumed (docs/model.md §7.5): the source's
 * output bytes 0 … bytes − 1, of which `producedInRun` were produced during the run (SMM
 * obtained `consumedInRun` of them) and `drawnAfterRun` drawn from the same source after it.
 */
export const ConsumedStreamInfoSchema = Type.Object({
  /** SHA-256 of the assessed bytes (cells with the same value shared one assessment). */
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  producedInRun: Count,
  consumedInRun: Count,
  drawnAfterRun: Count,
  /** SMM writes keyed from epochs this source seeded. */
  keyedWrites: Count,
});
export type ConsumedStreamInfo = Static<typeof ConsumedStreamInfoSchema>;

export const QualityResultSchema = Type.Object({
  tap: Type.String(),
  kind: Type.Union([Type.Literal('raw'), Type.Literal('conditioned')]),
  consumer: Type.Optional(Type.String()),
  source: Type.Optional(Type.String()),
  /** Bytes the tap recorded (may be capped) and bytes that flowed in total. */
  bytes: Count,
  totalBytes: Type.Optional(Count),
  sts: Type.Optional(StsSummarySchema),
  entropy: Type.Optional(EntropySummarySchema),
  health: Type.Optional(HealthSummarySchema),
  claimedEntropyPerSample: Type.Optional(NonNeg),
  verdict: Verdict3,
  reasons: Type.Array(Type.String()),
  /** The quality tap of a stream SMM consumed (ConsumedStreamInfoSchema). */
  stream: Type.Optional(ConsumedStreamInfoSchema),
});
export type QualityResult = Static<typeof QualityResultSchema>;
