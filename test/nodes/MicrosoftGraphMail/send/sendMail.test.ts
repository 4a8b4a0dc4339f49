/**
 * Send Mail against the emulator over HTTPS, in a real n8n execute context: what arrives in the
 * recipient's mailbox is checked, not only the request.
 */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { leakedSecrets, visibleText } from '../../../fixtures/secretScan';
import { addMailbox, ALICE, binary, failureOf, randomFile, send, sha256 } from './sendFixture';

let contoso: Contoso;
const errors: unknown[] = [];

beforeAll(async () => {
	contoso = await startContoso();
});
beforeEach(() => {
	contoso.emu.clearFaults();
	contoso.emu.resetStats();
});
afterAll(async () => {
	expect(leakedSecrets(visibleText(...errors), contoso.secrets)).toEqual([]);
	await contoso.emu.stop();
});

async function failure(promise: Promise<unknown>) {
	const error = await failureOf(promise);
	errors.push(error);
	return error;
}

const inbox = (upn: string) => contoso.emu.messages(upn, 'inbox');
const sent = (upn: string) => contoso.emu.messages(upn, 'sentitems');
const drafts = (upn: string) => contoso.emu.messages(upn, 'drafts');

describe('one mail, everything in one sendMail', () => {
	test('HTML body, CC, BCC, reply-to, importance, read receipt, categories, x- headers, an attachment and an inline image arrive as sent', async () => {
		const ann = addMailbox(contoso, 'ann-inline');
		const carl = addMailbox(contoso, 'carl-inline');
		const dora = addMailbox(contoso, 'dora-inline');
		const pdf = randomFile(200_000);
		const logo = randomFile(5_000);
		const [out] = await send(contoso, {
			parameters: {
				mailbox: ALICE,
				toRecipients: `Ann Example <${ann}>`,
				ccRecipients: carl,
				bccRecipients: dora,
				subject: 'Quarterly report',
				bodyContentType: 'html',
				bodyContent: '<p>See <b>attached</b></p><img src="cid:logo">',
				options: {
					replyTo: 'replies@contoso.onmicrosoft.com',
					importance: 'high',
					isReadReceiptRequested: true,
					categories: 'Reports, Finance',
					internetHeaders: { header: [{ name: 'x-ticket-id', value: 'T-42' }] },
					attachments: 'report',
					inlineImages: 'logo',
				},
			},
			items: [{ json: {}, binary: { report: binary(pdf, 'report.pdf', 'application/pdf'), logo: binary(logo, 'logo.png', 'image/png') } }],
		});

		const [m] = inbox(ann);
		expect(m.subject).toBe('Quarterly report');
		expect(m.body).toEqual({ contentType: 'html', content: '<p>See <b>attached</b></p><img src="cid:logo">' });
		expect(m.toRecipients).toEqual([{ emailAddress: { name: 'Ann Example', address: ann } }]);
		expect(m.ccRecipients.map((r) => r.emailAddress.address)).toEqual([carl]);
		expect(m.bccRecipients).toEqual([]); // Bcc is not shown to the other recipients
		expect(m.replyTo.map((r) => r.emailAddress.address)).toEqual(['replies@contoso.onmicrosoft.com']);
		expect(m.importance).toBe('high');
		expect(m.isReadReceiptRequested).toBe(true);
		expect(m.internetMessageHeaders).toEqual(expect.arrayContaining([{ name: 'x-ticket-id', value: 'T-42' }]));
		expect(m.from?.emailAddress.address).toBe(ALICE);
		const report = m.attachments.find((a) => a.name === 'report.pdf')!;
		expect(sha256(report.contentBytes!)).toBe(sha256(pdf));
		expect(report.contentType).toBe('application/pdf');
		expect(report.isInline).toBe(false);
		const image = m.attachments.find((a) => a.name === 'logo.png')!;
		expect(sha256(image.contentBytes!)).toBe(sha256(logo));
		expect(image).toMatchObject({ isInline: true, contentId: 'logo' });
		expect(inbox(carl)).toHaveLength(1);
		expect(inbox(dora)).toHaveLength(1);
		const [copy] = sent(ALICE).filter((s) => s.subject === 'Quarterly report');
		expect(copy.categories).toEqual(['Reports', 'Finance']);

		expect(out.json).toEqual({
			mailbox: ALICE,
			toRecipients: [ann],
			ccRecipients: [carl],
			bccRecipients: [dora],
			subject: 'Quarterly report',
			attachments: [
				{ name: 'report.pdf', size: pdf.length, contentType: 'application/pdf' },
				{ name: 'logo.png', size: logo.length, contentType: 'image/png', contentId: 'logo' },
			],
			path: 'inline',
			saveToSentItems: true,
		});
		expect(out.pairedItem).toEqual({ item: 0 });
		expect(contoso.emu.stats().log.filter((e) => e.path.endsWith('/sendMail'))).toHaveLength(1);
	});

	test('text body; Save to Sent Items off leaves no copy; the default mailbox is used when Mailbox is empty', async () => {
		const ann = addMailbox(contoso, 'ann-text');
		const before = sent(ALICE).length;
		const [out] = await send(contoso, {
			parameters: { toRecipients: ann, subject: 'Plain', bodyContentType: 'text', bodyContent: 'line 1\nline 2', options: { saveToSentItems: false } },
		});
		const [m] = inbox(ann);
		expect(m.body).toEqual({ contentType: 'text', content: 'line 1\nline 2' });
		expect(m.importance).toBe('normal');
		expect(sent(ALICE)).toHaveLength(before);
		expect(out.json).toMatchObject({ mailbox: ALICE, path: 'inline', saveToSentItems: false });
	});

	test('the mailbox is an expression per item: each mail leaves from its own mailbox', async () => {
		const ann = addMailbox(contoso, 'ann-per-item');
		const team = addMailbox(contoso, 'team-per-item');
		const out = await send(contoso, {
			parameters: { mailbox: '={{ $json.from }}', toRecipients: ann, subject: '={{ "from " + $json.from }}', bodyContent: 'x' },
			items: [{ json: { from: ALICE } }, { json: { from: team } }],
		});
		expect(out.map((o) => o.json.mailbox)).toEqual([ALICE, team]);
		expect(inbox(ann).map((m) => [m.subject, m.from?.emailAddress.address]).sort()).toEqual([
			[`from ${ALICE}`, ALICE],
			[`from ${team}`, team],
		]);
		expect(sent(team)).toHaveLength(1);
	});

	test('From sets the on-behalf sender; recipients given as an array from an expression', async () => {
		const ann = addMailbox(contoso, 'ann-from');
		const bea = addMailbox(contoso, 'bea-from');
		await send(contoso, {
			parameters: { toRecipients: '={{ $json.to }}', subject: 'On behalf', bodyContent: 'x', options: { from: 'Team <team@contoso.onmicrosoft.com>' } },
			items: [{ json: { to: [ann, `Bea <${bea}>`] } }],
		});
		const [m] = inbox(bea);
		expect(m.from?.emailAddress.address).toBe('team@contoso.onmicrosoft.com');
		expect(m.toRecipients.map((r) => r.emailAddress.address)).toEqual([ann, bea]);
	});
});

