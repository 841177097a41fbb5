import PgBoss from 'pg-boss';
const url = process.argv[2];
const boss = new PgBoss({ connectionString: url, max: 2, supervise: true, schedule: false });
boss.on('error', () => undefined);
try { try { await boss.start(); } catch (e) { console.log('START-FAIL', e.message); throw e; }
  if (!(await boss.getQueue('q'))) {
    await boss.createQueue('q', { name: 'q', retryLimit: 2 }).catch(async (err) => { if (!(await boss.getQueue('q'))) throw err; });
  }
  console.log('ok'); } catch (e) { console.log('FAIL', e.message); }
await boss.stop({ graceful: false });
