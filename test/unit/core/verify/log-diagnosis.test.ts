import { describe, expect, it } from 'vitest';
import { diagnoseLogs } from '../../../../src/core/verify/log-diagnosis';

const CLIENT = '/Library/Logs/1E.Client.log';
const DAEMON = '/Library/Logs/1E.Client.Daemon.log';
const ids = (fs: { id: string }[]) => fs.map((f) => f.id);

describe('diagnoseLogs', () => {
  it('recognises the documented private-key access failure and tells how to re-import with access for the client', () => {
    const fs = diagnoseLogs([
      {
        path: CLIENT,
        text: "2025-03-01 10:00:01 ERROR Cannot obtain the client certificate's private key: The user name or passphrase you entered is not correct.\n",
      },
    ]);
    expect(ids(fs)).toEqual(['log-private-key-access']);
    expect(fs[0]).toMatchObject({ status: 'fail' });
    expect(fs[0]!.fix).toContain("-T '/Library/Application Support/1E/Client/1E.Client'");
    expect(fs[0]!.detail).toContain('2025-03-01 10:00:01');
  });

  it('recognises a missing client certificate', () => {
    const fs = diagnoseLogs([
      { path: CLIENT, text: 'WARN No suitable client certificate found in the System keychain' },
    ]);
    expect(ids(fs)).toEqual(['log-certificate-not-found']);
  });

  it('recognises refused and timed-out connections as separate problems', () => {
    const fs = diagnoseLogs([
      {
        path: CLIENT,
        text: 'connect to tachyon.acme.local:4000 failed: Connection refused\nconnect to tachyon.acme.local:4000 failed: Operation timed out\n',
      },
    ]);
    expect(ids(fs)).toEqual(['log-connection-refused', 'log-connection-timeout']);
  });

  it('recognises a TLS rejection by the Switch and an untrusted Switch certificate', () => {
    const fs = diagnoseLogs([
      {
        path: CLIENT,
        text: 'SSL error: tlsv1 alert unknown ca\nSSL error: certificate verify failed (unable to get local issuer certificate)',
      },
    ]);
    expect(ids(fs)).toEqual(['log-switch-untrusted', 'log-tls-rejected']);
  });

  it('recognises a missing Rosetta in the daemon log', () => {
    const fs = diagnoseLogs([
      {
        path: DAEMON,
        text: 'posix_spawn("/Library/Application Support/1E/Client/1E.Client"): Bad CPU type in executable',
      },
    ]);
    expect(fs[0]).toMatchObject({
      id: 'log-rosetta',
      status: 'fail',
      fix: expect.stringContaining('--install-rosetta'),
    });
  });

  it('merges one failure seen in both logs into one finding that counts and names both files', () => {
    const fs = diagnoseLogs([
      { path: CLIENT, text: 'Connection refused\nConnection refused' },
      { path: DAEMON, text: 'Connection refused (last)' },
    ]);
    expect(fs).toHaveLength(1);
    expect(fs[0]!.detail).toContain('3 time(s)');
    expect(fs[0]!.detail).toContain(`${CLIENT} and ${DAEMON}`);
    expect(fs[0]!.detail).toContain('"Connection refused (last)"');
  });

  it('passes logs with no known failure', () => {
    const fs = diagnoseLogs([
      { path: CLIENT, text: 'INFO Connected to Switch tachyon.acme.local:4000\nINFO Heartbeat\n' },
    ]);
    expect(fs).toEqual([expect.objectContaining({ id: 'logs', status: 'pass' })]);
    expect(fs[0]!.detail).toContain('2 recent line(s)');
  });

  it('says which log could not be read instead of passing silently', () => {
    const fs = diagnoseLogs([{ path: CLIENT, unreadable: 'No such file or directory' }]);
    expect(fs).toEqual([
      expect.objectContaining({ id: 'logs-unreadable', status: 'info', title: `Could not read ${CLIENT}` }),
    ]);
  });

  it('shows log lines without control characters and cut to a readable length', () => {
    const fs = diagnoseLogs([{ path: CLIENT, text: 'Connection refused \u001b[31m' + 'x'.repeat(500) }]);
    expect(fs[0]!.detail).not.toContain('\u001b');
    expect(fs[0]!.detail.length).toBeLessThan(800);
  });
});
