/** Every state the page shows, as a badge with a tone and an explanation on hover. */
import { StatusBadge, type Tone } from '@flexgrid/ui';
import type { Delivery, EventStatus, EventVen, QueueItem, Ven } from './api';

export function VenStateBadge({ ven }: { ven: Ven }) {
  if (ven.removed)
    return (
      <StatusBadge tone="neutral" title="removed by the operator">
        removed
      </StatusBadge>
    );
  if (ven.registration === 'none')
    return (
      <StatusBadge tone="neutral" title="provisioned, but the VEN has not registered yet">
        not registered
      </StatusBadge>
    );
  if (ven.registration === 'cancelled')
    return (
      <StatusBadge tone="neutral" title="its registration was cancelled; it is not expected to poll">
        deregistered
      </StatusBadge>
    );
  return ven.online ? (
    <StatusBadge tone="ok" title="polled within 3 poll intervals (ON-2)">
      online
    </StatusBadge>
  ) : (
    <StatusBadge tone="error" title="no request for more than 3 poll intervals (ON-2)">
      offline
    </StatusBadge>
  );
}

const registrationTone: Record<Ven['registration'], Tone> = { active: 'ok', cancelled: 'neutral', none: 'neutral' };

export function RegistrationBadge({ registration }: { registration: Ven['registration'] }) {
  return <StatusBadge tone={registrationTone[registration]}>{registration}</StatusBadge>;
}

const statusTone: Record<EventStatus, Tone> = {
  far: 'neutral',
  near: 'info',
  active: 'warn',
  completed: 'neutral',
  cancelled: 'error',
};
const statusTitle: Record<EventStatus, string> = {
  far: 'starts later than its notification period from now',
  near: 'within its notification (or ramp-up) period before the start',
  active: 'running now',
  completed: 'ended',
  cancelled: 'cancelled by the operator',
};

export function EventStatusBadge({ status }: { status: EventStatus }) {
  return (
    <StatusBadge tone={statusTone[status]} title={statusTitle[status]}>
      {status}
    </StatusBadge>
  );
}

const deliveryTone: Record<Delivery, Tone> = { queued: 'warn', delivered: 'info', acked: 'ok', withdrawn: 'neutral' };
const deliveryTitle: Record<Delivery, string> = {
  queued: 'waiting for the VEN’s next oadrPoll',
  delivered: 'sent in an oadrDistributeEvent; no oadrCreatedEvent for this version yet',
  acked: 'the VEN answered this version (oadrCreatedEvent)',
  withdrawn: 'the VEN no longer matches the event’s targets',
};

export function DeliveryBadge({ delivery }: { delivery: Delivery }) {
  return (
    <StatusBadge tone={deliveryTone[delivery]} title={deliveryTitle[delivery]}>
      {delivery}
    </StatusBadge>
  );
}

export function OptBadge({ ven }: { ven: Pick<EventVen, 'opt' | 'stale' | 'source' | 'optModificationNumber'> }) {
  if (!ven.opt)
    return (
      <StatusBadge tone="neutral" title="no oadrCreatedEvent or oadrCreateOpt for this event yet">
        none
      </StatusBadge>
    );
  const via = ven.source === 'eiOpt' ? 'oadrCreateOpt' : 'oadrCreatedEvent';
  const title = `${via} for modification ${ven.optModificationNumber ?? '?'}${ven.stale ? ' (an older version)' : ''}`;
  return (
    <StatusBadge tone={ven.opt === 'optIn' ? 'ok' : 'error'} title={title}>
      {ven.opt}
      {ven.stale ? ' (stale)' : ''}
    </StatusBadge>
  );
}

const queueTone: Record<QueueItem['state'], Tone> = {
  pending: 'warn',
  'in-flight': 'info',
  acked: 'ok',
  superseded: 'neutral',
  expired: 'error',
};
const queueTitle: Record<QueueItem['state'], string> = {
  pending: 'waiting for the next oadrPoll',
  'in-flight': 'delivered; waiting for the reply that acknowledges it (redelivered after OADR_REDELIVERY_AFTER)',
  acked: 'delivered and acknowledged',
  superseded: 'replaced by a newer item before it was acknowledged',
  expired: 'delivered OADR_MAX_DELIVERIES times without an acknowledgement',
};

export function QueueStateBadge({ state }: { state: QueueItem['state'] }) {
  return (
    <StatusBadge tone={queueTone[state]} title={queueTitle[state]}>
      {state}
    </StatusBadge>
  );
}
