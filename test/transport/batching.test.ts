/**
 * Requests waiting for one mailbox go out together in JSON $batch calls (requestBatcher.ts): each
 * inner answer is handled as if it had come alone, and a batch whose fate is unknown never sends a
 * mail twice.
 */
import { MicrosoftGraphMail } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { createGraphClient, type GraphClient } from '../../nodes/shared/transport/graphClient';
import { startContoso, type Contoso } from '../fixtures/contoso';
import { executeContext } from '../harness/n8nContext';

let contoso: Contoso;
const ALICE = 'alice@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const alice = `/users/${encodeURIComponent(ALICE)}`;

beforeAll(async () => {
	contoso = await startContoso({ mailboxConcurrencyLimit: 4 });
});
beforeEach(() => {
	contoso.emu.clearFaults();
	contoso.emu.setLatency(0);
	contoso.emu.resetStats();
});
afterAll(async () => await contoso.emu.stop());

async function client(): Promise<GraphClient> {
	const { context } = executeContext({
		nodeType: new MicrosoftGraphMail(),
		parameters: { authentication: 'clientCredentials', operation: 'send' },
		credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
	});
	return await createGraphClient(context);
}

const sendMail = (subject: string, itemIndex?: number) => ({
	method: 'POST' as const,
	url: `${alice}/sendMail`,
	body: { message: { subject, body: { contentType: 'text', content: 'hi' }, toRecipients: [{ emailAddress: { address: BOB } }] } },
	itemIndex,
});
const arrived = (prefix: string) => contoso.emu.messages(BOB, 'inbox').filter((m) => m.subject.startsWith(prefix)).map((m) => m.subject);
const subjects = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i}`);
const settle = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

test('40 sends at once: two $batch calls of 20, each mail once, never more than the mailbox’s 4 at a time', async () => {
	contoso.emu.setLatency(30);
	const graph = await client();
	const results = await Promise.all(subjects('together', 40).map((s) => graph.requestFull(sendMail(s))));
	expect(results.map((r) => r.status)).toEqual(new Array(40).fill(202));
	expect(arrived('together').sort()).toEqual(subjects('together', 40).sort());
	const stats = contoso.emu.stats();
	expect(stats.batchedRequests).toBe(40);
	expect(stats.graphRequests).toBe(2);
	expect(stats.throttled).toBe(0); // 4 chains per batch, one per slot
});

test('calls that cannot share a batch (bytes of a MIME download) and batches share the mailbox’s 4 slots: no 429', async () => {
	const graph = await client();
	const message = contoso.emu.seedMessage(ALICE, 'inbox', { subject: 'raw one', body: { contentType: 'text', content: 'raw' } });
	contoso.emu.resetStats();
	contoso.emu.setLatency(40);
	const downloads = Array.from({ length: 6 }, () => graph.request<Buffer>({ url: `${alice}/messages/${message.id}/$value`, binary: true }));
	const sends = subjects('mixed', 30).map((s) => graph.request(sendMail(s)));
	const bytes = await Promise.all(downloads);
	await Promise.all(sends);
	expect(bytes.every((b) => b.toString().includes('raw one'))).toBe(true);
	expect(arrived('mixed')).toHaveLength(30);
	expect(contoso.emu.stats().throttled).toBe(0);
});

test('one request alone goes out as itself', async () => {
	const graph = await client();
	await graph.request(sendMail('alone 0'));
	expect(contoso.emu.stats()).toMatchObject({ graphRequests: 1, batchedRequests: 0 });
	expect(arrived('alone')).toEqual(['alone 0']);
});

test('Batch Requests off: one Graph request per call', async () => {
	const graph = await client();
	graph.batching = false;
	await Promise.all(subjects('unbatched', 8).map((s) => graph.request(sendMail(s))));
	expect(contoso.emu.stats()).toMatchObject({ graphRequests: 8, batchedRequests: 0 });
	expect(arrived('unbatched')).toHaveLength(8);
});

test('a 429 inside a batch is waited out (Retry-After) and only that request is sent again', async () => {
	contoso.emu.inject({ match: { method: 'POST', path: `/v1.0/users/${ALICE}/sendMail` }, kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
	const graph = await client();
	const started = Date.now();
	await Promise.all(subjects('throttled', 10).map((s) => graph.request(sendMail(s))));
	expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	expect(arrived('throttled').sort()).toEqual(subjects('throttled', 10).sort());
	const stats = contoso.emu.stats();
	expect(stats.throttled).toBe(2);
	// 10 sent, 2 throttled and their chains' followers (424, not run) sent again: never a mail twice.
	expect(stats.batchedRequests).toBeGreaterThan(10);
});

test('a failed request fails its own item only; requests after it in its chain (424) run in the next batch', async () => {
	const graph = await client();
	const [one] = await graph.request<{ value: Array<{ id: string }> }>({ url: `${alice}/messages`, qs: { $top: 1, $select: 'id' } }).then((r) => r.value);
	const ids = Array.from({ length: 12 }, (_, i) => (i === 0 ? 'no-such-message' : one.id));
	contoso.emu.resetStats();
	const results = await settle(ids.map((id, itemIndex) => graph.request({ url: `${alice}/messages/${id}`, qs: { $select: 'id' }, itemIndex })));
	expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ httpCode: expect.stringMatching(/^4/) }) });
	expect(results.slice(1).every((r) => r.status === 'fulfilled' && (r.value as { id: string }).id === one.id)).toBe(true);
	expect(contoso.emu.stats().batchedRequests).toBeGreaterThan(12); // the 424s were sent again
});

test('the batch connection dropped after Graph acted: every mail in it is "may or may not", none is sent again', async () => {
	contoso.emu.inject({ match: { path: '/$batch' }, kind: 'drop-after' });
	const graph = await client();
	const results = await settle(subjects('dropped', 6).map((s, i) => graph.request(sendMail(s, i))));
	for (const r of results) expect(r).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: expect.stringMatching(/may or may not have been carried out/) }) });
	expect(arrived('dropped')).toHaveLength(6); // they were sent, once
	expect(contoso.emu.stats().graphRequests).toBe(1);
});

test('the batch answered 500 without inner answers: POSTs are unknown outcomes, reads are retried', async () => {
	contoso.emu.inject({ match: { path: '/$batch' }, kind: 'status', status: 500 });
	const graph = await client();
	const results = await settle([
		graph.request(sendMail('envelope 500', 0)),
		graph.request(sendMail('envelope 500', 1)),
		graph.request({ url: `${alice}/mailFolders/inbox`, qs: { $select: 'displayName' }, itemIndex: 2 }),
	]);
	expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: expect.stringMatching(/may or may not/) }) });
	expect(results[1].status).toBe('rejected');
	expect(results[2]).toMatchObject({ status: 'fulfilled', value: { displayName: 'Inbox' } });
	expect(arrived('envelope 500')).toHaveLength(0);
});

test('a body too big to share a batch goes on its own; the small ones still share one', async () => {
	const graph = await client();
	const big = sendMail('big 0');
	big.body.message.body.content = 'x'.repeat(1_500_000);
	await Promise.all([graph.request(big), ...subjects('small', 5).map((s) => graph.request(sendMail(s)))]);
	expect(arrived('big')).toHaveLength(1);
	expect(arrived('small')).toHaveLength(5);
	expect(contoso.emu.stats()).toMatchObject({ graphRequests: 2, batchedRequests: 5 });
});
