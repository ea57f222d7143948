// Specification: the wizard's progress lines per check while verify's checks run at once: all running, then each done or failed in order.
import { describe, expect, it } from 'vitest';
import { stageProgress } from '../../../../../src/main/ipc/steps/verify';
import { finding } from '../../../../../src/core/verify/findings';
import type { ProgressUpdate } from '../../../../../src/shared/contract';

describe('stageProgress', () => {
  it('shows every check running at once, then closes each when its findings are all in, with its counts', () => {
    const lines: ProgressUpdate[] = [];
    const p = stageProgress((e) => lines.push(e));
    for (const id of ['switch', 'crl']) p.onProgress({ id, status: 'running' });
    expect(lines.map((l) => `${l.id} ${l.status}`)).toEqual(['switch running', 'crl running']);
    const tls = finding('switch-tls', 'pass', 'TLS', '');
    const auth = finding('switch-client-auth', 'fail', 'refused', '');
    p.onProgress({ id: tls.id, status: 'done', check: 'switch', finding: tls });
    p.onProgress({ id: auth.id, status: 'done', check: 'switch', finding: auth });
    p.onProgress({ id: 'switch', status: 'checked' });
    const crl = finding('crl-1', 'pass', 'not revoked', '');
    p.onProgress({ id: crl.id, status: 'done', check: 'crl', finding: crl });
    p.onProgress({ id: 'crl', status: 'checked' });
    p.finish();
    expect(lines.slice(2)).toEqual([
      { id: 'switch', status: 'failed', label: expect.stringContaining('Switch'), detail: '1 passed, 1 failed' },
      { id: 'crl', status: 'done', label: expect.stringContaining('CRL'), detail: '1 passed' },
    ]);
  });

  it('closes what is still open when the run finishes', () => {
    const lines: ProgressUpdate[] = [];
    const p = stageProgress((e) => lines.push(e));
    p.onProgress({ id: 'mac', status: 'running' });
    p.finish();
    expect(lines.map((l) => `${l.id} ${l.status}`)).toEqual(['mac running', 'mac done']);
  });
});
