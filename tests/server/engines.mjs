// The two database engines the ledger runs on, for suites that run the same tests on both: a real PostgreSQL
// server (a throwaway cluster, through a `pg` Pool) and PGlite (in memory).
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { startPostgres } from './postgres.mjs';

export const ENGINES = [
  {
    name: 'PostgreSQL',
    async open() {
      const server = startPostgres();
      const db = new pg.Pool({ ...server, max: 20 });
      return { db, server, close: async () => { await db.end(); server.stop(); } };
    },
  },
  {
    name: 'PGlite',
    async open() {
      const db = await PGlite.create();
      return { db, close: () => db.close() };
    },
  },
];

/** The partner's own item table, written by `deliver` through the grant's transaction (the documented pattern). */
export const ITEMS_DDL = 'CREATE TABLE IF NOT EXISTS items (order_id text PRIMARY KEY, user_key text NOT NULL, sku text NOT NULL)';
export const insertItem = (order, tx) => tx.query('INSERT INTO items (order_id, user_key, sku) VALUES ($1, $2, $3)', [order.orderId, order.userKey, order.sku]);
export const itemsOf = async (db) => (await db.query('SELECT order_id, user_key, sku FROM items ORDER BY order_id')).rows;