describe('large attachments: draft, upload session, send', () => {
	test('a 20 MB file and a small one arrive byte for byte; PUTs of at most 4 MB; no draft is left', async () => {
		const ann = addMailbox(contoso, 'ann-large');
		const big = randomFile(20 * 1024 * 1024 + 12345);
		const small = randomFile(10_000);
		const [out] = await send(contoso, {
			parameters: { toRecipients: ann, subject: 'Big one', bodyContent: '<p>big</p>', options: { attachments: 'big, small', importance: 'low' } },
			items: [{ json: {}, binary: { big: binary(big, 'big.bin'), small: binary(small, 'small.txt', 'text/plain') } }],
		});
		const [m] = inbox(ann);
		expect(m.subject).toBe('Big one');
		expect(m.importance).toBe('low');
		expect(m.attachments.map((a) => a.name).sort()).toEqual(['big.bin', 'small.txt']);
		expect(sha256(m.attachments.find((a) => a.name === 'big.bin')!.contentBytes!)).toBe(sha256(big));
		expect(sha256(m.attachments.find((a) => a.name === 'small.txt')!.contentBytes!)).toBe(sha256(small));
		expect(drafts(ALICE).filter((d) => d.subject === 'Big one')).toEqual([]);
		expect(sent(ALICE).filter((d) => d.subject === 'Big one')).toHaveLength(1);

		const log = contoso.emu.stats().log;
		const puts = log.filter((e) => e.method === 'PUT');
		expect(puts.length).toBe(Math.ceil(big.length / (320 * 1024 * 12)));
		expect(log.filter((e) => e.path.endsWith('/send'))).toHaveLength(1);
		expect(out.json).toMatchObject({ path: 'draft', messageId: expect.any(String), attachments: [{ name: 'big.bin', size: big.length }, { name: 'small.txt', size: small.length }] });
	});

	test('two executions sending large files at once: upload PUTs count against the mailbox\'s 4 slots, so Graph throttles none', async () => {
		const ann = addMailbox(contoso, 'ann-parallel-large');
		const files = Array.from({ length: 8 }, () => randomFile(4 * 1024 * 1024 + 1000));
		const execution = (part: Buffer[]) =>
			send(contoso, {
				parameters: { mailbox: ALICE, toRecipients: ann, subject: 'parallel large', bodyContent: 'big', options: { attachments: 'file' } },
				items: part.map((bytes, n) => ({ json: {}, binary: { file: binary(bytes, `f${n}.bin`) } })),
			});
		contoso.emu.setLatency(100);
		try {
			await Promise.all([execution(files.slice(0, 4)), execution(files.slice(4))]);
		} finally {
			contoso.emu.setLatency(0);
		}
		expect(contoso.emu.stats().throttled).toBe(0);
		expect(inbox(ann).map((m) => sha256(m.attachments[0].contentBytes!)).sort()).toEqual(files.map(sha256).sort());
	});

	test('several files under 3 MB but over 3 MB together: draft, the rest added one by one, all intact and in order', async () => {
		const ann = addMailbox(contoso, 'ann-many-small');
		const files = [randomFile(1_500_000), randomFile(1_400_000), randomFile(1_300_000)];
		const [out] = await send(contoso, {
			parameters: { toRecipients: ann, subject: 'Three files', bodyContent: 'x', options: { attachments: 'f0, f1, f2' } },
			items: [{ json: {}, binary: Object.fromEntries(files.map((f, i) => [`f${i}`, binary(f, `f${i}.bin`)])) }],
		});
		const [m] = inbox(ann);
		for (const [i, f] of files.entries()) expect(sha256(m.attachments.find((a) => a.name === `f${i}.bin`)!.contentBytes!)).toBe(sha256(f));
		expect(out.json).toMatchObject({ path: 'draft', attachments: files.map((f, i) => ({ name: `f${i}.bin`, size: f.length })) });
		const log = contoso.emu.stats().log;
		expect(log.filter((e) => e.method === 'POST' && e.path.endsWith('/attachments')).length).toBeGreaterThanOrEqual(1);
		expect(log.filter((e) => e.method === 'PUT')).toEqual([]);
	});

	test('Save to Sent Items off on the draft path: delivered, no copy kept, no draft left', async () => {
		const ann = addMailbox(contoso, 'ann-large-nosave');
		const sender = addMailbox(contoso, 'sender-large-nosave');
		const [out] = await send(contoso, {
			parameters: { mailbox: sender, toRecipients: ann, subject: 'Big, unsaved', bodyContent: 'x', options: { attachments: 'big', saveToSentItems: false } },
			items: [{ json: {}, binary: { big: binary(randomFile(3 * 1024 * 1024 + 5), 'big.bin') } }],
		});
		expect(inbox(ann).map((m) => m.subject)).toEqual(['Big, unsaved']);
		expect(contoso.emu.messages(sender)).toEqual([]);
		expect(out.json).toMatchObject({ path: 'draft', saveToSentItems: false });
	});

	test('a connection dropped after the draft was sent does not produce a second copy', async () => {
		const ann = addMailbox(contoso, 'ann-drop-send');
		contoso.emu.inject({ match: { method: 'POST', path: /\/messages\/[^/]+\/send$/ }, kind: 'drop-after' });
		const [out] = await send(contoso, {
			parameters: { toRecipients: ann, subject: 'Once only', bodyContent: 'x', options: { attachments: 'big' } },
			items: [{ json: {}, binary: { big: binary(randomFile(4 * 1024 * 1024), 'big.bin') } }],
		});
		expect(contoso.emu.stats().faultsFired).toBe(1);
		expect(inbox(ann).filter((m) => m.subject === 'Once only')).toHaveLength(1);
		expect(out.json).toMatchObject({ path: 'draft', sendConfirmedAfterRetry: true });
	});

	test('a send dropped before it reached Graph is sent again, once', async () => {
		const ann = addMailbox(contoso, 'ann-drop-before');
		contoso.emu.inject({ match: { method: 'POST', path: /\/messages\/[^/]+\/send$/ }, kind: 'drop-before' });
		await send(contoso, {
			parameters: { toRecipients: ann, subject: 'Resent once', bodyContent: 'x', options: { attachments: 'big' } },
			items: [{ json: {}, binary: { big: binary(randomFile(3 * 1024 * 1024 + 1), 'big.bin') } }],
		});
		expect(inbox(ann).filter((m) => m.subject === 'Resent once')).toHaveLength(1);
	});

	test('creating the draft dropped after sending: not retried blindly, the error says an orphan draft may exist', async () => {
		const ann = addMailbox(contoso, 'ann-drop-draft');
		contoso.emu.inject({ match: { method: 'POST', path: /\/messages$/ }, kind: 'drop-after' });
		const error = await failure(
			send(contoso, {
				parameters: { toRecipients: ann, subject: 'Orphan', bodyContent: 'x', options: { attachments: 'big' } },
				items: [{ json: {}, binary: { big: binary(randomFile(3 * 1024 * 1024 + 1), 'big.bin') } }],
			}),
		);
		expect(error.message).toMatch(/nothing was sent \[item 0\]/);
		expect(error.description).toMatch(/orphan/);
		expect(inbox(ann)).toEqual([]);
		expect(contoso.emu.stats().log.filter((e) => e.method === 'POST' && e.path.endsWith('/messages'))).toHaveLength(1);
	});
});

