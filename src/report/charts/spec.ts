/**
 * What every chart shares: the chart descriptor a builder returns, the rendered form, the
 * vega-lite configuration (fonts, label limits, legends below the plot), the common width and
 * the thinning of long series. One builder per chart lives beside this file; ./index.ts lists them.
 */

interface ChartBase {
  id: string;
  title: string;
  /** One sentence: what to look for. */
  caption: string;
}

/** One vega-lite chart, or small multiples: one panel per test or stream, each its own SVG so they reflow on a narrow screen. */
export type ChartSpec = ChartBase & ({ spec: Record<string, unknown>; panels?: undefined } | { spec?: undefined; panels: Array<{ title: string; spec: Record<string, unknown> }> });

export interface RenderedChart extends ChartBase {
  /** The chart's SVG, or one SVG per panel with its title. */
  svg?: string;
  panels?: Array<{ title: string; svg: string }>;
}

export const WIDTH = 640;
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelLimit: 320 },
  // Cell ids on band axes are long ('smm-device-shared-backend/misconfig-smm-device/seed=1'): show them whole.
  axisBand: { labelLimit: 600 },
  axisY: { labelLimit: 600 },
  // Legends below the plot, one entry per line: never clipped at the right edge, and the
  // chart keeps its width when the SVG is scaled down on a narrow screen.
  legend: { labelLimit: 600, orient: 'bottom', direction: 'vertical' },
};

export function vlSpec(s: Record<string, unknown>): Record<string, unknown> {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, ...s };
}

/** At most `max` points of a series, evenly thinned, first and last kept. */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]!);
  return out;
}
