/**
 * What Send Mail tells the user when it cannot know whether a mail went out (a gateway error after
 * Graph acted), and when it knows it did not (a failed sign-in): never an invitation to send twice,
 * never "unknown" for a request that never left.
 */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { leakedSecrets, visibleText } from '../../../fixtures/secretScan';
import { addMailbox, binary, failureOf, randomFile, send } from './sendFixture';

let contoso: Contoso;
const seen: unknown[] = [];

beforeAll(async () => {
	contoso = await startContoso();
});
afterEach(() => {
	contoso.emu.clearFaults();
	contoso.emu.resetStats();
});
afterAll(async () => {
	expect(leakedSecrets(visibleText(...seen), contoso.secrets)).toEqual([]);
	await contoso?.emu.stop();
});

async function failure(promise: Promise<unknown>) {
	const error = await failureOf(promise);
	seen.push(error);
	return error;
}

const inbox = (upn: string) => contoso.emu.messages(upn, 'inbox');
const drafts = (upn: string) => contoso.emu.messages(upn, 'drafts');
const SEND = /\/messages\/[^/]+\/send$/;
const CHECK = /\/messages\/[^/]+$/;

describe('a gateway error after Graph sent the mail', () => {
	test.each([500, 502, 504])('sendMail answered %i: the error says the outcome is unknown, the recipient has the mail once', async (status) => {
		const sender = addMailbox(contoso, `gw-inline-${status}-sender`);
		const ann = addMailbox(contoso, `gw-inline-${status}-ann`);
		contoso.emu.inject({ match: { method: 'POST', path: '/sendMail' }, kind: 'status', status, afterActing: true });
		const [out] = await send(contoso, { parameters: { mailbox: sender, toRecipients: ann, subject: `Gateway ${status}`, bodyContent: 'x' }, continueOnFail: true });
		seen.push(out.json);
		expect(out.json.error).toMatch(/got a gateway error; it may or may not have been carried out \[item 0\]$/);
		expect(out.json.description).toMatch(new RegExp(`^Whether the mail went out is unknown: Graph answered HTTP ${status}`));
		expect(out.json.description).toMatch(/Do not run this item again blindly \(nor with Retry On Fail\): look in Sent Items of gw-inline/);
		expect(out.json.description).toMatch(/request-id: [0-9a-f-]{36}/);
		expect(inbox(ann).map((m) => m.subject)).toEqual([`Gateway ${status}`]);
		expect(contoso.emu.stats().log.filter((e) => e.path.endsWith('/sendMail'))).toHaveLength(1);
	});

	test('inside a $batch: the one sendMail answered 504 after acting is "unknown", the others are sent, each mail once', async () => {
		const sender = addMailbox(contoso, 'gw-batch-sender');
		const ann = addMailbox(contoso, 'gw-batch-ann');
		contoso.emu.inject({ match: { method: 'POST', path: '/sendMail' }, kind: 'status', status: 504, afterActing: true });
		const items = Array.from({ length: 6 }, (_, n) => ({ json: { n } }));
		const out = await send(contoso, { parameters: { mailbox: sender, toRecipients: ann, subject: '={{ "Batched " + $json.n }}', bodyContent: 'x' }, items, continueOnFail: true });
		seen.push(out.map((o) => o.json));
		const failed = out.filter((o) => o.json.error);
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error).toMatch(/may or may not have been carried out \[item \d\]$/);
		expect(inbox(ann).map((m) => m.subject).sort()).toEqual(items.map(({ json }) => `Batched ${json.n}`).sort());
		const stats = contoso.emu.stats();
		expect(stats.log.filter((e) => e.path === '/v1.0/$batch')).toHaveLength(1);
		expect(stats.log.filter((e) => e.path.endsWith('/sendMail') && e.status !== 424)).toHaveLength(6); // run once each (424: not run, sent in the next batch)
	});

	test('a keyed send answered 502 whose check fails too: outcome unknown, and the re-run sends nothing', async () => {
		const sender = addMailbox(contoso, 'gw-keyed-sender');
		const ann = addMailbox(contoso, 'gw-keyed-ann');
		const parameters = { mailbox: sender, toRecipients: ann, subject: 'Keyed gateway', bodyContent: 'x', options: { delivery: 'draft', idempotencyKey: 'gw-1' } };
		contoso.emu.inject({ match: { method: 'POST', path: SEND }, kind: 'status', status: 502, afterActing: true });
		contoso.emu.inject({ match: { method: 'GET', path: CHECK }, kind: 'status', status: 500 });
		const [failed] = await send(contoso, { parameters, continueOnFail: true });
		seen.push(failed.json);
		expect(failed.json.error).toMatch(/may or may not have been carried out \[item 0\]$/);
		expect(failed.json.description).toMatch(/^Whether the mail went out is unknown: .*HTTP 502/);
		expect(inbox(ann)).toHaveLength(1);

		const [rerun] = await send(contoso, { parameters });
		expect(rerun.json).toMatchObject({ alreadySent: true });
		expect(inbox(ann).map((m) => m.subject)).toEqual(['Keyed gateway']);
	});
});

