// Specification: gatherFacts asks the Mac every fact with read-only commands and puts the answers together.
import { describe, expect, it } from 'vitest';
import { expectedHostName, gatherFacts } from '../../../../../src/core/macos/facts';
import { SimulatedMac } from '../../../../../src/core/macos/executors/simulated';

describe('the host name 1E expects', () => {
  it('is <LocalHostName>.local on a Mac outside a domain', () => {
    expect(expectedHostName({ localHostName: 'MAC01', hostName: null, hostname: 'MAC01.local', domain: null })).toBe(
      'MAC01.local',
    );
  });

  it('is the FQDN on a domain-joined Mac', () => {
    expect(
      expectedHostName({
        localHostName: 'MAC01',
        hostName: null,
        hostname: 'MAC01.local',
        domain: { forest: 'acme.local', domain: 'acme.local', computerAccount: 'mac01$' },
      }),
    ).toBe('mac01.acme.local');
    expect(
      expectedHostName({
        localHostName: 'MAC01',
        hostName: 'MAC01.acme.local',
        hostname: 'MAC01.acme.local',
        domain: { forest: null, domain: 'acme.local', computerAccount: 'mac01$' },
      }),
    ).toBe('MAC01.acme.local');
  });
});

describe('gatherFacts', () => {
  it('describes a fresh Apple Silicon Mac', async () => {
    const facts = await gatherFacts(new SimulatedMac({ macosVersion: '13.6.1', localHostName: 'LAB-MAC' }));
    expect(facts).toMatchObject({
      known: true,
      macos: { version: '13.6.1' },
      arch: 'arm64',
      translated: false,
      rosettaWorks: false,
      localHostName: 'LAB-MAC',
      hostName: null,
      expectedHostName: 'LAB-MAC.local',
      domain: null,
      admin: true,
      client: null,
      daemon: null,
      conf: null,
      certificates: [],
      identities: [],
      allIdentities: [],
      trustSettings: [],
    });
  });

  it('finds an installed, running client and its configuration', async () => {
    const facts = await gatherFacts(
      new SimulatedMac({ arch: 'x86_64', client: { version: '5.1.0.1', conf: 'Switch=t:4000\n', running: true } }),
    );
    expect(facts.rosettaWorks).toBe(true);
    expect(facts.client?.version).toBe('5.1.0.1');
    expect(facts.daemon?.running).toBe(true);
    expect(facts.conf).toMatchObject({
      path: '/Library/Application Support/1E/Client/1E.Client.conf',
      values: { Switch: 't:4000' },
    });
  });

  it('finds the configuration under /etc when the client keeps it there', async () => {
    const facts = await gatherFacts(
      new SimulatedMac({
        client: { version: '5.0.0.1', conf: 'Switch=e:4000\n', confPath: '/etc/1E/Client/1E.Client.conf' },
      }),
    );
    expect(facts.conf?.path).toBe('/etc/1E/Client/1E.Client.conf');
  });

  it('notices a user who is not an administrator and a domain binding', async () => {
    const facts = await gatherFacts(new SimulatedMac({ admin: false, domain: { domain: 'acme.local' } }));
    expect(facts.admin).toBe(false);
    expect(facts.expectedHostName).toBe('mac01.acme.local');
  });
});
