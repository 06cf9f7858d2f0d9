import { setUpTestDatabase, tearDownTestDatabase, testPool } from './database.js';

// Mocha root hooks: one database for the run; rate-limit windows reset before every test so
// that sign-ins in one test do not count against the next.
export async function mochaGlobalSetup(): Promise<void> {
  await setUpTestDatabase();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await tearDownTestDatabase();
}

export const mochaHooks = {
  async beforeEach(): Promise<void> {
    await testPool().query('DELETE FROM rate_limits');
  },
};
