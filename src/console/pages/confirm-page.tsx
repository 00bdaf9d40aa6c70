import type { Config } from "../../config";
import { ConsoleLayout } from "./layout";

export interface ConfirmPageProps {
  config: Config;
  email: string;
  title: string;
  /** What will happen, in a sentence. */
  question: string;
  /** The form's own action: the same POST again, with `confirm=yes`. */
  action: string;
  fields: Record<string, string>;
  button: string;
  /** Where "Cancel" leads. */
  back: string;
}

/** Every destructive action asks first: the same POST, repeated with `confirm=yes`, or a way back. */
export function ConfirmPage({ config, email, title, question, action, fields, button, back }: ConfirmPageProps) {
  return (
    <ConsoleLayout config={config} title={title} section={null} email={email}>
      <p class="lead">{question}</p>
      <form method="post" action={action}>
        {Object.entries(fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">
          {button}
        </button>
      </form>
      <p>
        <a href={back}>Cancel</a>
      </p>
    </ConsoleLayout>
  );
}
