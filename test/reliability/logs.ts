/** Lines of process output that are not one JSON object each (the runner logs JSON only, also under faults). */
export function nonJsonLines(lines: string[]): string[] {
  return lines.filter((line) => {
    if (!line.trim()) return false;
    try {
      const v = JSON.parse(line);
      return typeof v !== 'object' || v === null || Array.isArray(v);
    } catch {
      return true;
    }
  });
}
