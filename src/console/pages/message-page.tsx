import type { Config } from "../../config";
import { ConsoleLayout } from "./layout";

export interface MessagePageProps {
  config: Config;
  email: string;
  title: string;
  message: string;
  /** The way on: a link, or (for a fresh sign-in) a button-like link to the sign-in page. */
  action: { href: string; label: string };
}

/** A console answer that is a sentence and a way on: an error, or "sign in again first". */
export function MessagePage({ config, email, title, message, action }: MessagePageProps) {
  return (
    <ConsoleLayout config={config} title={title} section={null} email={email}>
      <p class="lead" role="alert">
        {message}
      </p>
      <a class="button" href={action.href}>
        {action.label}
      </a>
    </ConsoleLayout>
  );
}
