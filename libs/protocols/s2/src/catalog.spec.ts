import { familyOf, FAMILY_OF_CONTROL_TYPE, isUsableId, MESSAGE_TYPES, maySend, REVOCABLE_OBJECTS } from './catalog';
import { typeSchemas } from './schemas';

const enumOf = (title: string) =>
  (typeSchemas.find((schema) => (schema as { title?: string }).title === title) as { enum: string[] }).enum;

describe('message catalog (§2.3, §2.4)', () => {
  it('lets the RM send 26 types and the CEM 13, four of them both', () => {
    const rm = MESSAGE_TYPES.filter((type) => maySend('RM', type));
    const cem = MESSAGE_TYPES.filter((type) => maySend('CEM', type));
    expect(MESSAGE_TYPES).toHaveLength(35);
    expect(rm).toHaveLength(26);
    expect(cem).toHaveLength(13);
    expect(rm.filter((type) => cem.includes(type)).sort()).toEqual([
      'Handshake',
      'ReceptionStatus',
      'RevokeObject',
      'SessionRequest',
    ]);
  });

  it('names the family of control-type messages and of the controllable types', () => {
    expect(familyOf('FRBC.Instruction')).toBe('FRBC');
    expect(familyOf('PowerMeasurement')).toBeNull();
    expect(Object.keys(FAMILY_OF_CONTROL_TYPE).sort()).toEqual([...enumOf('ControlType')].sort());
    expect(FAMILY_OF_CONTROL_TYPE.DEMAND_DRIVEN_BASED_CONTROL).toBe('DDBC');
    expect(FAMILY_OF_CONTROL_TYPE.NOT_CONTROLABLE).toBeNull();
  });

  it('knows every RevokableObjects value', () => {
    expect([...REVOCABLE_OBJECTS.keys()].sort()).toEqual([...enumOf('RevokableObjects')].sort());
  });

  it('treats a message_id as usable when it matches the unanchored ID pattern (§2.5)', () => {
    expect(isUsableId('!! ab!!')).toBe(true);
    expect(isUsableId('x'.repeat(200))).toBe(true);
    expect(isUsableId('a!b')).toBe(false);
    expect(isUsableId(12)).toBe(false);
  });
});
