// Completed-index sets as the Job API writes them: sorted, ranges collapsed ("1,3-5,7").

/** Parses "1,3-5" into sorted unique indexes below `limit` (malformed parts are skipped, as upstream). */
export function parseIndexes(s: string | undefined, limit = Number.MAX_SAFE_INTEGER): number[] {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    for (let i = a; i <= b && i < limit; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}

/** Formats indexes as "1,3-5" (input in any order, duplicates ignored). */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