describe('the one-request path cannot be checked', () => {
	test('sendMail dropped after sending fails with "outcome unknown" and is not sent again', async () => {
		const ann = addMailbox(contoso, 'ann-drop-inline');
		contoso.emu.inject({ match: { method: 'POST', path: /\/sendMail$/ }, kind: 'drop-after' });
		const error = await failure(send(contoso, { parameters: { toRecipients: ann, subject: 'Maybe', bodyContent: 'x' } }));
		expect(error.message).toMatch(/may or may not have been carried out/);
		expect(error.description).toMatch(/Sent Items/);
		expect(inbox(ann)).toHaveLength(1); // Graph did send it; we did not send it twice
	});
});

describe('many items', () => {
	test('500 mails through 429 storms arrive exactly once each, output in input order', async () => {
		const ann = addMailbox(contoso, 'ann-many');
		// A storm: 8 429s in a row (two for each request in flight), again after every 20 deliveries.
		let stormsRaised = 0;
		let deliveredAtLastStorm = -Infinity;
		const storm = () => {
			const delivered = inbox(ann).length;
			if (contoso.emu.stats().faultsFired < stormsRaised * 8 || delivered - deliveredAtLastStorm < 20 || delivered >= 480) return;
			contoso.emu.inject({ match: { method: 'POST', path: /\/sendMail$/ }, kind: 'status', status: 429, retryAfterSeconds: 0, times: 8 });
			stormsRaised++;
			deliveredAtLastStorm = delivered;
		};
		storm();
		const storms = setInterval(storm, 5);
		const items = Array.from({ length: 500 }, (_, i) => ({ json: { n: i } }));
		const out = await send(contoso, { parameters: { toRecipients: ann, subject: '={{ "mail " + $json.n }}', bodyContent: 'x' }, items }).finally(() => clearInterval(storms));
		expect(out.map((o) => o.json.subject)).toEqual(items.map((i) => `mail ${i.json.n}`));
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		const subjects = inbox(ann).map((m) => m.subject);
		expect(subjects).toHaveLength(500);
		expect(new Set(subjects).size).toBe(500);
		expect(stormsRaised).toBeGreaterThanOrEqual(10);
		expect(contoso.emu.stats().throttled).toBeGreaterThanOrEqual(stormsRaised * 8 - 8);
	}, 180_000);

	test('continue-on-fail: bad items get their error in place, good ones are sent', async () => {
		const ann = addMailbox(contoso, 'ann-mixed');
		const out = await send(contoso, {
			parameters: { toRecipients: '={{ $json.to }}', subject: '={{ $json.s }}', bodyContent: 'x' },
			items: [{ json: { to: ann, s: 'good 0' } }, { json: { to: 'not-an-address', s: 'bad 1' } }, { json: { to: ann, s: 'good 2' } }],
			continueOnFail: true,
		});
		expect(out.map((o) => o.json.subject ?? o.json.error)).toEqual(['good 0', expect.stringMatching(/^To: "not-an-address" is not a valid email address.*\[item 1\]/), 'good 2']);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(inbox(ann).map((m) => m.subject).sort()).toEqual(['good 0', 'good 2']);
	});
});

