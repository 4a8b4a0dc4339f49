/**
 * "Only mail arriving after activation" with n8n 2.41's durable poll cursors. There a poll's node
 * static data is a staged copy, and the activation poll's copy is dropped when it emits nothing:
 * the first scheduled poll would find no cursor and start "from now" at its own time, losing the
 * mail that arrived in between (up to a whole poll interval).
 *
 * So the activation poll also keeps its start time (Graph's clock) in the workflow's global static
 * data, which n8n saves after every activation (ActiveWorkflowManager.add → saveStaticData), and a
 * scheduled poll that finds no cursor starts its baseline there. n8n's scheduler runs every
 * scheduled poll with activation mode "update"; an activation ("activate", "init") always starts
 * from now and records that time afresh, so an old record never reaches back before it.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

interface ActivationRecord {
	/** The mailbox the record belongs to (the cursor's scope). */
	scope: string;
	/** Epoch seconds, Graph's clock. */
	at: number;
}

function recordKey(ctx: IPollFunctions): string {
	return `microsoftGraphMailTrigger:${ctx.getNode().id}:activatedAt`;
}

/** Whether n8n runs this poll to activate the trigger (rather than on its schedule). */
export function isActivationPoll(ctx: IPollFunctions): boolean {
	return ctx.getActivationMode() !== 'update';
}

/** Where a scheduled poll without a cursor starts: the recorded activation time, if there is one for this mailbox. */
export function activationTime(ctx: IPollFunctions, scope: string): number | undefined {
	if (isActivationPoll(ctx)) return undefined;
	const record = ctx.getWorkflowStaticData('global')[recordKey(ctx)] as ActivationRecord | undefined;
	return record && record.scope === scope && typeof record.at === 'number' ? record.at : undefined;
}

export function recordActivation(ctx: IPollFunctions, scope: string, at: number): void {
	const global = ctx.getWorkflowStaticData('global');
	global[recordKey(ctx)] = { scope, at } satisfies ActivationRecord as unknown as IDataObject;
}
