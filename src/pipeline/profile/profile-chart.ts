/**
 * A profiled run as a picture: a self-contained HTML page with one SVG Gantt chart (a row per lane,
 * the calling thread and each worker; a bar per step of each batch, coloured by step, transport in
 * grey; hover a bar for its step, batch and duration) and the summary table under it.
 * @module
 */
import { formatProfileTable, type ProfileInfo } from './profile-info.js';

const laneHeight = 26;
const left = 170;
const width = 1100;
const top = 30;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A stable colour per step name (transport is grey). */
function colourOf(name: string): string {
  if (name === 'transport') return '#b0b0b0';
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return `hsl(${hash % 360}, 62%, 52%)`;
}

/** The chart of `info` as an SVG element. */
export function profileSvg(info: ProfileInfo): string {
  const span = Math.max(info.runMs, ...info.events.map((event) => event.start + event.ms - info.started), 1e-3);
  const scale = (width - left - 20) / span;
  const lanes = info.lanes.length > 0 ? info.lanes : ['caller'];
  const names = [...new Set(info.events.map((event) => event.name))];
  const legendTop = top + lanes.length * laneHeight + 34;
  const height = legendTop + Math.ceil(names.length / 4) * 20 + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="${left}" y="18">${escapeXml(`${info.batches} batches, ${info.items} items in ${info.runMs.toFixed(1)} ms`)}</text>`,
  ];
  lanes.forEach((lane, row) => {
    const y = top + row * laneHeight;
    parts.push(
      `<text x="4" y="${y + 17}">${escapeXml(lane)}</text>`,
      `<line x1="${left}" x2="${width - 20}" y1="${y + laneHeight}" y2="${y + laneHeight}" stroke="#eee"/>`,
    );
  });
  for (const event of info.events) {
    const row = Math.max(0, lanes.indexOf(event.lane));
    const x = left + (event.start - info.started) * scale;
    const barWidth = Math.max(0.5, event.ms * scale);
    const label = `${event.name}, batch ${event.batch}${event.stage > 0 ? ` (stage ${event.stage})` : ''}: ${event.ms.toFixed(2)} ms`;
    parts.push(
      `<rect x="${x.toFixed(2)}" y="${top + row * laneHeight + 3}" width="${barWidth.toFixed(2)}" height="${laneHeight - 6}" fill="${colourOf(event.name)}"><title>${escapeXml(label)}</title></rect>`,
    );
  }
  const axisY = top + lanes.length * laneHeight + 14;
  for (let tick = 0; tick <= 4; tick++) {
    const x = left + ((width - left - 20) * tick) / 4;
    parts.push(`<text x="${x.toFixed(1)}" y="${axisY}" text-anchor="middle">${((span * tick) / 4).toFixed(1)} ms</text>`);
  }
  names.forEach((name, k) => {
    const x = left + (k % 4) * 220;
    const y = legendTop + Math.floor(k / 4) * 20;
    parts.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${colourOf(name)}"/>`, `<text x="${x + 18}" y="${y}">${escapeXml(name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** A self-contained HTML page: the chart and the table of `info`. */
export function profileHtml(info: ProfileInfo, title = 'batchflow-ts run profile'): string {
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeXml(title)}</title></head><body>`,
    `<h1 style="font-family:sans-serif;font-size:18px">${escapeXml(title)}</h1>`,
    profileSvg(info),
    `<pre>${escapeXml(formatProfileTable(info))}</pre>`,
    '</body></html>',
    '',
  ].join('\n');
}
