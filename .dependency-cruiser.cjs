// Layer rules of src/ and bench/, checked by dependency-cruiser (`npm run deps`) and by
// test/architecture.test.ts. docs/architecture.md explains each layer; the test checks that its
// table lists exactly these layers in this order.
//
// LAYERS runs from the bottom up. A module may import its own folder and any folder of a LOWER
// layer; folders in the same layer are independent of each other. Cycles are forbidden anywhere.
// '(root)' is the single files directly in src/ (errors.ts, glob.ts, entry-points.ts).
const LAYERS = [
  ['(root)'],
  ['special', 'kernels', 'io', 'params', 'workers'],
  ['bits', 'drbg'],
  ['sts', 'entropy'],
  ['sim'],
  ['metrics', 'taps'],
  ['quality'],
  ['devices'],
  ['firmware', 'os'],
  ['designs'],
  ['workloads'],
  ['qemu'],
  ['scenario'],
  ['report'],
  ['bench'],
  ['cli'],
];

/** The path pattern (dependency-cruiser matches it against paths relative to the repo root) of one folder. */
function folderPath(folder) {
  if (folder === '(root)') return '^src/[^/]+$';
  if (folder === 'bench') return '^bench/';
  return `^src/${folder}/`;
}

const upwardRules = LAYERS.flatMap((layer, rank) =>
  layer.flatMap((folder) => {
    const forbidden = LAYERS.slice(rank)
      .flat()
      .filter((other) => other !== folder);
    // The top layer may import everything below it: no rule (an empty pattern would match all).
    if (forbidden.length === 0) return [];
    return {
      name: `layer-${folder}`,
      comment: `${folder} may import only its own folder and the layers below it (docs/architecture.md)`,
      severity: 'error',
      from: { path: folderPath(folder) },
      to: { path: forbidden.map(folderPath).join('|') },
    };
  }),
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle ties every module on it together: none of them can be understood, tested or moved alone',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upwardRules,
  ],
  options: {
    // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with; swc parses the
    // sources. Type-only imports count: a type import ties two layers together as much as any.
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|bench)/',
  },
};

// The layer list for test/architecture.test.ts, which checks docs/architecture.md against it.
// Not enumerable: dependency-cruiser rejects configuration keys it does not know.
Object.defineProperty(module.exports, 'LAYERS', { value: LAYERS, enumerable: false });
