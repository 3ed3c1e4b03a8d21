// Small helpers shared by the benchmarks' reports.
import os from 'node:os';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One line describing the machine and its load, printed at the top of every run. */
export function machineLine() {
  const cpus = os.cpus();
  const load = os.loadavg().map((value) => value.toFixed(2)).join(' ');
  return `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.release()}, load average ${load}`;
}

/** Prints rows (arrays of cells) as an aligned table under a header row. */
export function printTable(header, rows) {
  const widths = header.map((cell, column) => Math.max(String(cell).length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells) => cells.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) {
    console.log(line(row));
  }
}

/** `PASS` or `MISS by ...` for a measured value against a target bound. */
export function verdict(value, bound, { higherIsBetter }) {
  const met = higherIsBetter ? value >= bound : value <= bound;
  if (met) {
    return 'PASS';
  }
  const off = higherIsBetter ? (1 - value / bound) * 100 : (value / bound - 1) * 100;
  return `MISS by ${off.toFixed(1)}%`;
}
