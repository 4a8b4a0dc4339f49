/**
 * npm run soak [-- --profile full|ci] [-- --seed N]
 *
 * Mail flows into a support mailbox while a workflow triggers on it and answers each mail, with
 * faults injected at random (seeded; the seed is printed, --seed N replays the same mails and
 * faults). Prints the counts and exits 1 on any loss, duplicate or double-sent reply, or when the
 * run did not finish before its deadline (full: 9 minutes; ci: 100 seconds).
 */
import { PROFILES, runSoak, soakPassed, type SoakReport } from './soak/runSoak';

function argument(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	if (i >= 0) return process.argv[i + 1];
	return process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

export function printReport(report: SoakReport, print: (line: string) => void = console.log): void {
	const row = (name: string, value: unknown) => print(`  ${name.padEnd(34)} ${String(value)}`);
	print(`soak ${report.profile}, seed ${report.seed} (replay: npm run soak -- --profile ${report.profile} --seed ${report.seed})`);
	print('outcome');
	row('mails in (need a reply)', report.mailsIn);
	row('noise in (must be ignored)', report.noiseIn);
	row('triggers emitted', report.triggersEmitted);
	row('replies delivered', report.repliesDelivered);
	row('lost', `${report.lost} (never emitted ${report.lostNeverEmitted}, emitted without reply ${report.lostNoReply})`);
	row('duplicated (emitted twice)', report.duplicated);
	row('double-sent (2+ replies)', report.doubleSent);
	row('wrongly answered', report.wronglyAnswered);
	row('secrets or tokens in output', report.leaks);
	row('deadline hit', report.deadlineHit);
	print('run');
	row('polls (failed, restarts)', `${report.polls} (${report.failedPolls}, ${report.restarts})`);
	row('executions', report.executions);
	row('send attempts (items)', report.sendAttempts);
	row('send errors: definite', report.sendErrorsDefinite);
	row('send errors: outcome unknown', report.sendErrorsOutcomeUnknown);
	row('items retried by the workflow', report.retriedItems);
	row('retry found it already sent', report.alreadySentOnRetry);
	row('send confirmed after broken link', report.confirmedAfterBrokenSend);
	row('items unresolved after retries', report.unresolvedItems);
	row('drafts left in support Drafts', report.orphanDrafts);
	row('fault ticks / faults fired', `${report.faultTicks} / ${report.faultsFired}`);
	row('graph requests (per mail)', `${report.graphRequests} (${report.requestsPerMail})`);
	row('token requests', report.tokenRequests);
	row('429 answers', report.throttled);
	row('wall time', `${report.wallSeconds} s`);
	row('peak RSS / heap', `${report.peakRssMb} MB / ${report.peakHeapMb} MB`);
	print('faults injected');
	for (const [kind, n] of Object.entries(report.faults).sort()) row(kind, n);
	const { samples } = report;
	if (samples.lost.length) print(`lost, e.g.: ${samples.lost.join(', ')}`);
	if (samples.duplicated.length) print(`duplicated, e.g.: ${samples.duplicated.join(', ')}`);
	if (samples.doubleSent.length) print(`double-sent, e.g.: ${samples.doubleSent.join(', ')}`);
	for (const e of samples.unresolvedErrors) print(`unresolved: ${e}`);
	print(soakPassed(report) ? 'PASS' : 'FAIL');
}

if (require.main === module) {
	const profile = (argument('profile') ?? 'full') as keyof typeof PROFILES;
	if (!PROFILES[profile]) {
		console.error(`unknown profile "${profile}" (full or ci)`);
		process.exit(2);
	}
	const seedArg = argument('seed');
	const seed = seedArg === undefined ? undefined : Number(seedArg);
	if (seed !== undefined && !Number.isInteger(seed)) {
		console.error(`--seed must be an integer (got ${seedArg})`);
		process.exit(2);
	}
	// The hard stop, should something hang past the run's own deadline.
	const hardStop = setTimeout(() => {
		console.error('soak: hard deadline passed without a report: FAIL');
		process.exit(1);
	}, PROFILES[profile].deadlineMs + 25_000);
	hardStop.unref();
	runSoak({ profile, seed, log: (line) => console.log(line) })
		.then((report) => {
			printReport(report);
			process.exit(soakPassed(report) ? 0 : 1);
		})
		.catch((error) => {
			console.error(error);
			process.exit(1);
		});
}
