// Number formatting for tables: short, honest, never "NaN" without a word.
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s >= 1) return `${s.toFixed(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(3)} ms`;
  if (s >= 1e-6) return `${(s * 1e6).toFixed(2)} µs`;
  return `${(s * 1e9).toFixed(0)} ns`;
}

export function fmtNumber(x: number, digits = 3): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(digits - 1);
  return x.toPrecision(digits);
}

export function fmtSqnr(db: number): string {
  if (db === Infinity) return '∞ (exact)';
  return `${fmtNumber(db, 4)} dB`;
}
