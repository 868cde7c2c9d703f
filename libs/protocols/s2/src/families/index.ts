import { type ControlType, FAMILY_OF_CONTROL_TYPE } from '../catalog';
import type { ControlFamily } from './control-family';
import { DDBC, FRBC, OMBC, OperationModeFamily } from './operation-modes';
import { PowerEnvelopeFamily } from './power-envelopes';
import { PowerProfileFamily } from './power-profiles';

export type { AppliedMessage, ControlFamily, IdentifiedMessage, SemanticProblem } from './control-family';

/** Fresh, empty registries for a newly activated control type; null for a type that controls nothing. */
export function createFamily(controlType: ControlType): ControlFamily | null {
  switch (FAMILY_OF_CONTROL_TYPE[controlType]) {
    case 'FRBC':
      return new OperationModeFamily(FRBC);
    case 'OMBC':
      return new OperationModeFamily(OMBC);
    case 'DDBC':
      return new OperationModeFamily(DDBC);
    case 'PPBC':
      return new PowerProfileFamily();
    case 'PEBC':
      return new PowerEnvelopeFamily();
    case null:
      return null;
  }
}
