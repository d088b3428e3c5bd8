// Docker's `label` filter on a label map: `key` (present) or `key=value` (equal), as moby's filters.Args.MatchKVList.

/** Every `want` filter matches and no `notWant` filter does. */
export function labelsMatch(
  labels: Readonly<Record<string, string>>,
  want: readonly string[],
  notWant: readonly string[] = [],
): boolean {
  const has = (f: string) => {
    const i = f.indexOf('=');
    return i === -1 ? f in labels : labels[f.slice(0, i)] === f.slice(i + 1);
  };
  return want.every(has) && !notWant.some(has);
}
