/** The Message field: an id, or an Outlook on the web link pasted from the browser, names the same mail. */
import { idFromOutlookLink } from '../../../../nodes/MicrosoftGraphMail/actions/message/messageLocator';
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, byLink, failureOf, run, seed, stored } from './messageFixture';


describe('links from Outlook on the web', () => {
	test.each([
		['Graph webLink (owa ItemID)', 'https://outlook.office365.com/owa/?ItemID=AAMkAGI2TG93%2BabcXdef%2FAAA%3D&exvsurl=1&viewmodel=ReadMessageItem', 'AAMkAGI2TG93_abcXdef-AAA='],
		['new Outlook, folder view', 'https://outlook.office.com/mail/inbox/id/AAMkAGI2TG93%2BabcXdef%2FAAA%3D', 'AAMkAGI2TG93_abcXdef-AAA='],
		['new Outlook, no folder', 'https://outlook.office.com/mail/id/AAMkAGI2TG93%2BabcXdef%2FAAA%3D', 'AAMkAGI2TG93_abcXdef-AAA='],
		['deep link', 'https://outlook.office.com/mail/deeplink/read/AAMkAGI2TG93%2BabcXdef%2FAAA%3D?popoutv2=1', 'AAMkAGI2TG93_abcXdef-AAA='],
		['outlook.live.com with account index', 'https://outlook.live.com/mail/0/inbox/id/AAMkAGI2TG93%2BabcXdef%2FAAA%3D', 'AAMkAGI2TG93_abcXdef-AAA='],
	])('%s', (_name, link, id) => {
		expect(idFromOutlookLink(link)).toBe(id);
	});

	test('a conversation link or a link without an id is refused with what to do', () => {
		expect(() => idFromOutlookLink('https://outlook.office.com/mail/inbox/id/AAQkAGI2TG93AAA%3D')).toThrow(/names a conversation, not one message/);
		expect(() => idFromOutlookLink('https://outlook.office.com/mail/inbox')).toThrow(/No message ID in the link/);
		expect(() => idFromOutlookLink('outlook inbox')).toThrow(/is not a web address/);
	});
});

describe('against the mailbox', () => {
	let contoso: Contoso;
	let mailbox: string;
	beforeAll(async () => {
		contoso = await startContoso();
		mailbox = addMailbox(contoso, 'locator');
	});
	afterAll(async () => {
		await contoso?.emu.stop();
	});

	test("the webLink Get Messages outputs, pasted as a link, names the mail (Outlook's EWS id form turned into Graph's)", async () => {
		const m = seed(contoso, mailbox, 'Linked');
		expect(m.webLink).toMatch(/ItemID=/);
		const [out] = await run(contoso, 'update', { mailbox, message: byLink(m.webLink), updateFields: { readStatus: 'read' } });
		expect(out.json.id).toBe(m.id);
		expect(stored(contoso, mailbox, m.id)!.isRead).toBe(true);
	});

	test('a link pasted into By ID works too; an expression giving the id works', async () => {
		const m = seed(contoso, mailbox, 'Pasted');
		await run(contoso, 'update', { mailbox, message: byId(m.webLink), updateFields: { importance: 'high' } });
		expect(stored(contoso, mailbox, m.id)!.importance).toBe('high');
		await run(contoso, 'update', { mailbox, message: byId('={{ $json.id }}'), updateFields: { importance: 'low' } }, { items: [{ json: { id: m.id } }] });
		expect(stored(contoso, mailbox, m.id)!.importance).toBe('low');
	});

	test('a bad link names the Message field and the item', async () => {
		const error = await failureOf(run(contoso, 'update', { mailbox, message: byLink('https://outlook.office.com/mail/inbox'), updateFields: { readStatus: 'read' } }));
		expect(error.message).toMatch(/^Message: No message ID in the link .* \[item 0\]$/);
	});
});
