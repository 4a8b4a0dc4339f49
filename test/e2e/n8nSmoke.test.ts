/**
 * Smoke test of the e2e harness: a real n8n (pinned, installed into .cache/ by
 * scripts/n8n/install.sh if missing) imports a trivial workflow and executes it with its CLI.
 */
import { createN8n, N8n, nodeOutput } from './n8nHarness';

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
});
