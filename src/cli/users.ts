/** `optimage users list` and `optimage users set-plan <email> <plan>` for operators. */
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';

export async function runUsersCommand(app: App, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'list') {
      const users = await app.services.accounts.listUsers();
      console.log('email\tplan\tused this month\tlimit\tid');
      for (const u of users) {
        const q = await app.services.quota.status({ teamId: u.personalTeamId });
        console.log(`${u.email}\t${u.plan}\t${q.used}\t${q.limit}\t${u.id}`);
      }
      return 0;
    }
    if (sub === 'set-plan' && rest.length === 2) {
      const user = await app.services.accounts.setPlan(rest[0]!, rest[1]!);
      console.log(`${user.email} is now on the ${user.plan} plan`);
      return 0;
    }
    console.error('usage: optimage users list | users set-plan <email> <plan>');
    return 2;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`optimage: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
