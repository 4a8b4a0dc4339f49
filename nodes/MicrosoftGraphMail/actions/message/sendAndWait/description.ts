/** The fields of Send and Wait for Response: Send Mail's addressing and options, then what to ask. */
import { SEND_AND_WAIT_OPERATION, type INodeProperties } from 'n8n-workflow';
import { composeFields } from '../send/description';

/** n8n validates the signed resume link only for nodes whose operation is exactly this value. */
export const WAIT_OPERATION = SEND_AND_WAIT_OPERATION;

/** Send Mail options that make sense for a question mail (the body is built by the node). */
const KEPT_SEND_OPTIONS = new Set(['attachments', 'categories', 'from', 'importance', 'internetHeaders', 'replyTo', 'saveToSentItems']);

const show = { operation: [WAIT_OPERATION] };

const buttonStyle = (name: string, displayName: string, value: string): INodeProperties => ({
	displayName,
	name,
	type: 'options',
	options: [
		{ name: 'Primary', value: 'primary' },
		{ name: 'Secondary', value: 'secondary' },
	],
	default: value,
});

export const APPROVAL_FIELDS: INodeProperties = {
	displayName: 'Approval Options',
	name: 'approvalOptions',
	type: 'fixedCollection',
	placeholder: 'Add option',
	default: {},
	displayOptions: { show: { ...show, responseType: ['approval'] } },
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Type of Approval',
					name: 'approvalType',
					type: 'options',
					options: [
						{ name: 'Approve Only', value: 'single' },
						{ name: 'Approve and Disapprove', value: 'double' },
					],
					default: 'single',
				},
				{ displayName: 'Approve Button Label', name: 'approveLabel', type: 'string', default: 'Approve' },
				buttonStyle('buttonApprovalStyle', 'Approve Button Style', 'primary'),
				{ displayName: 'Disapprove Button Label', name: 'disapproveLabel', type: 'string', default: 'Decline', displayOptions: { show: { approvalType: ['double'] } } },
				{ ...buttonStyle('buttonDisapprovalStyle', 'Disapprove Button Style', 'secondary'), displayOptions: { show: { approvalType: ['double'] } } },
			],
		},
	],
};

export const FORM_FIELDS: INodeProperties = {
	displayName: 'Form Fields',
	name: 'formFields',
	type: 'fixedCollection',
	placeholder: 'Add Form Field',
	default: {},
	typeOptions: { multipleValues: true, sortable: true },
	displayOptions: { show: { ...show, responseType: ['customForm'] } },
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Element Type',
					name: 'fieldType',
					type: 'options',
					default: 'text',
					options: [
						{ name: 'Checkbox', value: 'checkbox', description: 'Yes or no' },
						{ name: 'Date', value: 'date' },
						{ name: 'Dropdown List', value: 'dropdown' },
						{ name: 'Email', value: 'email' },
						{ name: 'Number', value: 'number' },
						{ name: 'Text', value: 'text' },
						{ name: 'Textarea', value: 'textarea' },
					],
				},
				{ displayName: 'Field Label', name: 'fieldLabel', type: 'string', default: '', placeholder: 'e.g. What is your name?', description: 'Label shown above the field; also the key of the answer in the output', required: true },
				{
					displayName: 'Field Options',
					name: 'fieldOptions',
					type: 'fixedCollection',
					placeholder: 'Add Field Option',
					default: { values: [{ option: '' }] },
					typeOptions: { multipleValues: true, sortable: true },
					displayOptions: { show: { fieldType: ['dropdown'] } },
					options: [{ displayName: 'Values', name: 'values', values: [{ displayName: 'Option', name: 'option', type: 'string', default: '' }] }],
				},
				{ displayName: 'Placeholder', name: 'placeholder', type: 'string', default: '', displayOptions: { hide: { fieldType: ['dropdown', 'checkbox', 'date'] } } },
				{ displayName: 'Required Field', name: 'requiredField', type: 'boolean', default: false, description: 'Whether the person must fill this field in before submitting' },
			],
		},
	],
};