describe('bad input: a clear error naming the item and the field, and nothing sent', () => {
	const cases: [string, Record<string, unknown>, RegExp][] = [
		['an invalid address', { toRecipients: 'ann@contoso' }, /^To: "ann@contoso" is not a valid email address.*\[item 0\]/],
		['an invalid CC address', { toRecipients: 'ann@contoso.com', ccRecipients: 'x@@y.com' }, /^CC: .*not a valid email address/],
		['no recipient', { toRecipients: '' }, /^To: No recipient.*\[item 0\]/],
		['a missing binary property', { toRecipients: 'ann@contoso.com', options: { attachments: 'nope' } }, /^Attachments: The item has no binary property "nope".*\[item 0\]/],
		['CR/LF in the subject', { toRecipients: 'ann@contoso.com', subject: 'Hi\r\nBcc: evil@attacker.net' }, /^Subject: .*line break.*\[item 0\]/],
		['CR/LF in an address', { toRecipients: 'ann@contoso.com\r\nBcc: evil@attacker.net' }, /^To: .*line break/],
		['CR/LF in a header name', { toRecipients: 'ann@contoso.com', options: { internetHeaders: { header: [{ name: 'x-a\r\nBcc', value: 'v' }] } } }, /^Internet Headers: .*line break/],
		['CR/LF in a header value', { toRecipients: 'ann@contoso.com', options: { internetHeaders: { header: [{ name: 'x-a', value: 'v\nBcc: e@v.il' }] } } }, /^Internet Headers: .*line break/],
		['a header Graph refuses', { toRecipients: 'ann@contoso.com', options: { internetHeaders: { header: [{ name: 'Received', value: 'v' }] } } }, /^Internet Headers: "Received" is not allowed/],
		['inline images with a text body', { toRecipients: 'ann@contoso.com', bodyContentType: 'text', options: { inlineImages: 'img' } }, /^Inline Images: .*HTML body/],
	];
	test.each(cases)('%s', async (_name, parameters, message) => {
		const error = await failure(
			send(contoso, { parameters: { subject: 's', bodyContent: 'x', ...parameters }, items: [{ json: {}, binary: { img: binary(Buffer.from('png'), 'i.png', 'image/png') } }] }),
		);
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(/Nothing was sent/);
		expect(contoso.emu.stats().graphRequests).toBe(0);
	});

	test('an unknown mailbox: Graph ErrorInvalidUser, named', async () => {
		const error = await failure(send(contoso, { parameters: { mailbox: 'nobody@contoso.onmicrosoft.com', toRecipients: ALICE, subject: 's', bodyContent: 'x' } }));
		expect(error.message).toMatch(/ErrorInvalidUser/);
		expect(error.description).toMatch(/Check the Mailbox/);
		expect(error.context?.itemIndex).toBe(0);
	});

	test('missing Mail.Send (application): the 403 names the permission', async () => {
		contoso.emu.addApp('contoso-tenant-id', { clientId: 'app-read-only', secrets: [{ id: 'ro-id', value: 'Ro~fake-secret-VALUE' }], applicationPermissions: ['Mail.ReadWrite'] });
		const error = await failure(
			send(contoso, {
				parameters: { toRecipients: ALICE, subject: 's', bodyContent: 'x' },
				credentials: { microsoftGraphMailClientCredentialsApi: { ...contoso.clientCredentials, clientId: 'app-read-only', clientSecret: 'Ro~fake-secret-VALUE' } },
			}),
		);
		expect((error as { httpCode?: string }).httpCode).toBe('403');
		expect(error.description).toMatch(/Mail\.Send \(application\)/);
	});

	test('missing Mail.ReadWrite for a large attachment: the 403 names it', async () => {
		const ann = addMailbox(contoso, 'ann-no-rw');
		const error = await failure(
			send(contoso, {
				parameters: { toRecipients: ann, subject: 's', bodyContent: 'x', options: { attachments: 'big' } },
				items: [{ json: {}, binary: { big: binary(randomFile(3 * 1024 * 1024 + 1), 'big.bin') } }],
				credentials: { microsoftGraphMailClientCredentialsApi: { ...contoso.clientCredentials, clientId: 'app-send-only' } },
			}),
		);
		expect(error.description).toMatch(/Mail\.ReadWrite \(application\)/);
		expect(inbox(ann)).toEqual([]);
	});

	test('delegated, a shared mailbox without Mail.Send.Shared: the 403 names Mail.Send.Shared', async () => {
		contoso.emu.addApp('contoso-tenant-id', {
			clientId: 'app-ropc-own-only',
			secrets: [{ id: 'own-id', value: 'Own~fake-secret-VALUE' }],
			delegatedScopes: ['openid', 'profile', 'offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send'],
		});
		const error = await failure(
			send(contoso, {
				authentication: 'password',
				parameters: { mailbox: 'shared-inbox@contoso.onmicrosoft.com', toRecipients: ALICE, subject: 's', bodyContent: 'x' },
				credentials: { microsoftGraphMailPasswordApi: { ...contoso.passwordCredentials, clientId: 'app-ropc-own-only', clientSecret: 'Own~fake-secret-VALUE' } },
			}),
		);
		expect(error.description).toMatch(/Mail\.Send\.Shared \(delegated\)/);
	});

	test('delegated: "me" sends from the signed-in user, a shared mailbox with Mail.Send.Shared works', async () => {
		const ann = addMailbox(contoso, 'ann-delegated');
		const out = await send(contoso, {
			authentication: 'password',
			parameters: { mailbox: '={{ $json.mb }}', toRecipients: ann, subject: '={{ "as " + $json.mb }}', bodyContent: 'x' },
			items: [{ json: { mb: 'me' } }, { json: { mb: 'shared-inbox@contoso.onmicrosoft.com' } }],
			credentials: { microsoftGraphMailPasswordApi: contoso.passwordCredentials },
		});
		expect(out.map((o) => o.json.mailbox)).toEqual(['me', 'shared-inbox@contoso.onmicrosoft.com']);
		const bySubject = Object.fromEntries(inbox(ann).map((m) => [m.subject, m.from?.emailAddress.address]));
		expect(bySubject).toEqual({ 'as me': 'bob@contoso.onmicrosoft.com', 'as shared-inbox@contoso.onmicrosoft.com': 'shared-inbox@contoso.onmicrosoft.com' });
	});
});
