/**
 * The soak (issue 7): mail flows into a support mailbox while a workflow-shaped loop triggers on it
 * and answers each mail, under seeded random faults. Counts what came in, what the trigger emitted
 * (per mail), and what replies reached the senders' inboxes (per mail).
 *
 * The workflow, as it would be built in n8n:
 *   New Mail trigger (support mailbox, Subject Contains "Ticket")
 *     → Send Mail (To {{$json.fromAddress}}, Subject "Re: {{$json.subject}}",
 *                  Delivery: Exactly Once (via Draft), Idempotency Key {{$json.id}}, continue on fail)
 *     → items with an error → Wait → Send Mail again (the key makes any retry safe)
 * Each poll is one execution of the trigger with the workflow's static data; a restart goes on from
 * a deep copy of that static data only. Executions run concurrently with the next polls, as in n8n.
 */
import type { IDataObject, INodeExecutionData, INodeType } from 'n8n-workflow';
import { startContoso, TENANT, type Contoso } from '../../test/fixtures/contoso';
import { findLeaks, resetLeakWatch } from '../../test/harness/leakWatch';
import { pollContext, runNode } from '../../test/harness/n8nContext';
import { FaultInjector, type InjectedFault } from './faults';
import { between, mulberry32, pick } from './prng';

// Plain Node resolution would find the codex `.node.json` first: name the .ts.
/* eslint-disable @typescript-eslint/no-require-imports */
const { MicrosoftGraphMail } = require('../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node.ts') as { MicrosoftGraphMail: new () => INodeType };
const { MicrosoftGraphMailTrigger } = require('../../nodes/MicrosoftGraphMailTrigger/MicrosoftGraphMailTrigger.node.ts') as {
	MicrosoftGraphMailTrigger: new () => INodeType;
};
/* eslint-enable @typescript-eslint/no-require-imports */

export interface SoakProfile {
	name: string;
	/** Mails that need an answer ("Ticket …"). */
	mails: number;
	/** Share of extra mails the workflow must ignore (newsletters from outside). */
	noiseShare: number;
	/** Arrival rate, mails per second (tickets and noise together). */
	mailsPerSecond: number;
	latencyMs: number;
	pollIntervalMs: number;
	maxMailsPerPoll: number;
	faultEveryMs: number;
	retryDelayMs: number;
	maxSendAttempts: number;
	/** Hard stop for the whole run, startup included. */
	deadlineMs: number;
	senders: number;
}

export const PROFILES: Record<'full' | 'ci', SoakProfile> = {
	full: {
		name: 'full',
		mails: 10_000,
		noiseShare: 0.2,
		mailsPerSecond: 45,
		latencyMs: 5,
		pollIntervalMs: 250,
		maxMailsPerPoll: 100,
		faultEveryMs: 250,
		retryDelayMs: 1000,
		maxSendAttempts: 8,
		deadlineMs: 9 * 60_000,
		senders: 20,
	},
	ci: {
		name: 'ci',
		mails: 300,
		noiseShare: 0.2,
		mailsPerSecond: 40,
		latencyMs: 5,
		pollIntervalMs: 150,
		maxMailsPerPoll: 25,
		faultEveryMs: 80,
		retryDelayMs: 500,
		maxSendAttempts: 8,
		deadlineMs: 100_000,
		senders: 8,
	},
};

export interface SoakOptions {
	profile?: 'full' | 'ci' | SoakProfile;
	seed?: number;
	/**
	 * The workflow a careless builder would make: Delivery Automatic (one sendMail), no key, and every
	 * failed item sent again. Shows what the soak catches (it must fail); not a profile to pass.
	 */
	naiveRetries?: boolean;
	/** Progress lines (every 10 s); silent when absent. */
	log?: (line: string) => void;
}

export interface SoakReport {
	profile: string;
	seed: number;
	/** Counts: the run fails if lost, duplicated, doubleSent, wronglyAnswered or leaks is not 0. */
	mailsIn: number;
	noiseIn: number;
	triggersEmitted: number;
	repliesDelivered: number;
	lost: number;
	lostNeverEmitted: number;
	lostNoReply: number;
	duplicated: number;
	doubleSent: number;
	wronglyAnswered: number;
	leaks: number;
	deadlineHit: boolean;
	/** How the run went. */
	polls: number;
	failedPolls: number;
	restarts: number;
	executions: number;
	sendAttempts: number;
	sendErrorsDefinite: number;
	sendErrorsOutcomeUnknown: number;
	retriedItems: number;
	alreadySentOnRetry: number;
	confirmedAfterBrokenSend: number;
	unresolvedItems: number;
	orphanDrafts: number;
	faultTicks: number;
	faultsFired: number;
	faults: Record<string, number>;
	graphRequests: number;
	tokenRequests: number;
	throttled: number;
	requestsPerMail: number;
	wallSeconds: number;
	peakRssMb: number;
	peakHeapMb: number;
	/** Examples, for a failing run. */
	samples: { lost: string[]; duplicated: string[]; doubleSent: string[]; unresolvedErrors: string[] };
}

