/** The category picker of Update: the mailbox's master category list, by name (messages carry category names). */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { createGraphClient } from '../../shared/transport/graphClient';

function currentMailbox(ctx: ILoadOptionsFunctions): string {
	try {
		return String(ctx.getCurrentNodeParameter('mailbox') ?? '');
	} catch {
		// An expression that needs input data cannot be resolved while editing: use the default mailbox.
		return '';
	}
}

export async function getCategories(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await createGraphClient(this);
	const mailboxPath = client.mailboxPath(currentMailbox(this));
	const options: INodePropertyOptions[] = [];
	for await (const page of client.pages<{ displayName?: string; color?: string }>({
		url: `${mailboxPath}/outlook/masterCategories`,
		permission: client.kind === 'clientCredentials' ? 'MailboxSettings.Read (application)' : 'MailboxSettings.Read (delegated)',
	})) {
		for (const c of page.value) if (c.displayName) options.push({ name: c.displayName, value: c.displayName });
	}
	return options.sort((a, b) => a.name.localeCompare(b.name));
}
