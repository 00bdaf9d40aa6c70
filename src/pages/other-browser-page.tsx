import { describeUserAgent } from "../mail/describe-user-agent";
import { Layout } from "./layout";
import { LINK_PAGE_SCRIPT } from "./link-page";
import { formatAskedAt, SIGNIN_PUBLIC_TEXT as TEXT } from "./signin-public-text";

export interface OtherBrowserPageProps {
  appName: string;
  prefix: string;
  /** When and from which browser the email was asked for (the login request's row). */
  askedAt: number;
  askedFrom: string | null;
  next: string;
  /** SAME_DEVICE=warn: the link still works here, so the confirmation form is offered too. */
  continueAs?: { email: string; token: string };
}

/**
 * GET /link in a browser that did not ask for the email (SAME_DEVICE, docs/security.md):
 * says so, names the browser that asked and when, and offers the code typed there as the way
 * to finish. With warn the button to continue here stays; with require it is gone.
 */
export function OtherBrowserPage({ appName, prefix, askedAt, askedFrom, next, continueAs }: OtherBrowserPageProps) {
  return (
    <Layout title={TEXT.otherBrowserTitle} appName={appName} prefix={prefix}>
      <h1>{continueAs ? TEXT.otherBrowserHeading : TEXT.requiredHeading}</h1>
      {!continueAs && <p class="lead">{TEXT.requiredLead}</p>}
      <p class={continueAs ? "lead" : undefined}>{TEXT.askedFrom(describeUserAgent(askedFrom), formatAskedAt(askedAt))}</p>
      <p>{TEXT.finishWithCode}</p>
      {continueAs ? (
        <>
          <p>{TEXT.continueAnyway}</p>
          <form method="post" action={`${prefix}/link`}>
            <input type="hidden" name="sesame" value={continueAs.token} />
            <input type="hidden" name="next" value={next} />
            <button type="submit">{`Continue as ${continueAs.email}`}</button>
          </form>
        </>
      ) : (
        <a class="button" href={`${prefix}/login?next=${encodeURIComponent(next)}`}>
          {TEXT.newEmailHere}
        </a>
      )}
      <script dangerouslySetInnerHTML={{ __html: LINK_PAGE_SCRIPT }} />
    </Layout>
  );
}