const SUPPORT = 'support@contoso.onmicrosoft.com';
const TICKET = /\[(soak-\d+-\d+)\]/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export function isOutcomeUnknown(item: IDataObject): boolean {
	return /may or may not|unknown/i.test(`${String(item.error ?? '')} ${String(item.description ?? '')}`);
}

export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
	const profile = typeof options.profile === 'object' ? options.profile : PROFILES[options.profile ?? 'full'];
	const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
	const log = options.log ?? (() => undefined);
	const started = Date.now();
	const deadline = started + profile.deadlineMs;
	const random = mulberry32(seed);
	// Separate streams, so timing (how many retries happen) cannot shift the mails or the faults.
	const mailRandom = mulberry32(seed ^ 0x5eed);
	const jitter = mulberry32(seed ^ 0x7e7);

	const contoso: Contoso = await startContoso({ latencyMs: profile.latencyMs });
	const { emu } = contoso;
	const faults = options.naiveRetries ? new FaultInjector(emu, random, ['sendMail', 'batch'], true) : new FaultInjector(emu, random);
	const senders = Array.from({ length: profile.senders }, (_, i) => `customer${String(i + 1).padStart(2, '0')}@contoso.onmicrosoft.com`);
	emu.addUser(TENANT, { upn: SUPPORT });
	for (const upn of senders) emu.addUser(TENANT, { upn });

	const credentials = { microsoftGraphMailClientCredentialsApi: { ...contoso.clientCredentials, defaultMailbox: SUPPORT } };
	const trigger = new MicrosoftGraphMailTrigger();
	const action = new MicrosoftGraphMail();
	const triggerParameters = {
		authentication: 'clientCredentials',
		event: 'newMail',
		mailbox: SUPPORT,
		filters: { subjectContains: 'Ticket' },
		options: { maxMailsPerPoll: profile.maxMailsPerPoll },
	};
	const replyParameters = {
		authentication: 'clientCredentials',
		operation: 'send',
		mailbox: SUPPORT,
		toRecipients: '={{ $json.fromAddress }}',
		subject: '=Re: {{ $json.subject }}',
		bodyContentType: 'text',
		bodyContent: '=Thank you, we are on it.\n\n> {{ $json.bodyPreview }}',
		options: options.naiveRetries ? {} : { delivery: 'draft', idempotencyKey: '={{ $json.id }}' },
	};

	// What n8n keeps for the workflow between polls.
	let staticData: IDataObject = {};
	const seeded = new Map<string, string>(); // tag → sender
	const emitted = new Map<string, number>();
	let noiseIn = 0;
	let wronglyAnswered = 0;
	const r = {
		polls: 0,
		failedPolls: 0,
		restarts: 0,
		executions: 0,
		sendAttempts: 0,
		sendErrorsDefinite: 0,
		sendErrorsOutcomeUnknown: 0,
		retriedItems: 0,
		alreadySentOnRetry: 0,
		confirmedAfterBrokenSend: 0,
		unresolvedItems: 0,
		faultTicks: 0,
		leaks: 0,
	};
	const unresolvedErrors: string[] = [];
	const inFlight = new Set<Promise<void>>();
	let peakRss = 0;
	let peakHeap = 0;
	const sample = () => {
		const m = process.memoryUsage();
		peakRss = Math.max(peakRss, m.rss);
		peakHeap = Math.max(peakHeap, m.heapUsed);
	};
	const timeLeft = () => deadline - Date.now();
	/** What the node showed, scanned for secrets every few executions, then forgotten (memory stays flat). */
	const scanVisible = () => {
		r.leaks += findLeaks(contoso.secrets).length;
		resetLeakWatch();
	};

	/** One execution of the workflow for the items a poll emitted: reply, retry what failed. */
	const execute = async (items: INodeExecutionData[]) => {
		r.executions++;
		let pending = items;
		for (let attempt = 1; pending.length > 0; attempt++) {
			r.sendAttempts += pending.length;
			let output: INodeExecutionData[];
			try {
				output = (await runNode({ nodeType: action, parameters: replyParameters, credentials, items: pending, continueOnFail: true })).output[0];
			} catch (error) {
				// The whole node failed (not one item): every item is retried, which the key makes safe.
				output = pending.map(() => ({ json: { error: (error as Error).message } }));
			}
			const failed: INodeExecutionData[] = [];
			output.forEach((out, i) => {
				if (out.json.error === undefined) {
					if (out.json.alreadySent === true) r.alreadySentOnRetry++;
					if (out.json.sendConfirmedAfterRetry === true) r.confirmedAfterBrokenSend++;
					return;
				}
				if (isOutcomeUnknown(out.json)) r.sendErrorsOutcomeUnknown++;
				else r.sendErrorsDefinite++;
				failed.push(pending[i]);
				if (attempt >= profile.maxSendAttempts) unresolvedErrors.push(`${String(pending[i].json.subject)}: ${String(out.json.error)}`);
			});
			if (failed.length === 0 || attempt >= profile.maxSendAttempts || timeLeft() < profile.retryDelayMs) {
				r.unresolvedItems += failed.length;
				return;
			}
			r.retriedItems += failed.length;
			await sleep(profile.retryDelayMs + between(jitter, 0, profile.retryDelayMs));
			pending = failed;
		}
	};

	const poll = async () => {
		if (faults.restartPending) {
			// n8n restarted: nothing but the stored static data survives.
			staticData = JSON.parse(JSON.stringify(staticData)) as IDataObject;
			faults.restartPending = false;
			r.restarts++;
		}
		r.polls++;
		let items: INodeExecutionData[];
		try {
			items = (await pollContext({ nodeType: trigger, parameters: triggerParameters, credentials, staticData }).poll())?.[0] ?? [];
		} catch {
			r.failedPolls++;
			return;
		}
		const tickets: INodeExecutionData[] = [];
		for (const item of items) {
			const tag = TICKET.exec(String(item.json.subject))?.[1];
			if (!tag) {
				wronglyAnswered++;
				continue;
			}
			emitted.set(tag, (emitted.get(tag) ?? 0) + 1);
			tickets.push({ json: item.json });
		}
		if (tickets.length === 0) return;
		const running: Promise<void> = execute(tickets).finally(() => inFlight.delete(running));
		inFlight.add(running);
		if (r.executions % 20 === 0) scanVisible();
	};

	let feedDone = false;
	let ticketNo = 0;
	const totalArrivals = Math.round(profile.mails / (1 - profile.noiseShare));
	const feeder = async () => {
		const startedAt = Date.now();
		for (let arrived = 0; arrived < totalArrivals && timeLeft() > 0; ) {
			const due = Math.min(totalArrivals, Math.floor(((Date.now() - startedAt) / 1000) * profile.mailsPerSecond) + 1);
			for (; arrived < due; arrived++) {
				const noise = ticketNo >= profile.mails || (mailRandom() < profile.noiseShare && noiseIn < totalArrivals - profile.mails);
				if (noise) {
					noiseIn++;
					emu.seedMessage(SUPPORT, 'inbox', {
						subject: `Newsletter ${noiseIn}: this week at Fabrikam`,
						from: { emailAddress: { name: 'Fabrikam News', address: 'news@fabrikam.example' } },
						receivedDateTime: new Date(),
						body: { contentType: 'html', content: '<p>Our news</p>' },
					});
					continue;
				}
				const tag = `soak-${seed}-${++ticketNo}`;
				const sender = pick(mailRandom, senders);
				seeded.set(tag, sender);
				emu.seedMessage(SUPPORT, 'inbox', {
					subject: `Ticket ${ticketNo}: printer on floor ${between(mailRandom, 1, 9)} is jammed [${tag}]`,
					from: { emailAddress: { name: sender.split('@')[0], address: sender } },
					receivedDateTime: new Date(),
					body: { contentType: 'text', content: `Hello support, ticket ${ticketNo}. ${'Details. '.repeat(between(mailRandom, 1, 20))}` },
				});
			}
			await sleep(50);
		}
		feedDone = true;
	};

	const allEmitted = () => feedDone && [...seeded.keys()].every((tag) => emitted.has(tag));
	let lastProgress = Date.now();
	const progress = () => {
		if (Date.now() - lastProgress < 10_000) return;
		lastProgress = Date.now();
		const stats = emu.stats();
		log(
			`[${Math.round((Date.now() - started) / 1000)}s] in ${seeded.size}/${profile.mails} emitted ${emitted.size} executions ${r.executions} (${inFlight.size} running) ` +
				`polls ${r.polls} (${r.failedPolls} failed, ${r.restarts} restarts) faults fired ${stats.faultsFired} requests ${stats.graphRequests} rss ${mb(process.memoryUsage.rss())} MB`,
		);
	};

	let deadlineHit = false;
	try {
		// Activation: the trigger's first poll learns where the mailbox stands (from now on).
		await pollContext({ nodeType: trigger, parameters: triggerParameters, credentials, staticData }).poll();
		log(`soak profile ${profile.name}: ${profile.mails} mails (+${Math.round(profile.noiseShare * 100)}% noise) at ${profile.mailsPerSecond}/s, seed ${seed}, latency ${profile.latencyMs} ms, a fault every ${profile.faultEveryMs} ms, deadline ${profile.deadlineMs / 1000} s`);
		const feeding = feeder();
		const faultTicker = setInterval(() => {
			const fault: InjectedFault | undefined = faults.tick();
			if (fault) r.faultTicks++;
		}, profile.faultEveryMs);
		const sampler = setInterval(sample, 200);
		try {
			while (!(allEmitted() && inFlight.size === 0)) {
				if (timeLeft() <= 0) {
					deadlineHit = true;
					break;
				}
				await poll();
				progress();
				await sleep(profile.pollIntervalMs);
			}
		} finally {
			clearInterval(faultTicker);
			faults.stop();
			await feeding;
			// Let executions still running finish (a deadline run reports what was reached).
			let grace: NodeJS.Timeout | undefined;
			await Promise.race([Promise.all(inFlight), new Promise((resolve) => (grace = setTimeout(resolve, Math.max(0, Math.min(20_000, timeLeft() + 20_000)))))]);
			clearTimeout(grace);
			// A few quiet polls: anything emitted now would be a duplicate (or late) and must be counted.
			for (let i = 0; i < 3 && !deadlineHit; i++) {
				await poll();
				await Promise.all(inFlight);
			}
			clearInterval(sampler);
			sample();
		}
		scanVisible();

		// Count replies where the senders see them: in their inboxes.
		const replies = new Map<string, number>();
		for (const upn of senders) {
			for (const m of emu.messages(upn, 'inbox')) {
				const tag = TICKET.exec(m.subject)?.[1];
				if (tag && m.subject.startsWith('Re: ')) {
					replies.set(tag, (replies.get(tag) ?? 0) + 1);
					if (seeded.get(tag) !== upn) wronglyAnswered++;
				}
			}
		}
		const tags = [...seeded.keys()];
		const neverEmitted = tags.filter((t) => !emitted.has(t));
		const noReply = tags.filter((t) => emitted.has(t) && !replies.has(t));
		const duplicated = tags.filter((t) => (emitted.get(t) ?? 0) > 1);
		const doubleSent = tags.filter((t) => (replies.get(t) ?? 0) > 1);
		const stats = emu.stats();
		const orphanDrafts = emu.messages(SUPPORT, 'drafts').length;
		return {
			profile: profile.name,
			seed,
			mailsIn: seeded.size,
			noiseIn,
			triggersEmitted: [...emitted.values()].reduce((a, b) => a + b, 0),
			repliesDelivered: [...replies.values()].reduce((a, b) => a + b, 0),
			lost: neverEmitted.length + noReply.length,
			lostNeverEmitted: neverEmitted.length,
			lostNoReply: noReply.length,
			duplicated: duplicated.length,
			doubleSent: doubleSent.length,
			wronglyAnswered,
			leaks: r.leaks,
			deadlineHit,
			polls: r.polls,
			failedPolls: r.failedPolls,
			restarts: r.restarts,
			executions: r.executions,
			sendAttempts: r.sendAttempts,
			sendErrorsDefinite: r.sendErrorsDefinite,
			sendErrorsOutcomeUnknown: r.sendErrorsOutcomeUnknown,
			retriedItems: r.retriedItems,
			alreadySentOnRetry: r.alreadySentOnRetry,
			confirmedAfterBrokenSend: r.confirmedAfterBrokenSend,
			unresolvedItems: r.unresolvedItems,
			orphanDrafts,
			faultTicks: r.faultTicks,
			faultsFired: stats.faultsFired,
			faults: { ...faults.counts },
			graphRequests: stats.graphRequests,
			tokenRequests: stats.tokenRequests,
			throttled: stats.throttled,
			requestsPerMail: Math.round((stats.graphRequests / Math.max(1, seeded.size)) * 100) / 100,
			wallSeconds: Math.round((Date.now() - started) / 100) / 10,
			peakRssMb: mb(peakRss),
			peakHeapMb: mb(peakHeap),
			samples: { lost: [...neverEmitted, ...noReply].slice(0, 10), duplicated: duplicated.slice(0, 10), doubleSent: doubleSent.slice(0, 10), unresolvedErrors: unresolvedErrors.slice(0, 10) },
		};
	} finally {
		await emu.stop();
	}
}

/** Whether the run passed: nothing lost, nothing twice, nothing answered that should not be, no secret shown, in time. */
export function soakPassed(report: SoakReport): boolean {
	return report.lost === 0 && report.duplicated === 0 && report.doubleSent === 0 && report.wronglyAnswered === 0 && report.leaks === 0 && !report.deadlineHit && report.mailsIn > 0;
}
