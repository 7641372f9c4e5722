/** An SVG bar chart of conc's advantage over each peer (log scale, 1× marked). */
import { advantage, type Row } from "./measure.ts";

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function chartSvg(rows: Row[], title: string): string {
  const bars: { label: string; value: number | null }[] = [];
  for (const r of rows)
    for (const [peer, v] of Object.entries(r.peers))
      bars.push({ label: `${r.workload} — vs ${peer}`, value: advantage(r, v) });
  const rowH = 22;
  const left = 560;
  const width = 980;
  const plotW = width - left - 70;
  const height = 60 + bars.length * rowH;
  const maxLog = Math.log10(Math.max(2, ...bars.map((b) => b.value ?? 1)));
  const minLog = Math.log10(Math.min(0.5, ...bars.map((b) => b.value ?? 1)));
  const x = (v: number) => left + ((Math.log10(v) - minLog) / (maxLog - minLog)) * plotW;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${x(1)}" y1="30" x2="${x(1)}" y2="${height - 10}" stroke="#888" stroke-dasharray="4"/>`,
    `<text x="${x(1) + 3}" y="42" fill="#555">1× (parity)</text>`,
  ];
  bars.forEach((b, i) => {
    const y = 50 + i * rowH;
    parts.push(`<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(b.label.slice(0, 90))}</text>`);
    if (b.value === null) {
      parts.push(`<text x="${left + 4}" y="${y + 14}" fill="#999">skipped</text>`);
      return;
    }
    const x0 = x(Math.min(1, b.value));
    const x1 = x(Math.max(1, b.value));
    const color = b.value >= 1 ? "#2a9d8f" : "#e76f51";
    parts.push(
      `<rect x="${x0}" y="${y + 3}" width="${Math.max(1, x1 - x0)}" height="${rowH - 8}" fill="${color}"/>`,
    );
    parts.push(`<text x="${x1 + 4}" y="${y + 14}">${b.value.toFixed(2)}×</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
