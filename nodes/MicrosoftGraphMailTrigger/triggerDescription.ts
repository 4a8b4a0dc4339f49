/** The New Mail trigger's fields. Folder, output and attachment choices are the action node's own. */
import type { INodeProperties } from 'n8n-workflow';
import { mailboxField } from '../shared/descriptions/authentication';
import { outputFields, readOptions } from '../MicrosoftGraphMail/actions/message/read/output';

export const DEFAULT_MAX_MAILS_PER_POLL = 500;

const newMail = { event: ['newMail'] };

/** Output and Fields as Get Messages shows them, shown here for the New Mail event. */
const [outputField, fieldsField] = outputFields('newMail');

const sharedOption = (name: string): INodeProperties => {
	const option = readOptions.find((o) => o.name === name);
	if (!option) throw new Error(`Get Messages has no option "${name}"`);
	return option;
};

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'New Mail', value: 'newMail', description: 'A mail arrives in one of the folders' }],
		default: 'newMail',
	},
	{ ...mailboxField, displayOptions: { show: newMail } },
	{
		displayName: 'Folder Names or IDs',
		name: 'folders',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getWatchableFolders', loadOptionsDependsOn: ['mailbox'] },
		default: ['inbox'],
		description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Each folder is watched on its own (not its subfolders). An expression may also give well-known names (inbox, sentitems) or paths such as Inbox/Invoices.',
		displayOptions: { show: newMail },
	},
	{
		displayName: 'Include Mail Already in the Folder',
		name: 'includeExisting',
		type: 'boolean',
		default: false,
		displayOptions: { show: newMail },
		description:
			'Whether the first polls after activation also emit the mail already in the folders (in batches of Max Mails per Poll). Off: only mail arriving after activation.',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: newMail },
		description: 'Mail that does not match is skipped for good (it is not looked at again when it changes later)',
		options: [
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'alice@contoso.com, @fabrikam.com',
				description: 'Sender addresses or whole domains (@fabrikam.com), separated by commas',
			},
			{
				displayName: 'Has Attachments',
				name: 'hasAttachments',
				type: 'boolean',
				default: true,
				description: 'Whether only mail with attachments is emitted (inline images do not count)',
			},
			{
				displayName: 'Importance',
				name: 'importance',
				type: 'options',
				options: [
					{ name: 'High', value: 'high' },
					{ name: 'Normal', value: 'normal' },
					{ name: 'Low', value: 'low' },
				],
				default: 'high',
			},
			{ displayName: 'Subject Contains', name: 'subjectContains', type: 'string', default: '', description: 'Text the subject must contain (any case)' },
			{ displayName: 'Unread Only', name: 'unreadOnly', type: 'boolean', default: true, description: 'Whether mail already read when the trigger sees it is skipped' },
		],
	},
	{ ...outputField, displayOptions: { show: newMail } },
	{ ...fieldsField, displayOptions: { show: { ...newMail, output: ['fields'] } } },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: newMail },
		options: [
			sharedOption('bodyFormat'),
			sharedOption('downloadAttachments'),
			sharedOption('attachmentPrefix'),
			sharedOption('maxAttachmentSize'),
			{
				displayName: 'Mark as Read',
				name: 'markAsRead',
				type: 'boolean',
				default: false,
				description: 'Whether mail the trigger emits is marked as read in the mailbox (needs Mail.ReadWrite). It happens with the next poll, once n8n has stored the execution, so mail of an abandoned poll stays unread.',
			},
			{
				displayName: 'Max Mails per Poll',
				name: 'maxMailsPerPoll',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_MAILS_PER_POLL,
				description: 'A larger burst is emitted over several polls, in arrival order, none lost or repeated',
			},
		],
	},
];
