import { describe, expect, it } from 'vitest';
import { usePlatform } from '../../setup/platform';
import { decodeAddress, listeningSockets, loopback } from './sockets';

describe('embedded platform listeners', () => {
  const platform = usePlatform();

  it('listens on loopback only, DynamoDB Local (which checks no credential) included', () => {
    const p = platform();
    const sockets = listeningSockets([process.pid, p.dynamodbPid]);
    const portOf = (url: string) => Number(new URL(url).port);

    // every public endpoint is among the sockets found, so the scan saw them all
    const ports = sockets.map((s) => s.port);
    for (const url of Object.values(p.endpoints)) expect(ports).toContain(portOf(url));
    const dynamo = sockets.filter((s) => s.pid === p.dynamodbPid);
    expect(dynamo.map((s) => s.port)).toEqual([portOf(p.endpoints.dynamodb)]);

    expect(sockets.filter((s) => !loopback(s.address))).toEqual([]);
  });

  it('decodes /proc/net addresses', () => {
    // 127.0.0.1 little-endian: 7F 00 00 01 read backwards → "0100007F"
    expect(decodeAddress('0100007F')).toBe('127.0.0.1');
    expect(decodeAddress('00000000')).toBe('0.0.0.0');
    // ::ffff:127.0.0.1 = 0000 0000 0000 0000 0000 ffff 7f00 0001, each 32-bit word little-endian
    expect(decodeAddress('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(decodeAddress('00000000000000000000000001000000')).toBe('::1');
    expect(decodeAddress('00000000000000000000000000000000')).toBe('::');
  });
});
