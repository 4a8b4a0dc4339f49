/**
 * Delivery "Exactly Once (via Draft)" and the Idempotency Key: whatever connection breaks, the
 * recipient gets the mail once, and running the item again never sends it twice.
 */
import { sendMarker } from '../../../../nodes/MicrosoftGraphMail/actions/message/send/exactlyOnce';
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, failureOf, send } from './sendFixture';

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
});
afterEach(() => {
	contoso.emu.clearFaults();
	contoso.emu.resetStats();
	contoso.emu.setDeliveryDelay(0);
});

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

const inbox = (upn: string) => contoso.emu.messages(upn, 'inbox');
const drafts = (upn: string) => contoso.emu.messages(upn, 'drafts');
const posts = (suffix: RegExp) => contoso.emu.stats().log.filter((e) => e.method === 'POST' && suffix.test(e.path)).length;

const CREATE = /\/messages$/;
const SEND = /\/messages\/[^/]+\/send$/;
const CHECK = /\/messages\/[^/]+$/;

function exactlyOnce(sender: string, to: string, subject: string, extra: Record<string, unknown> = {}) {
	return { mailbox: sender, toRecipients: to, subject, bodyContent: `<p>${subject}</p>`, options: { delivery: 'draft', ...extra } };
}

describe('Delivery: Exactly Once (via Draft)', () => {
	test('a small mail goes as a draft and is sent; the recipient gets it once, Drafts is empty', async () => {
		const sender = addMailbox(contoso, 'eo-plain-sender');
		const ann = addMailbox(contoso, 'eo-plain-ann');
		const [out] = await send(contoso, { parameters: exactlyOnce(sender, ann, 'Plain') });
		expect(inbox(ann).map((m) => m.subject)).toEqual(['Plain']);
		expect(drafts(sender)).toEqual([]);
		expect(contoso.emu.messages(sender, 'sentitems').map((m) => m.subject)).toEqual(['Plain']);
		expect(out.json).toMatchObject({ path: 'draft', delivery: 'draft', internetMessageId: expect.stringMatching(/^<n8n-[0-9a-f]{40}@graph-mail\.n8n>$/) });
		expect(posts(/\/sendMail$/)).toBe(0);
	});

	test.each(['drop-after', 'drop-before'] as const)('creating the draft %s: found again (or created again), sent once, no orphan', async (kind) => {
		const sender = addMailbox(contoso, `eo-create-${kind}-sender`);
		const ann = addMailbox(contoso, `eo-create-${kind}-ann`);
		contoso.emu.inject({ match: { method: 'POST', path: CREATE }, kind });
		const [out] = await send(contoso, { parameters: exactlyOnce(sender, ann, `Create ${kind}`) });
		expect(contoso.emu.stats().faultsFired).toBe(1);
		expect(inbox(ann).map((m) => m.subject)).toEqual([`Create ${kind}`]);
		expect(drafts(sender)).toEqual([]);
		expect(out.json.error).toBeUndefined();
		// Dropped after Graph acted: the draft is found, not created twice.
		expect(posts(CREATE)).toBe(kind === 'drop-after' ? 1 : 2);
	});

	test.each(['drop-after', 'drop-before'] as const)('sending the draft %s: its state is checked, sent once', async (kind) => {
		const sender = addMailbox(contoso, `eo-send-${kind}-sender`);
		const ann = addMailbox(contoso, `eo-send-${kind}-ann`);
		contoso.emu.inject({ match: { method: 'POST', path: SEND }, kind });
		const [out] = await send(contoso, { parameters: exactlyOnce(sender, ann, `Send ${kind}`) });
		expect(inbox(ann).map((m) => m.subject)).toEqual([`Send ${kind}`]);
		expect(drafts(sender)).toEqual([]);
		expect(out.json).toMatchObject({ sendConfirmedAfterRetry: true });
	});

	test('the recipient copy carries the marker, so a duplicate would be visible', async () => {
		const sender = addMailbox(contoso, 'eo-marker-sender');
		const ann = addMailbox(contoso, 'eo-marker-ann');
		const [out] = await send(contoso, { parameters: exactlyOnce(sender, ann, 'Marked') });
		expect(inbox(ann)[0].internetMessageId).toBe(out.json.internetMessageId);
	});
});

