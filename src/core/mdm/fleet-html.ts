// The fleet view as one self-contained HTML page: worst Macs first, sortable, each Mac's fixes, certificate expiry soonest first.
import { createHash } from 'node:crypto';
import type { FleetMac, FleetView, Verdict } from './fleet';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const LABEL: Record<Verdict, string> = { fail: '✗ FAIL', warn: '! WARN', pass: '✓ PASS' };
const RANK: Record<Verdict, number> = { fail: 0, warn: 1, pass: 2 };
const DAY = 86_400_000;

/** "2025-03-01 10:00 UTC": minutes are enough to tell reports apart, and UTC reads the same everywhere. */
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

function daysLeft(iso: string, now: Date): number {
  return Math.floor((Date.parse(iso) - now.getTime()) / DAY);
}

function expiryText(iso: string | null, now: Date): string {
  if (!iso) return '—';
  const d = daysLeft(iso, now);
  return `${iso.slice(0, 10)} (${d < 0 ? `expired ${-d} day${d === -1 ? '' : 's'} ago` : `in ${d} day${d === 1 ? '' : 's'}`})`;
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Helvetica Neue", Helvetica, Arial, sans-serif; color: #1f2328; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.sub { color: #57606a; margin: 0 0 1rem; }
.banner { border: 2px solid; border-radius: 6px; padding: .75rem 1rem; font-weight: 600; font-size: 1.05rem; }
.banner.ok { border-color: #1a7f37; background: #dafbe1; }
.banner.bad { border-color: #cf222e; background: #ffebe9; }
.banner.meh { border-color: #9a6700; background: #fff8c5; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid #d8dee4; overflow-wrap: anywhere; }
th { font-weight: 600; background: #f6f8fa; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th button::after { content: " ↕"; color: #8c959f; }
th[aria-sort="ascending"] button::after { content: " ↑"; color: inherit; }
th[aria-sort="descending"] button::after { content: " ↓"; color: inherit; }
.badge { display: inline-block; min-width: 4.6rem; text-align: center; border: 1px solid; border-radius: 4px; padding: 0 .35rem; font-weight: 700; font-size: .85rem; white-space: nowrap; }
.pass .badge { color: #1a7f37; background: #dafbe1; border-color: #1a7f37; }
.warn .badge { color: #7d4e00; background: #fff8c5; border-color: #9a6700; }
.fail .badge { color: #a40e26; background: #ffebe9; border-color: #cf222e; }
.sim { display: inline-block; margin-left: .4rem; border: 1px dashed #8250df; color: #6639ba; border-radius: 4px; padding: 0 .3rem; font-size: .75rem; font-weight: 700; }
tr.fail td { background: #fff5f5; }
td.expired { color: #a40e26; font-weight: 600; }
code, .id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .8rem; }
ul.problems { margin: .25rem 0 .75rem; padding-left: 1.2rem; }
ul.problems li { margin: .35rem 0; }
.fix { margin-top: .15rem; }
.detail { color: #3d444d; }
footer { margin-top: 2rem; color: #57606a; font-size: .8rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  th button::after { content: ""; }
  tr, .banner, section.mac { break-inside: avoid; }
  thead { display: table-header-group; }
}
`;

// Sorting needs a script; it is inline and allowed by its hash alone (see the page's Content-Security-Policy).
// Without it the table is still worst first.
const SCRIPT = `
document.querySelectorAll('table.sortable').forEach(function (table) {
  var heads = table.querySelectorAll('th[data-type]');
  heads.forEach(function (th, col) {
    th.querySelector('button').addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = th.getAttribute('data-type') === 'number';
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-sort'), y = b.cells[col].getAttribute('data-sort');
        var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

function sortHead(label: string, type: 'number' | 'text', sorted?: 'ascending'): string {
  return `<th scope="col" data-type="${type}"${sorted ? ` aria-sort="${sorted}"` : ''}><button type="button">${esc(label)}</button></th>`;
}

function macRow(m: FleetMac, rank: number, now: Date): string {
  const expiry = m.certificateExpiry;
  const expired = expiry !== null && daysLeft(expiry, now) < 0;
  return [
    `<tr class="${m.verdict}">`,
    `<td data-sort="${esc(m.host.toLowerCase())}">${esc(m.host)}${m.simulated ? '<span class="sim">SIMULATED</span>' : ''}</td>`,
    `<td data-sort="${RANK[m.verdict]}.${String(rank).padStart(6, '0')}"><span class="badge">${LABEL[m.verdict]}</span></td>`,
    `<td data-sort="${esc(m.failing.join(' '))}" class="id">${esc([...m.failing, ...m.warnings.map((w) => `${w} (warn)`)].join(', ')) || '—'}</td>`,
    `<td data-sort="${esc(expiry ?? '9999')}"${expired ? ' class="expired"' : ''}>${esc(expiryText(expiry, now))}</td>`,
    `<td data-sort="${esc(m.clientVersion ?? '')}">${esc(m.clientVersion ?? '—')}</td>`,
    `<td data-sort="${esc(m.reportTime)}">${esc(when(m.reportTime))}</td>`,
    `<td data-sort="${esc(m.onboardVersion ?? '')}">${esc(m.onboardVersion ?? '—')}</td>`,
    '</tr>',
  ].join('');
}

function fixes(m: FleetMac): string {
  const items = m.problems
    .map(
      (f) =>
        `<li class="${f.status}"><span class="badge">${f.status === 'fail' ? '✗ FAIL' : '! WARN'}</span> <strong>${esc(f.title)}</strong> <span class="id">${esc(f.id)}</span><div class="detail">${esc(f.detail)}</div>${f.fix ? `<div class="fix"><strong>Fix:</strong> ${esc(f.fix)}</div>` : ''}</li>`,
    )
    .join('\n');
  return `<section class="mac"><h3>${esc(m.host)}${m.simulated ? '<span class="sim">SIMULATED</span>' : ''}</h3><ul class="problems">${items}</ul></section>`;
}

/** The page: inline CSS, one inline script allowed by its hash, nothing loaded from anywhere. */
export function renderFleetHtml(view: FleetView, now = new Date()): string {
  const c = view.counts;
  const total = view.macs.length;
  const bannerClass = c.fail ? 'bad' : c.warn ? 'meh' : 'ok';
  const banner = `<div class="banner ${bannerClass}" role="status">${total} Mac${total === 1 ? '' : 's'}: ${c.fail} failing, ${c.warn} with warnings, ${c.pass} passing${view.simulated ? ` (${view.simulated} SIMULATED)` : ''}${view.unreadable.length ? `; ${view.unreadable.length} file${view.unreadable.length === 1 ? '' : 's'} could not be read` : ''}.</div>`;
  const notes = view.notes.length ? `<ul>${view.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  const table = `<table class="sortable"><thead><tr>${[
    sortHead('Mac', 'text'),
    sortHead('Verdict', 'number', 'ascending'),
    sortHead('Failing checks', 'text'),
    sortHead('Certificate expires', 'text'),
    sortHead('1E Client', 'text'),
    sortHead('Report made', 'text'),
    sortHead('Onboard', 'text'),
  ].join('')}</tr></thead><tbody>\n${view.macs.map((m, i) => macRow(m, i, now)).join('\n')}\n</tbody></table>`;
  const byExpiry = view.macs
    .filter((m) => m.certificateExpiry)
    .sort((a, b) => a.certificateExpiry!.localeCompare(b.certificateExpiry!));
  const expiry = byExpiry.length
    ? `<table><thead><tr><th scope="col">Mac</th><th scope="col">Certificate expires</th><th scope="col">Certificate</th></tr></thead><tbody>${byExpiry
        .map(
          (m) =>
            `<tr class="${m.verdict}"><td>${esc(m.host)}</td><td${daysLeft(m.certificateExpiry!, now) < 0 ? ' class="expired"' : ''}>${esc(expiryText(m.certificateExpiry, now))}</td><td>${esc(m.certificateSubject ?? '')}</td></tr>`,
        )
        .join('\n')}</tbody></table>`
    : '<p>No report carries a client certificate.</p>';
  const withProblems = view.macs.filter((m) => m.problems.length > 0);
  const skipped =
    view.superseded.length || view.unreadable.length
      ? `<h2>Files not used</h2>${
          view.unreadable.length
            ? `<h3>Could not be read</h3><ul>${view.unreadable.map((u) => `<li><code>${esc(u.file)}</code>: ${esc(u.reason)}</li>`).join('')}</ul>`
            : ''
        }${
          view.superseded.length
            ? `<h3>Replaced by a newer report of the same Mac</h3><ul>${view.superseded.map((s) => `<li><code>${esc(s.file)}</code> (${esc(s.host)}, ${esc(when(s.reportTime))}), replaced by <code>${esc(s.newer)}</code></li>`).join('')}</ul>`
            : ''
        }`
      : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>1E fleet report: ${total} Mac${total === 1 ? '' : 's'}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>1E fleet report</h1>
<p class="sub">${total} Mac${total === 1 ? '' : 's'} · made ${esc(when(now.toISOString()))} by onboard fleet report from each Mac's onboard verify report</p>
${banner}
${notes}
<h2>Macs, worst first</h2>
${table}
<h2>What to fix, Mac by Mac</h2>
${withProblems.length ? withProblems.map(fixes).join('\n') : '<p>Nothing: every Mac passed every check.</p>'}
<h2>Client certificates, soonest expiry first</h2>
${expiry}
${skipped}
</main>
<footer>✓ PASS every check passed; ! WARN works, read the notes; ✗ FAIL must be fixed. SIMULATED: the report was made against Onboard's simulated Mac and proves nothing about a real one. Check ids are documented in docs/cli-verify.md.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
