/**
 * The soak's ci profile (issue 7): a few hundred mails answered by a trigger → Send Mail loop under
 * seeded random faults. Nothing may be lost, emitted twice or answered twice. One fixed seed, one
 * random seed (printed, so a failure can be replayed with `npm run soak -- --profile ci --seed N`).
 */
import { runSoak, soakPassed, type SoakReport } from '../../scripts/soak/runSoak';
import { printReport } from '../../scripts/soak';

const randomSeed = Math.floor(Math.random() * 2 ** 31);

test.each([
	['fixed', 20240701],
	['random', randomSeed],
])('ci profile, %s seed %i: every mail answered exactly once', async (_kind, seed) => {
	const report: SoakReport = await runSoak({ profile: 'ci', seed });
	const lines: string[] = [];
	printReport(report, (line) => lines.push(line));
	console.log(lines.join('\n'));

	expect(report.mailsIn).toBe(300);
	expect(report.noiseIn).toBeGreaterThan(0);
	expect(report.deadlineHit).toBe(false);
	expect({ lost: report.lost, duplicated: report.duplicated, doubleSent: report.doubleSent, wronglyAnswered: report.wronglyAnswered }).toEqual({
		lost: 0,
		duplicated: 0,
		doubleSent: 0,
		wronglyAnswered: 0,
	});
	expect(report.repliesDelivered).toBe(report.mailsIn);
	expect(report.triggersEmitted).toBe(report.mailsIn);
	// The faults did happen: polls failed and sends had to be retried.
	expect(report.faultsFired).toBeGreaterThan(10);
	expect(report.failedPolls + report.retriedItems).toBeGreaterThan(0);
	expect(soakPassed(report)).toBe(true);
}, 150_000);

test('the soak catches a workflow that retries sends blindly (Delivery Automatic, no key): replies sent twice', async () => {
	const report = await runSoak({ profile: 'ci', seed: 20240701, naiveRetries: true });
	expect(report.doubleSent).toBeGreaterThan(0);
	expect(soakPassed(report)).toBe(false);
}, 150_000);
