import { decodeRecord, encodeEvent } from './cloudevents';

describe('CloudEvents binary mode: extension attributes and an exact value', () => {
  const event = {
    type: 'payment.request',
    key: 'FLAT00001',
    id: 'GRID00001:FLAT00001:1',
    data: { owed: 30, command: 'payment-request' },
    // The bytes a signature was made over: key order as written, not as JSON.stringify of data would give.
    value: '{"command":"payment-request","owed":30}',
    extensions: { p2psig: 'c2lnbmF0dXJl' },
  };

  it('sends extensions as ce_<name> headers and the given value byte for byte; a reader gets them back', () => {
    const record = encodeEvent(event, 'p2p-grid');
    expect(record.value).toBe('{"command":"payment-request","owed":30}');
    expect(record.headers['ce_p2psig']).toBe('c2lnbmF0dXJl');
    const decoded = decodeRecord(record.key, record.value, record.headers);
    expect(decoded).toMatchObject({ ok: true, event: { extensions: { p2psig: 'c2lnbmF0dXJl' }, data: event.data } });
    const plain = encodeEvent({ type: event.type, key: event.key, data: event.data }, 'p2p-grid');
    expect(plain.value).toBe(JSON.stringify(event.data));
    expect(decodeRecord(plain.key, plain.value, plain.headers)).not.toHaveProperty('event.extensions');
  });

  it('refuses names CloudEvents does not allow or that shadow a core attribute', () => {
    for (const name of ['P2Psig', 'p2p_sig', 'id', 'specversion', 'x'.repeat(21)])
      expect(() => encodeEvent({ ...event, extensions: { [name]: 'v' } }, 'p2p-grid')).toThrow(
        `'${name}' cannot name a CloudEvents extension attribute.`,
      );
  });
});
