/** Small helpers shared by every benchmark: medians, formatting, a plain-text table. */

export function median(values) {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** 12345.6 -> "12,346" */
export function formatCount(value) {
  return Math.round(value).toLocaleString("en-US");
}

export function formatRatio(value) {
  return `${value.toFixed(2)}x`;
}

/** Prints rows as an aligned table (first column left-aligned, the rest right-aligned). */
export function printTable(headers, rows, write = console.log) {
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  write(line(cells[0]));
  write(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of cells.slice(1)) write(line(row));
}

/** The p-th percentile (nearest rank) of an ascending array. */
export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
