/**
 * "Did you mean" for a mistyped command or option: the known name closest to what was typed, by
 * edit distance (insertions, deletions, substitutions and swaps of neighbours each count 1), when
 * it is close enough to be a typo: at most 1 edit for names of up to 4 characters, 2 for longer.
 */
export function closestName(typed: string, known: Iterable<string>): string | undefined {
  const limit = typed.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of known) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The optimal-string-alignment distance between `a` and `b`, or `cap` when it is at least `cap`
 * (so a long typed word costs no more than the cap's band).
 */
export function editDistance(a: string, b: string, cap = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) >= cap) {
    return cap;
  }
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (beforePrevious[j - 2] as number) + 1);
      }
      current.push(value);
    }
    beforePrevious = previous;
    previous = current;
  }
  return Math.min(previous[b.length] as number, cap);
}
