// Specification: editing 1E.Client.conf keeps everything the technician did not ask to change.
import { describe, expect, it } from 'vitest';
import { confGet, confValues, mergeConf, parseConf, serialiseConf } from '../../../../src/core/macos/conf';

const SAMPLE =
  '# 1E Client configuration\nSwitch=old.acme.local:4000\n\n  loggingLevel = Info\nCustomSetting=keep me\n; another comment\nLogPath=/Library/Logs/1E.Client.log\n';

describe('1E.Client.conf', () => {
  it('reads Name=value settings and ignores comments', () => {
    expect(confValues(parseConf(SAMPLE))).toEqual({
      Switch: 'old.acme.local:4000',
      loggingLevel: 'Info',
      CustomSetting: 'keep me',
      LogPath: '/Library/Logs/1E.Client.log',
    });
  });

  it('finds names whatever their case', () => {
    expect(confGet(parseConf(SAMPLE), 'LOGGINGLEVEL')).toBe('Info');
  });

  it('writes the file back byte for byte when nothing changes', () => {
    expect(serialiseConf(parseConf(SAMPLE))).toBe(SAMPLE);
  });

  it('changes a value in place, keeping the spelling and spacing of its name', () => {
    const { doc, changes } = mergeConf(parseConf(SAMPLE), { LoggingLevel: 'debug' });
    expect(serialiseConf(doc)).toBe(SAMPLE.replace('loggingLevel = Info', 'loggingLevel = debug'));
    expect(changes).toEqual([{ key: 'LoggingLevel', before: 'Info', after: 'debug' }]);
  });

  it('appends a new setting at the end and keeps unknown keys, comments and order', () => {
    const out = serialiseConf(mergeConf(parseConf(SAMPLE), { BackgroundChannelUrl: 'https://t/Background/' }).doc);
    expect(out).toBe(SAMPLE + 'BackgroundChannelUrl=https://t/Background/\n');
  });

  it('reports no change when the value is already set', () => {
    expect(mergeConf(parseConf(SAMPLE), { Switch: 'old.acme.local:4000' }).changes).toEqual([]);
  });

  it('keeps Windows line endings and adds a missing final newline', () => {
    expect(serialiseConf(mergeConf(parseConf('A=1\r\nB=2'), { B: '3' }).doc)).toBe('A=1\r\nB=3\r\n');
  });

  it('sets every occurrence of a repeated name, so the client reads the new value whichever it uses', () => {
    expect(serialiseConf(mergeConf(parseConf('Switch=a:1\nSwitch=b:2\n'), { Switch: 'c:3' }).doc)).toBe(
      'Switch=c:3\nSwitch=c:3\n',
    );
  });

  it('refuses a value with a line break, which would smuggle in another setting', () => {
    expect(() => mergeConf(parseConf(''), { Switch: 'a:1\nAuthenticationPolicy=none' })).toThrow(
      expect.objectContaining({ code: 'invalid-setting' }),
    );
  });
});
