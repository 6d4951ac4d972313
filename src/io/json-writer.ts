/**
 * A JSON document written piece by piece: the same text as
 * `JSON.stringify(document, replacer, 2)`, but one top-level field, or one
 * element of a top-level array, at a time, so that a command with thousands of
 * results (`sts --streams 1000 --json`) never holds the whole document, or its
 * text, in memory.
 *
 * Why identical text: the output of `--json` must not depend on how it was
 * produced. `JSON.stringify(x, r, 2)` of a value nested at depth d is the
 * stand-alone stringification of that value with 2·d more spaces before every
 * line but the first, which is what this writer emits.
 */

type Replacer = (key: string, value: unknown) => unknown;

/** Indents every line but the first by `spaces`. */
function nest(text: string, spaces: number): string {
  return text.replaceAll('\n', `\n${' '.repeat(spaces)}`);
}

export class JsonObjectWriter {
  private fields = 0;
  private items = -1; // -1: not inside an array
  private closed = false;

  constructor(
    private readonly out: (s: string) => void,
    private readonly replacer?: Replacer,
  ) {}

  private text(value: unknown): string | undefined {
    return JSON.stringify(value, this.replacer, 2);
  }

  private key(name: string): void {
    if (this.closed) throw new Error('JsonObjectWriter: the document is already closed');
    if (this.items >= 0) throw new Error(`JsonObjectWriter: field '${name}' written inside an open array`);
    this.out(`${this.fields === 0 ? '{\n' : ',\n'}  ${JSON.stringify(name)}: `);
    this.fields++;
  }

  /** One top-level field (skipped, as JSON.stringify does, when the value stringifies to nothing). */
  field(name: string, value: unknown): void {
    const t = this.text(value);
    if (t === undefined) return;
    this.key(name);
    this.out(nest(t, 2));
  }

  /** Opens a top-level array field; its elements follow with item(). */
  beginArray(name: string): void {
    this.key(name);
    this.items = 0;
  }

  /** One element of the open array (null when it stringifies to nothing, as JSON.stringify does). */
  item(value: unknown): void {
    if (this.items < 0) throw new Error('JsonObjectWriter: item() outside an array');
    this.out(`${this.items === 0 ? '[\n' : ',\n'}    ${nest(this.text(value) ?? 'null', 4)}`);
    this.items++;
  }

  /** Closes the open array. */
  endArray(): void {
    if (this.items < 0) throw new Error('JsonObjectWriter: endArray() outside an array');
    this.out(this.items === 0 ? '[]' : '\n  ]');
    this.items = -1;
  }

  /** Closes the document and ends the line. */
  end(): void {
    if (this.items >= 0) this.endArray();
    this.out(this.fields === 0 ? '{}\n' : '\n}\n');
    this.closed = true;
  }
}
