/**
 * The time a poll may spend. n8n (2.41+, durable scheduler) abandons a poll that runs past its
 * budget and throws its result away; so paging stops early enough to leave time for marking mail
 * as read and handing the items over. Older n8n has no budget: we assume 5 minutes, as n8n-core does.
 */
import type { MailTriggerContext } from './triggerContext';

const DEFAULT_BUDGET_MS = 5 * 60_000;
/** Share of the budget for fetching pages (and their attachments); the rest is reserve. */
const FETCH_SHARE = 0.6;

export class PollBudget {
	private readonly fetchUntil: number;
	private slowestPageMs = 0;

	constructor(budgetMs: number, private readonly now: () => number = Date.now) {
		this.fetchUntil = now() + Math.max(0, budgetMs) * FETCH_SHARE;
	}

	static of(ctx: MailTriggerContext): PollBudget {
		// getPollBudgetMs came with n8n-workflow 2.41; the package also runs on older n8n (peerDependencies).
		const { getPollBudgetMs } = ctx as MailTriggerContext & { getPollBudgetMs?: () => number };
		const budget = typeof getPollBudgetMs === 'function' ? getPollBudgetMs.call(ctx) : DEFAULT_BUDGET_MS;
		return new PollBudget(Number.isFinite(budget) && budget > 0 ? budget : DEFAULT_BUDGET_MS);
	}

	/** Records how long a page (with its attachments) took; the slowest one so far is the estimate. */
	pageTook(ms: number): void {
		this.slowestPageMs = Math.max(this.slowestPageMs, ms);
	}

	/** Whether one more page (estimated at twice the slowest so far) still fits. */
	hasTimeForPage(): boolean {
		return this.now() + 2 * this.slowestPageMs < this.fetchUntil;
	}
}
