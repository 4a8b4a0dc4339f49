/**
 * Real n8n-core execution contexts for running our nodes in-process: the same helpers
 * (httpRequest, httpRequestWithAuthentication with OAuth2 refresh, binary data, continue-on-fail,
 * static data) that n8n gives a node. Only the credential store is ours: it hands out the test's
 * credential data and calls the credential type's `authenticate`, as n8n's CredentialsHelper does.
 */
import { ExecuteContext, HookContext, PollContext, WebhookContext } from 'n8n-core';
import {
	createRunExecutionData,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { MicrosoftGraphMailClientCredentialsApi } from '../../credentials/MicrosoftGraphMailClientCredentialsApi.credentials';
import { MicrosoftGraphMailOAuth2Api } from '../../credentials/MicrosoftGraphMailOAuth2Api.credentials';
import { MicrosoftGraphMailPasswordApi } from '../../credentials/MicrosoftGraphMailPasswordApi.credentials';
import { recordVisible } from './leakWatch';

const CREDENTIAL_TYPES: Record<string, ICredentialType> = Object.fromEntries(
	[new MicrosoftGraphMailClientCredentialsApi(), new MicrosoftGraphMailPasswordApi(), new MicrosoftGraphMailOAuth2Api()].map((t) => [t.name, t]),
);

export interface NodeRun {
	nodeType: INodeType;
	parameters: INodeParameters;
	/** Credential data by credential type name (decrypted, expressions already resolved). */
	credentials?: Record<string, IDataObject>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	mode?: WorkflowExecuteMode;
	/** Workflow static data (trigger cursors); kept by the caller between polls. */
	staticData?: IDataObject;
}

/** What the credential store saw: OAuth2 token refreshes n8n would persist. */
export interface CredentialStore {
	data: Record<string, IDataObject>;
	oauthUpdates: IDataObject[];
}

function buildWorkflow(run: NodeRun) {
	const node: INode = {
		id: 'node-under-test',
		name: 'Graph Mail',
		type: run.nodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: run.parameters,
		credentials: Object.fromEntries(Object.keys(run.credentials ?? {}).map((type) => [type, { id: `${type}-id`, name: type }])),
		continueOnFail: run.continueOnFail,
		onError: run.continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
	};
	const nodeTypes: INodeTypes = {
		getByName: () => run.nodeType,
		getByNameAndVersion: () => run.nodeType,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const workflow = new Workflow({
		id: 'wf-test',
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		staticData: run.staticData,
	});
	const store: CredentialStore = { data: { ...(run.credentials ?? {}) }, oauthUpdates: [] };
	const credentialsHelper = {
		getParentTypes: (name: string) => CREDENTIAL_TYPES[name]?.extends ?? [],
		isCredentialUsableByNode: () => true,
		getDecrypted: async (_a: unknown, details: { name: string }, type: string) => {
			const data = store.data[type];
			if (!data) throw new Error(`no test credential of type ${type} (${details?.name})`);
			return structuredClone(data) as ICredentialDataDecryptedObject;
		},
		authenticate: async (credentials: ICredentialDataDecryptedObject, type: string, options: IHttpRequestOptions) => {
			const authenticate = CREDENTIAL_TYPES[type]?.authenticate;
			return typeof authenticate === 'function' ? await authenticate(credentials, options) : options;
		},
		preAuthentication: async () => undefined,
		runPreAuthentication: async () => undefined,
		getCredentials: async () => {
			throw new Error('not used');
		},
		updateCredentials: async (_d: unknown, type: string, data: IDataObject) => {
			store.data[type] = data;
		},
		updateCredentialsOauthTokenData: async (_d: unknown, type: string, data: IDataObject) => {
			store.data[type] = { ...store.data[type], ...data };
			store.oauthUpdates.push(data);
		},
		getCredentialsProperties: () => [],
	};
	const additionalData = {
		credentialsHelper,
		executionId: 'test-execution',
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	return { node, workflow, additionalData, store };
}

/** An n8n execute context for `run`, e.g. to drive the Graph client directly. */
export function executeContext(run: NodeRun) {
	const { node, workflow, additionalData, store } = buildWorkflow(run);
	const items = run.items ?? [{ json: {} }];
	const runExecutionData = createRunExecutionData();
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		run.mode ?? 'manual',
		runExecutionData,
		0,
		items,
		{ main: [items] },
		{ node, data: { main: [items] }, source: { main: [null] } } as never,
		[],
	);
	return { context, store };
}

/** Runs an action node's `execute` the way n8n does, returning its output. */
export async function runNode(run: NodeRun): Promise<{ output: INodeExecutionData[][]; store: CredentialStore }> {
	const { context, store } = executeContext(run);
	try {
		const output = (await run.nodeType.execute!.call(context)) as INodeExecutionData[][];
		recordVisible(output);
		return { output, store };
	} catch (error) {
		recordVisible(error);
		throw error;
	}
}

/** An n8n poll context for a trigger; static data lives in `run.staticData` between polls. */
export function pollContext(run: NodeRun & { activation?: 'init' | 'manual' | 'activate' | 'update' | 'leadershipChange' }) {
	const { node, workflow, additionalData, store } = buildWorkflow(run);
	const context = new PollContext(workflow, node, additionalData, run.mode ?? 'trigger', run.activation ?? 'activate');
	/** One poll as n8n runs it; what it emits or throws goes to the secret scan. */
	const poll = async () => {
		try {
			const emitted = await run.nodeType.poll!.call(context);
			recordVisible(emitted);
			return emitted;
		} catch (error) {
			recordVisible(error);
			throw error;
		}
	};
	return { context, store, workflow, poll };
}

/** The HTTP exchange a webhook sees: the request n8n parsed, and what the node wrote to the response. */
export interface WebhookExchange {
	method: 'GET' | 'POST';
	query?: Record<string, string>;
	body?: IDataObject;
}
export interface WebhookReply {
	status: number;
	headers: Record<string, string>;
	body: string;
}

/**
 * An n8n webhook context for a node's `webhook()` while an execution waits (as n8n's waiting
 * webhooks call it, with the execution id set); the express request and response are minimal stand-ins.
 */
export function webhookContext(run: NodeRun, exchange: WebhookExchange) {
	const { node, workflow, additionalData } = buildWorkflow(run);
	const reply: WebhookReply = { status: 200, headers: {}, body: '' };
	const res = {
		status(code: number) {
			reply.status = code;
			return res;
		},
		setHeader(name: string, value: string) {
			reply.headers[name.toLowerCase()] = value;
			return res;
		},
		end(body?: string) {
			reply.body = body ?? '';
			return res;
		},
	};
	const req = { method: exchange.method, query: exchange.query ?? {}, body: exchange.body ?? {}, headers: {}, url: '/' };
	Object.assign(additionalData, { httpRequest: req, httpResponse: res });
	const webhookData = { httpMethod: exchange.method, node: node.name, path: node.id, webhookDescription: {}, workflowId: workflow.id } as unknown as IWebhookData;
	const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], createRunExecutionData());
	return { context, reply };
}

