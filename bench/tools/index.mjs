// Every tool the benchmark runs, the floor first. Each adapter says whether it
// is available, writes a workload in its own format (prepare), and gives the
// command for each phase: apply, noop (everything applied), rollback (all), status.
import psql from './psql.mjs';
import ours from './ours.mjs';
import nodePg from './node-pg.mjs';
import sqlMigrate from './sql-migrate.mjs';
import dbmate from './dbmate.mjs';
import nodePgMigrate from './node-pg-migrate.mjs';
import postgresMigrations from './postgres-migrations.mjs';
import knex from './knex.mjs';
import umzug from './umzug.mjs';

export const tools = [psql, ours, nodePg, sqlMigrate, dbmate, nodePgMigrate, postgresMigrations, knex, umzug];
