import { describe, expect, it } from 'vitest';
import { blockedReason, BlockedAddressError, resolveTarget } from './webhook-address.ts';

describe('webhook target addresses', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['10.0.0.5', 'a private network'],
    ['172.31.255.1', 'a private network'],
    ['192.168.1.1', 'a private network'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'a private network'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local (cloud metadata)'],
    ['64:ff9b::10.1.2.3', 'a private network'],
    ['100.64.0.1', 'a shared (carrier-grade NAT) network'],
    ['224.0.0.1', 'multicast'],
  ])('refuses %s (%s)', (ip, reason) => {
    expect(blockedReason(ip)).toBe(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (ip) => {
    expect(blockedReason(ip)).toBeNull();
  });

  it('refuses a name when any of its addresses is private, and allows it when private targets are on', async () => {
    const lookup = async () => [
      { address: '93.184.216.34', family: 4 as const },
      { address: '10.0.0.5', family: 4 as const },
    ];
    await expect(resolveTarget('mixed.example', lookup, false)).rejects.toThrow(BlockedAddressError);
    await expect(resolveTarget('mixed.example', lookup, true)).resolves.toHaveLength(2);
  });

  it('judges IP literals without DNS', async () => {
    const lookup = async () => {
      throw new Error('no DNS for literals');
    };
    await expect(resolveTarget('[::1]', lookup, false)).rejects.toThrow(/loopback/);
    await expect(resolveTarget('8.8.8.8', lookup, false)).resolves.toEqual([{ address: '8.8.8.8', family: 4 }]);
  });
});