const WAIT_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Limit Wait Time',
		name: 'limitWaitTime',
		type: 'fixedCollection',
		default: { values: { resumeAmount: 1, resumeUnit: 'days' } },
		description: 'Stop waiting after this long; what happens then is set by On Timeout',
		options: [
			{
				displayName: 'Values',
				name: 'values',
				values: [
					{ displayName: 'Amount', name: 'resumeAmount', type: 'number', typeOptions: { minValue: 0, numberPrecision: 2 }, default: 1 },
					{
						displayName: 'Unit',
						name: 'resumeUnit',
						type: 'options',
						options: [
							{ name: 'Seconds', value: 'seconds' },
							{ name: 'Minutes', value: 'minutes' },
							{ name: 'Hours', value: 'hours' },
							{ name: 'Days', value: 'days' },
						],
						default: 'days',
					},
				],
			},
		],
	},
	{ displayName: 'Message Button Label', name: 'messageButtonLabel', type: 'string', default: 'Respond', description: 'Free Text and Custom Form: the label of the button in the mail that opens the form' },
	{
		displayName: 'On Timeout',
		name: 'onTimeout',
		type: 'options',
		options: [
			{ name: 'Continue With a Timeout Marker', value: 'marker', description: 'The node outputs one item { timedOut: true, data: {} }' },
			{ name: 'Continue With the Input Items', value: 'passThrough', description: "The node's input items pass on unchanged (what n8n's built-in mail nodes do)" },
			{
				name: 'Continue on a Timed Out Output',
				value: 'output',
				description: 'The node gets a second output, Timed Out, with the marker item; connect a Stop and Error node there to fail the workflow. Needs n8n 2.x.',
			},
		],
		default: 'marker',
		description: 'What the node outputs when Limit Wait Time runs out before anyone answers',
	},
	{ displayName: 'Response Form Button Label', name: 'responseFormButtonLabel', type: 'string', default: 'Submit' },
	{ displayName: 'Response Form Description', name: 'responseFormDescription', type: 'string', default: '', description: 'Shown above the form; the Message when empty' },
	{ displayName: 'Response Form Title', name: 'responseFormTitle', type: 'string', default: '', description: 'The Subject when empty' },
];

function sendAndWaitFields(): INodeProperties[] {
	const compose = composeFields(WAIT_OPERATION, 'send').filter((f) => f.name !== 'bodyContentType' && f.name !== 'bodyContent');
	const fields: INodeProperties[] = [];
	for (const field of compose) {
		if (field.name === 'options') continue;
		fields.push(field.name === 'subject' ? { ...field, required: true, placeholder: 'e.g. Approval required' } : field);
		if (field.name === 'subject') {
			fields.push({
				displayName: 'Message',
				name: 'message',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '',
				required: true,
				description: 'Plain text shown in the mail above the buttons (line breaks kept, HTML shown as text)',
				displayOptions: { show },
			});
		}
	}
	const sendOptions = (compose.find((f) => f.name === 'options')?.options as INodeProperties[]).filter((o) => KEPT_SEND_OPTIONS.has(o.name));
	return [
		...fields,
		{
			displayName: 'Response Type',
			name: 'responseType',
			type: 'options',
			default: 'approval',
			displayOptions: { show },
			options: [
				{ name: 'Approval', value: 'approval', description: 'Approve (and optionally Disapprove) buttons in the mail' },
				{ name: 'Free Text', value: 'freeText', description: 'A button in the mail opens a page with a text box' },
				{ name: 'Custom Form', value: 'customForm', description: 'A button in the mail opens a form with the fields defined here' },
			],
		},
		APPROVAL_FIELDS,
		FORM_FIELDS,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show },
			options: [...sendOptions, ...WAIT_OPTIONS].sort((a, b) => a.displayName.localeCompare(b.displayName)),
		},
	];
}

export const sendAndWaitFieldList = sendAndWaitFields();

/** On Timeout = Timed Out output: a second output; every other case: the one main output. */
export const OUTPUTS_EXPRESSION = `={{ $parameter.operation === "${WAIT_OPERATION}" && ($parameter.options ?? {}).onTimeout === "output" ? [{ type: "main", displayName: "Response" }, { type: "main", displayName: "Timed Out" }] : ["main"] }}`;

export const hasTimedOutOutput = (options: { onTimeout?: unknown } | undefined) => options?.onTimeout === 'output';