describe('Idempotency Key', () => {
	test('running the same item again sends nothing and says so', async () => {
		const sender = addMailbox(contoso, 'eo-key-sender');
		const ann = addMailbox(contoso, 'eo-key-ann');
		const parameters = exactlyOnce(sender, ann, 'Keyed', { idempotencyKey: 'ticket-42' });
		const [first] = await send(contoso, { parameters });
		const [second] = await send(contoso, { parameters });
		expect(inbox(ann).map((m) => m.subject)).toEqual(['Keyed']);
		expect(first.json).toMatchObject({ alreadySent: false });
		expect(second.json).toMatchObject({ alreadySent: true, internetMessageId: first.json.internetMessageId });
		// Another key is another mail.
		await send(contoso, { parameters: exactlyOnce(sender, ann, 'Keyed', { idempotencyKey: 'ticket-43' }) });
		expect(inbox(ann)).toHaveLength(2);
	});

	test.each([
		['went out', 'drop-after', 1],
		['did not go out', 'drop-before', 1],
	] as const)('an outcome the node could not learn (send %s, then the check failed): the re-run delivers exactly one', async (_what, kind, expected) => {
		const sender = addMailbox(contoso, `eo-unknown-${kind}-sender`);
		const ann = addMailbox(contoso, `eo-unknown-${kind}-ann`);
		const parameters = exactlyOnce(sender, ann, `Unknown ${kind}`, { idempotencyKey: `key-${kind}` });
		contoso.emu.inject({ match: { method: 'POST', path: SEND }, kind });
		contoso.emu.inject({ match: { method: 'GET', path: CHECK }, kind: 'status', status: 500, times: 1 });
		const [failed] = await send(contoso, { parameters, continueOnFail: true });
		expect(String(failed.json.error)).toMatch(/may or may not have been carried out \[item 0\]/);
		expect(String(failed.json.description)).toMatch(/Checking the draft afterwards failed too/);
		expect(String(failed.json.description)).toMatch(/unknown/);
		expect(inbox(ann)).toHaveLength(kind === 'drop-after' ? 1 : 0);

		const [rerun] = await send(contoso, { parameters });
		expect(inbox(ann).map((m) => m.subject)).toEqual(Array(expected).fill(`Unknown ${kind}`));
		expect(rerun.json.alreadySent).toBe(kind === 'drop-after');
		// The unsent draft of the first run is not left behind.
		expect(drafts(sender)).toEqual([]);
	});

	test('running it again while the sent mail still waits in Outbox (unsent there) sends nothing', async () => {
		const sender = addMailbox(contoso, 'eo-outbox-sender');
		const ann = addMailbox(contoso, 'eo-outbox-ann');
		contoso.emu.setDeliveryDelay(1500);
		const parameters = exactlyOnce(sender, ann, 'Late copy', { idempotencyKey: 'ticket-outbox' });
		const [first] = await send(contoso, { parameters });
		expect(contoso.emu.messages(sender, 'outbox')).toMatchObject([{ subject: 'Late copy', isDraft: true }]);
		expect(contoso.emu.messages(sender, 'sentitems')).toEqual([]);
		const [second] = await send(contoso, { parameters });
		expect(second.json).toMatchObject({ alreadySent: true, messageId: first.json.messageId });
		await settle(2000);
		expect(inbox(ann).map((m) => m.subject)).toEqual(['Late copy']);
		expect(contoso.emu.messages(sender, 'sentitems').map((m) => m.subject)).toEqual(['Late copy']);
	}, 20_000);

	test('an unsent keyed draft that an earlier run deleted (now in Deleted Items) is a leftover, not a sent mail', async () => {
		const sender = addMailbox(contoso, 'eo-deleted-sender');
		const ann = addMailbox(contoso, 'eo-deleted-ann');
		const marker = sendMarker(`/users/${encodeURIComponent(sender)}`, 'ticket-deleted');
		contoso.emu.seedMessage(sender, 'deleteditems', { subject: 'Deleted leftover', isDraft: true, internetMessageId: marker, toRecipients: [{ emailAddress: { address: ann } }] });
		const [out] = await send(contoso, { parameters: exactlyOnce(sender, ann, 'Sent after all', { idempotencyKey: 'ticket-deleted' }) });
		expect(out.json).toMatchObject({ alreadySent: false });
		expect(inbox(ann).map((m) => m.subject)).toEqual(['Sent after all']);
		expect(contoso.emu.messages(sender, 'deleteditems')).toEqual([]);
	});

	test('the same key twice in one run: the second item is refused, naming the item and the field', async () => {
		const sender = addMailbox(contoso, 'eo-dup-sender');
		const ann = addMailbox(contoso, 'eo-dup-ann');
		const out = await send(contoso, {
			parameters: exactlyOnce(sender, ann, '={{ "key " + $json.key + " #" + $json.n }}', { idempotencyKey: '={{ $json.key }}' }),
			items: [{ json: { key: 'dup', n: 0 } }, { json: { key: 'dup', n: 1 } }, { json: { key: 'other', n: 2 } }],
			continueOnFail: true,
		});
		expect(out[0].json).toMatchObject({ alreadySent: false });
		expect(out[1].json.error).toMatch(/^Idempotency Key: "dup" is also the key of item 0 in this run: each mail needs its own key \[item 1\]$/);
		expect(out[1].json.description).toMatch(/Nothing was sent/);
		expect(out[2].json).toMatchObject({ alreadySent: false });
		expect(inbox(ann).map((m) => m.subject).sort()).toEqual(['key dup #0', 'key other #2']);
	});

	test('a message whose internetMessageId only resembles the marker is not taken for the sent mail', async () => {
		const sender = addMailbox(contoso, 'eo-lookalike-sender');
		const ann = addMailbox(contoso, 'eo-lookalike-ann');
		const marker = sendMarker(`/users/${encodeURIComponent(sender)}`, 'ticket-look');
		// A lookup answer that a looser comparison (case, a suffix) lets through: not the marker.
		contoso.emu.inject({
			match: { method: 'GET', path: /\/users\/[^/]+\/messages$/ },
			kind: 'status',
			status: 200,
			body: { value: [{ id: 'AAMk-lookalike', isDraft: false, parentFolderId: 'sent', internetMessageId: `${marker.toUpperCase()}.fwd` }] },
		});
		const [out] = await send(contoso, { parameters: exactlyOnce(sender, ann, 'Not a lookalike', { idempotencyKey: 'ticket-look' }) });
		expect(out.json).toMatchObject({ alreadySent: false, internetMessageId: marker });
		expect(inbox(ann).map((m) => m.subject)).toEqual(['Not a lookalike']);
	});

	test('a draft that Graph created without the marker is not sent: a re-run could not find it', async () => {
		const sender = addMailbox(contoso, 'eo-nomarker-sender');
		const ann = addMailbox(contoso, 'eo-nomarker-ann');
		contoso.emu.inject({
			match: { method: 'POST', path: CREATE },
			kind: 'status',
			status: 201,
			body: { id: 'AAMk-unmarked', isDraft: true, parentFolderId: 'drafts', internetMessageId: '<other@contoso.onmicrosoft.com>' },
		});
		const error = await failureOf(send(contoso, { parameters: exactlyOnce(sender, ann, 'Unmarked', { idempotencyKey: 'ticket-unmarked' }) }));
		expect(error.message).toBe('Graph did not keep the exactly-once marker on the draft [item 0]');
		expect(error.description).toMatch(/Nothing was sent/);
		expect(posts(SEND)).toBe(0);
		expect(inbox(ann)).toEqual([]);
	});

	test('needs Exactly Once delivery and Save to Sent Items; nothing is sent otherwise', async () => {
		const sender = addMailbox(contoso, 'eo-refused-sender');
		const ann = addMailbox(contoso, 'eo-refused-ann');
		const auto = await failureOf(send(contoso, { parameters: { ...exactlyOnce(sender, ann, 'x'), options: { idempotencyKey: 'k' } } }));
		expect(auto.message).toMatch(/^Idempotency Key: Works only with Delivery: Exactly Once/);
		const unsaved = await failureOf(send(contoso, { parameters: exactlyOnce(sender, ann, 'x', { idempotencyKey: 'k', saveToSentItems: false }) }));
		expect(unsaved.message).toMatch(/^Idempotency Key: Needs Save to Sent Items/);
		expect(inbox(ann)).toEqual([]);
		expect(contoso.emu.stats().graphRequests).toBe(0);
	});
});
