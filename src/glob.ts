/**
 * Name globs, as scenario files (expectation `cells`, quality rule `tap`) and
 * gate configs (`match`) write them: one matcher for all three, picomatch with
 * bash semantics, anchored at both ends.
 *
 * `*` matches any run of characters INCLUDING '/' (cell ids and tap names are
 * slash-separated paths such as 'smm-device/virtio-drain/seed=1', and
 * 'smm-variable/*' must cover every tap below it), and names starting with '.'
 * are not special. `?`, `[…]` and `{a,b}` have their usual glob meaning.
 *
 * @example
 * globMatch('smm-device/*', 'smm-device/virtio-drain/seed=1') // true
 * globMatch('*.p99', 'setvariable.p99')                       // true
 */
import picomatch from 'picomatch';

const OPTIONS: picomatch.PicomatchOptions = { bash: true, dot: true };
const compiled = new Map<string, (text: string) => boolean>();

/** A matcher for `glob`, compiled once per distinct glob. */
export function globMatcher(glob: string): (text: string) => boolean {
  let m = compiled.get(glob);
  if (m === undefined) compiled.set(glob, (m = picomatch(glob, OPTIONS)));
  return m;
}

export function globMatch(glob: string, text: string): boolean {
  return globMatcher(glob)(text);
}