/** A webhook node under test: where n8n's webhook URLs start (WEBHOOK_URL + /webhook) and its webhookId. */
export interface WebhookRun extends NodeRun {
	webhookBaseUrl: string;
	webhookId: string;
	workflowId?: string;
}

function buildWebhookWorkflow(run: WebhookRun) {
	const built = buildWorkflow(run);
	built.node.webhookId = run.webhookId;
	if (run.workflowId) built.workflow.id = run.workflowId;
	Object.assign(built.additionalData, { webhookBaseUrl: run.webhookBaseUrl });
	return built;
}

/** The context of webhookMethods (checkExists / create / delete), as n8n builds it on activation. */
export function hookContext(run: WebhookRun, activation: WorkflowActivateMode = 'activate') {
	const { node, workflow, additionalData } = buildWebhookWorkflow(run);
	return { context: new HookContext(workflow, node, additionalData, 'trigger', activation), workflow };
}

/** The context of one call of a trigger's webhook (no execution yet), with the request (body, query, headers) and an express-like response. */
export function webhookCallContext(run: WebhookRun, request: { body: unknown; query: Record<string, string>; headers: Record<string, string> }, response: unknown) {
	const { node, workflow, additionalData } = buildWebhookWorkflow(run);
	Object.assign(additionalData, { httpRequest: request, httpResponse: response });
	const webhookData = { httpMethod: 'POST', node: node.name, path: 'graph-mail', webhookDescription: { name: 'default', httpMethod: 'POST', path: 'graph-mail' }, workflowId: workflow.id } as unknown as IWebhookData;
	return { context: new WebhookContext(workflow, node, additionalData, run.mode ?? 'webhook', webhookData, [], null), workflow };
}
