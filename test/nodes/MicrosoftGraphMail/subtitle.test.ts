/** The node's subtitle on the canvas names the resource's own operation: a Folder Delete is not "Delete a message". */
import { MicrosoftGraphMail } from '../../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';

function subtitleFor(parameters: Record<string, string>): string {
	const expression = String(new MicrosoftGraphMail().description.subtitle);
	const body = /^=\{\{(.*)\}\}$/s.exec(expression)?.[1];
	if (!body) throw new Error(`not an n8n expression: ${expression}`);
	return new Function('$parameter', `return (${body});`)(parameters);
}

test.each([
	[{ operation: 'send' }, 'Send a mail'],
	[{ resource: 'message', operation: 'delete' }, 'Delete a message'],
	[{ resource: 'folder', operation: 'delete' }, 'Delete a folder'],
	[{ resource: 'folder', operation: 'getMany' }, 'Get many folders'],
	[{ resource: 'draft', operation: 'send' }, 'Send a draft'],
])('%j reads "%s"', (parameters, expected) => {
	expect(subtitleFor(parameters)).toBe(expected);
});
