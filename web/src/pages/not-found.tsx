import { Link } from '../components/link.tsx';
import { paths } from '../router.ts';

export function NotFoundPage() {
  return (
    <section class="empty-state">
      <h1>Page not found</h1>
      <p class="muted">There is nothing at this address.</p>
      <Link href={paths.home} class="btn">
        Back to the library
      </Link>
    </section>
  );
}
