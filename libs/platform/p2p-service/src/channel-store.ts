import { type Queryable } from './queryable';

export interface ChannelRecord {
  topic: string;
  streamKey: string;
  command: 'hello' | 'goodbye';
  sideKeyHash: string | null;
  sentAt: number;
}

/** SQL behind P2P-CH3: the latest hello/goodbye of every stream key of the topics a service reads. */
export const channelStore = {
  async record(db: Queryable, channel: ChannelRecord, seenAt: number): Promise<void> {
    await db.query(
      `insert into channels (topic, stream_key, command, side_key_hash, sent_at, seen_at)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (topic, stream_key) do update set command = $3, side_key_hash = $4, sent_at = $5, seen_at = $6`,
      [channel.topic, channel.streamKey, channel.command, channel.sideKeyHash, channel.sentAt, seenAt],
    );
  },

  /** The hash of the stream's latest hello, unless a goodbye came after it. */
  async latestHello(db: Queryable, topic: string, streamKey: string): Promise<string | undefined> {
    const { rows } = await db.query<{ hash: string }>(
      `select side_key_hash as hash from channels where topic = $1 and stream_key = $2 and command = 'hello'`,
      [topic, streamKey],
    );
    return rows[0]?.hash;
  },
};