describe('a failed sign-in is named as such: the request never went out', () => {
	const large = () => [{ json: {}, binary: { big: binary(randomFile(3 * 1024 * 1024 + 1), 'big.bin') } }];

	test('a wrong secret on a large-attachment send (draft path): a sign-in error, not an unknown outcome or an orphan draft', async () => {
		const sender = addMailbox(contoso, 'signin-wrong-sender');
		const ann = addMailbox(contoso, 'signin-wrong-ann');
		const error = await failure(
			send(contoso, {
				parameters: { mailbox: sender, toRecipients: ann, subject: 'Never signed in', bodyContent: 'x', options: { attachments: 'big' } },
				items: large(),
				credentials: { microsoftGraphMailClientCredentialsApi: { ...contoso.clientCredentials, clientSecret: 'Wrong~secret-VALUE-x' } },
			}),
		);
		expect(error.message).toMatch(/AADSTS7000215/);
		expect(`${error.message} ${error.description}`).not.toMatch(/unknown|may or may not|orphan|broke off/i);
		expect(contoso.emu.stats().graphRequests).toBe(0);
		expect(inbox(ann)).toEqual([]);
		expect(drafts(sender)).toEqual([]);
	});

	test('the secret is revoked before the draft is sent: a sign-in error saying nothing was sent, not "whether the mail went out is unknown"', async () => {
		const sender = addMailbox(contoso, 'signin-revoked-sender');
		const ann = addMailbox(contoso, 'signin-revoked-ann');
		// While the (only) upload PUT is held, every token becomes invalid and the token endpoint refuses the secret.
		contoso.emu.inject({ match: { method: 'PUT', path: /^\/_upload\// }, kind: 'latency', ms: 800 });
		const revoke = setInterval(() => {
			if (contoso.emu.stats().faultsFired < 1) return;
			clearInterval(revoke);
			contoso.emu.expireTokens();
			contoso.emu.inject({
				match: { method: 'POST', path: '/oauth2/v2.0/token' },
				kind: 'status',
				status: 401,
				times: Infinity,
				body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] },
			});
		}, 5);
		const error = await failure(
			send(contoso, {
				parameters: { mailbox: sender, toRecipients: ann, subject: 'Revoked', bodyContent: 'x', options: { attachments: 'big' } },
				items: large(),
			}),
		).finally(() => clearInterval(revoke));
		expect(error.message).toMatch(/AADSTS7000215/);
		expect(error.description).toMatch(/Nothing was sent/);
		expect(`${error.message} ${error.description}`).not.toMatch(/unknown|may or may not/i);
		expect(contoso.emu.stats().log.filter((e) => SEND.test(e.path)).map((e) => e.status)).toEqual([401]);
		expect(inbox(ann)).toEqual([]);
	});
});
