import type { Pool, PoolClient } from 'pg';

/** A pool or a client inside a transaction: store functions run on either. */
export type Queryable = Pool | PoolClient;
