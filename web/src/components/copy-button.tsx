/** A button that copies text; its accessible name stays the same, the confirmation goes to the toast. */
import type { ComponentChildren } from 'preact';
import { announce } from './toast.tsx';

/** The Clipboard API needs a secure context (https or localhost); a self-hosted http:// LAN address falls back. */
async function writeClipboard(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

interface Props {
  text: string | null;
  /** What was copied, for the confirmation: "srcset", "the 320 URL". */
  what: string;
  label?: string;
  class?: string;
  children?: ComponentChildren;
}

export function CopyButton({ text, what, label, class: className = 'btn', children }: Props) {
  const copy = async () => {
    if (!text) return;
    try {
      await writeClipboard(text);
      announce(`Copied ${what} to the clipboard`);
    } catch {
      announce(`Could not copy ${what}: select the text and copy it yourself`);
    }
  };
  return (
    <button type="button" class={className} onClick={copy} disabled={!text} aria-label={label}>
      {children ?? `Copy ${what}`}
    </button>
  );
}
