/**
 * Smoke test of the e2e harness: a real n8n (pinned, installed into .cache/ by
 * scripts/n8n/install.sh if missing) imports a trivial workflow and executes it with its CLI.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { createN8n, N8n, nodeOutput, waitFor } from './n8nHarness';

jest.setTimeout(20 * 60_000); // the first run installs n8n (about 5 minutes)

describe('real n8n (smoke)', () => {
  let n8n: N8n;

  beforeAll(async () => {
    n8n = await createN8n({});
  });
  afterAll(async () => {
    await n8n?.dispose();
  });

  it('imports and executes a Manual Trigger → Set workflow', async () => {
    await n8n.importWorkflow({
      id: 'smokeWf0000001',
      name: 'Smoke',
      active: false,
      settings: {},
      connections: { 'When clicking ‘Execute workflow’': { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
      nodes: [
        {
          id: '0f5532f9-36ba-4bef-86c7-30d607400b15',
          name: 'When clicking ‘Execute workflow’',
          type: 'n8n-nodes-base.manualTrigger',
          typeVersion: 1,
          position: [0, 0],
          parameters: {},
        },
        {
          id: '7a3e2a4b-8f7c-4a51-9c55-0d6d0b7c1e11',
          name: 'Set',
          type: 'n8n-nodes-base.set',
          typeVersion: 3.4,
          position: [220, 0],
          parameters: {
            assignments: {
              assignments: [{ id: 'a1', name: 'greeting', value: 'hello from n8n', type: 'string' }],
            },
            options: {},
          },
        },
      ],
    });
    const run = await n8n.execute('smokeWf0000001');
    expect(nodeOutput(run, 'Set')).toEqual([{ greeting: 'hello from n8n' }]);
    // The same execution is in the database.
    const [e] = await n8n.executions('smokeWf0000001');
    expect(e.status).toBe('success');
    expect(nodeOutput(e.data, 'Set')).toEqual([{ greeting: 'hello from n8n' }]);
  });

  it('reads a file from disk as binary data (how the e2e tests attach files)', async () => {
    const file = path.join(n8n.filesDir, 'blob.bin');
    fs.writeFileSync(file, crypto.randomBytes(1024 * 1024));
    await n8n.importWorkflow({
      id: 'smokeWfFile0001',
      name: 'Smoke file',
      active: false,
      settings: {},
      connections: { Start: { main: [[{ node: 'Read', type: 'main', index: 0 }]] } },
      nodes: [
        { id: 'a0f5532f-36ba-4bef-86c7-30d607400b15', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
        {
          id: 'b0f5532f-36ba-4bef-86c7-30d607400b15',
          name: 'Read',
          type: 'n8n-nodes-base.readWriteFile',
          typeVersion: 1,
          position: [220, 0],
          parameters: { fileSelector: file, options: {} },
        },
      ],
    });
    const run = await n8n.execute('smokeWfFile0001');
    const item = run.data.resultData.runData.Read[0].data.main[0][0];
    expect(item.binary.data.fileName).toBe('blob.bin');
    expect(item.binary.data.fileSize).toMatch(/1(\.0)? MB|1.05 MB|1024 kB/);
  });

  it('runs a published Schedule Trigger workflow under `n8n start` and serves REST after owner setup', async () => {
    await n8n.importWorkflow({
      id: 'smokeWfActive01',
      name: 'Smoke active',
      active: false,
      settings: {},
      connections: { Every5s: { main: [[{ node: 'Mark', type: 'main', index: 0 }]] } },
      nodes: [
        {
          id: '2d0c2f5e-8a3b-4b8e-9a0e-5f1b2c3d4e5f',
          name: 'Every5s',
          type: 'n8n-nodes-base.scheduleTrigger',
          typeVersion: 1.2,
          position: [0, 0],
          parameters: { rule: { interval: [{ field: 'seconds', secondsInterval: 5 }] } },
        },
        {
          id: '3e1d3f6a-9b4c-4c9f-8b1f-6a2c3d4e5f60',
          name: 'Mark',
          type: 'n8n-nodes-base.set',
          typeVersion: 3.4,
          position: [220, 0],
          parameters: {
            assignments: { assignments: [{ id: 'm1', name: 'tick', value: true, type: 'boolean' }] },
            options: {},
          },
        },
      ],
    });
    await n8n.publishWorkflow('smokeWfActive01');
    await n8n.start();
    try {
      await n8n.login();
      const wfs = await n8n.rest('GET', '/workflows');
      expect(JSON.stringify(wfs)).toContain('smokeWfActive01');
      const runs = await waitFor(
        async () => {
          const ex = await n8n.executions('smokeWfActive01');
          return ex.filter((e) => e.status === 'success').length >= 1 ? ex : undefined;
        },
        30_000,
        'a scheduled execution',
      );
      expect(runs[0].mode).toBe('trigger');
      expect(nodeOutput(runs[0].data, 'Mark')[0]).toMatchObject({ tick: true });
    } finally {
      await n8n.stop();
    }
  });
});
