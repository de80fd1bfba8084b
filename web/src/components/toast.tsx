/** One polite status line for confirmations ("srcset copied"): visible as a toast, read by screen readers. */
import { useEffect, useState } from 'preact/hooks';

const bus = new EventTarget();

export function announce(message: string): void {
  bus.dispatchEvent(new CustomEvent('announce', { detail: message }));
}

export function Toast() {
  const [message, setMessage] = useState('');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = (e: Event) => {
      setMessage((e as CustomEvent<string>).detail);
      clearTimeout(timer);
      timer = setTimeout(() => setMessage(''), 2500);
    };
    bus.addEventListener('announce', show);
    return () => {
      bus.removeEventListener('announce', show);
      clearTimeout(timer);
    };
  }, []);
  return (
    <div class={message ? 'toast toast-visible' : 'toast'} role="status" aria-live="polite">
      {message}
    </div>
  );
}
