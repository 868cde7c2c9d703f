import type { MessageType } from '../catalog';
import { quote } from '../finding';
import {
  type PowerProfileDefinitionMessage,
  type PowerProfileInstructionMessage,
  type PowerProfileStatusMessage,
  read,
  type S2Message,
} from '../messages';
import {
  type AppliedMessage,
  BadReferences,
  byId,
  type ControlFamily,
  type FamilyView,
  type IdentifiedMessage,
  type SemanticProblem,
} from './control-family';

/*
 * PPBC (RULES.md §6): every PowerProfileDefinition adds (or, under a re-sent id, replaces) a profile of
 * sequence containers and their power sequences. Statuses and instructions must name them. PPBC has no
 * precondition rule: before any definition every reference is simply unknown.
 */

/** One reference chain to check, profile → container → sequence, found at `at` in the message. */
interface SequenceReference {
  at: string;
  profile: string;
  container: string;
  sequenceMember: 'selected_sequence_id' | 'power_sequence_id';
  sequence: string | undefined;
}

export class PowerProfileFamily implements ControlFamily {
  readonly family = 'PPBC';
  /** Profile id → container id → power sequence ids. */
  private readonly profiles = new Map<string, Map<string, ReadonlySet<string>>>();
  private readonly definitions = new Map<string, IdentifiedMessage>();
  private readonly statuses = new Map<string, AppliedMessage>();

  apply(type: MessageType, message: S2Message, seq: number): SemanticProblem | undefined {
    if (type === 'PPBC.PowerProfileDefinition') {
      const definition = read<PowerProfileDefinitionMessage>(message);
      const containers = new Map(
        definition.power_sequences_containers.map((container) => [
          container.id,
          new Set(container.power_sequences.map((sequence) => sequence.id)),
        ]),
      );
      this.profiles.set(definition.id, containers);
      this.definitions.set(definition.id, { seq, message });
      return undefined;
    }
    const bad = new BadReferences();
    if (type === 'PPBC.PowerProfileStatus') {
      read<PowerProfileStatusMessage>(message).sequence_container_status.forEach((entry, i) => {
        this.statuses.set(`container:${entry.power_profile_id}/${entry.sequence_container_id}`, {
          seq,
          messageType: type,
          message,
        });
        this.check(bad, {
          at: `/sequence_container_status/${i}`,
          profile: entry.power_profile_id,
          container: entry.sequence_container_id,
          sequenceMember: 'selected_sequence_id',
          sequence: entry.selected_sequence_id,
        });
      });
    } else {
      const instruction = read<PowerProfileInstructionMessage>(message);
      this.check(bad, {
        at: '',
        profile: instruction.power_profile_id,
        container: instruction.sequence_container_id,
        sequenceMember: 'power_sequence_id',
        sequence: instruction.power_sequence_id,
      });
    }
    return bad.problem();
  }

  view(): FamilyView {
    return {
      systemDescription: null,
      powerProfiles: byId(this.definitions),
      powerConstraints: {},
      energyConstraints: {},
      statuses: byId(this.statuses),
    };
  }

  /** A container is only checked in a known profile, and a sequence only in a known container. */
  private check(bad: BadReferences, { at, profile, container, sequenceMember, sequence }: SequenceReference): void {
    const containers = this.profiles.get(profile);
    if (!containers) {
      bad.add(
        `${at}/power_profile_id`,
        `power_profile_id ${quote(profile)} is not a known PPBC.PowerProfileDefinition`,
      );
      return;
    }
    const sequences = containers.get(container);
    if (!sequences) {
      bad.add(
        `${at}/sequence_container_id`,
        `sequence_container_id ${quote(container)} is not a container of profile ${quote(profile)}`,
      );
      return;
    }
    if (sequence !== undefined && !sequences.has(sequence)) {
      bad.add(
        `${at}/${sequenceMember}`,
        `${sequenceMember} ${quote(sequence)} is not a power sequence of container ${quote(container)}`,
      );
    }
  }
}
