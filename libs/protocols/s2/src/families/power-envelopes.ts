import type { MessageType } from '../catalog';
import { quote } from '../finding';
import { type IdentifiedObject, type PebcInstructionMessage, read, type S2Message } from '../messages';
import {
  byId,
  type ControlFamily,
  type FamilyView,
  type IdentifiedMessage,
  type SemanticProblem,
} from './control-family';

/*
 * PEBC (RULES.md §6): PowerConstraints and EnergyConstraint ids are two separate sets, and an instruction's
 * `power_constraints_id` must be a PowerConstraints id, as its schema description says (ours: an
 * EnergyConstraint id does not count).
 */
export class PowerEnvelopeFamily implements ControlFamily {
  readonly family = 'PEBC';
  private readonly powerConstraints = new Map<string, IdentifiedMessage>();
  private readonly energyConstraints = new Map<string, IdentifiedMessage>();

  apply(type: MessageType, message: S2Message, seq: number): SemanticProblem | undefined {
    if (type === 'PEBC.PowerConstraints') {
      this.powerConstraints.set(read<IdentifiedObject>(message).id, { seq, message });
      return undefined;
    }
    if (type === 'PEBC.EnergyConstraint') {
      this.energyConstraints.set(read<IdentifiedObject>(message).id, { seq, message });
      return undefined;
    }
    const id = read<PebcInstructionMessage>(message).power_constraints_id;
    if (this.powerConstraints.has(id)) return undefined;
    const energy = this.energyConstraints.has(id) ? ', only a PEBC.EnergyConstraint has that id' : '';
    return {
      rule: 'S2-SEM-REF',
      detail: `power_constraints_id ${quote(id)} is not a known PEBC.PowerConstraints${energy}`,
      path: '/power_constraints_id',
    };
  }

  view(): FamilyView {
    return {
      systemDescription: null,
      powerProfiles: {},
      powerConstraints: byId(this.powerConstraints),
      energyConstraints: byId(this.energyConstraints),
      statuses: {},
    };
  }
}
