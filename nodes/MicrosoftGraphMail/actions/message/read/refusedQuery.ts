/** Graph refused a listing's $filter or $search: show its message, what we sent and what to change. */
import { NodeOperationError, type INode, type NodeApiError } from 'n8n-workflow';
import type { MessageQuery } from './filterBuilder';

function adviceFor(code: string, query: MessageQuery, rawFilter: boolean): string {
	if (query.$search) {
		return 'Change Search: use plain words or KQL such as subject:invoice or from:alice@contoso.com, with balanced double quotes.';
	}
	if (code === 'InefficientFilter') {
		return 'Graph cannot sort this filter by received time. Simplify Filters > Raw Filter (leave out conditions on properties such as body or recipients), or use Find By: Search.';
	}
	if (rawFilter) {
		return "Check Filters > Raw Filter: OData syntax, property names as Graph spells them (e.g. from/emailAddress/address), strings in single quotes with a quote inside doubled (''), dates unquoted (2024-05-01T00:00:00Z).";
	}
	return 'Change the Filters: one of them is not accepted by this mailbox.';
}

export function refusedQueryError(node: INode, error: NodeApiError, query: MessageQuery, rawFilter: boolean, itemIndex: number): NodeOperationError {
	const code = String(error.errorResponse?.code ?? '');
	const what = query.$search ? 'search' : 'filter';
	const sent = query.$search ? `$search=${query.$search}` : `$filter=${query.$filter}`;
	const field = query.$search ? 'Search' : rawFilter ? 'Filters > Raw Filter' : 'Filters';
	return new NodeOperationError(node, `${field}: Graph refused the ${what}: ${error.message}`, {
		description: [adviceFor(code, query, rawFilter), `Sent: ${sent}`, error.description].filter(Boolean).join(' · '),
		itemIndex,
	});
}
