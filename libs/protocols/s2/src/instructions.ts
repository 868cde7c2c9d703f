import { INSTRUCTION_TYPES, REVOCABLE_OBJECTS } from './catalog';
import { quote } from './finding';
import {
  type InstructionStatus,
  type InstructionStatusUpdateMessage,
  read,
  type RevokeObjectMessage,
  type S2Message,
} from './messages';
import type { SemanticProblem } from './families';

/*
 * The two registries that survive control-type switches (RULES.md §6): instructions by `id`, and every
 * revocable object by (type, id). Revoking removes nothing: a revoked object stays known.
 */

/** An instruction as the state shows it (§8). */
export interface InstructionView {
  seq: number;
  messageType: string;
  /** The latest `status_type` of an InstructionStatusUpdate, or null. */
  status: InstructionStatus | null;
  statusSeq: number | null;
  revokedAtSeq?: number;
}

const CLOSED_STATUSES: ReadonlySet<string> = new Set<InstructionStatus>([
  'REJECTED',
  'REVOKED',
  'SUCCEEDED',
  'ABORTED',
]);

export class InstructionRegistry {
  private readonly byId = new Map<string, InstructionView>();
  /** `<type> <id>` of every applied revocable object; a space never occurs in a type. */
  private readonly objects = new Set<string>();

  /** Registers an applied family message that is an instruction and/or a revocable object. */
  register(type: string, message: S2Message, seq: number): void {
    const idMember = REVOCABLE_OBJECTS.get(type);
    if (idMember !== undefined) this.objects.add(`${type} ${String(message[idMember])}`);
    // A re-used instruction id replaces the entry: new type and seq, no status, not revoked (§6).
    if (INSTRUCTION_TYPES.has(type))
      this.byId.set(String(message['id']), { seq, messageType: type, status: null, statusSeq: null });
  }

  updateStatus(message: S2Message, seq: number): SemanticProblem | undefined {
    const update = read<InstructionStatusUpdateMessage>(message);
    const instruction = this.byId.get(update.instruction_id);
    if (!instruction) {
      return {
        rule: 'S2-SEM-REF',
        detail: `instruction_id ${quote(update.instruction_id)} is not a known instruction`,
        path: '/instruction_id',
      };
    }
    instruction.status = update.status_type;
    instruction.statusSeq = seq;
    return undefined;
  }

  revoke(message: S2Message, seq: number): SemanticProblem | undefined {
    const { object_type, object_id } = read<RevokeObjectMessage>(message);
    if (!this.objects.has(`${object_type} ${object_id}`)) {
      return {
        rule: 'S2-SEM-REF',
        detail: `object_id ${quote(object_id)} is not a known ${object_type}`,
        path: '/object_id',
      };
    }
    const instruction = this.byId.get(object_id);
    if (instruction?.messageType === object_type) instruction.revokedAtSeq = seq;
    return undefined;
  }

  view(): { instructions: Record<string, InstructionView>; openInstructions: string[] } {
    const instructions = Object.fromEntries([...this.byId].map(([id, view]) => [id, { ...view }]));
    const openInstructions = [...this.byId]
      .filter(([, view]) => view.status === null || !CLOSED_STATUSES.has(view.status))
      .map(([id]) => id);
    return { instructions, openInstructions };
  }
}
