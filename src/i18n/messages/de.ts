import type { Catalogue } from "../catalogue";

/** German (Deutsch): informal-neutral "Sie" form, as German sign-in pages use. */
export const de: Catalogue = {
  "language.name": "Deutsch",

  "common.signInTo": "Bei {appName} anmelden",
  "common.backToSignIn": "Zurück zur Anmeldung",
  "common.help": "Brauchen Sie Hilfe? {contact}",
  "common.languages": "Sprache",

  "login.title": "Anmelden",
  "login.intro": "Wir senden Ihnen einen Anmeldelink und einen Code per E-Mail. Ein Passwort ist nicht nötig.",
  "login.emailLabel": "E-Mail-Adresse",
  "login.submit": "Anmeldelink per E-Mail senden",
  "login.invalidEmail": "Geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@example.com.",
  "login.rateLimited": "Es wurden zu viele Anmelde-E-Mails angefordert. Bitte versuchen Sie es {retry} erneut.",
  "login.mailFailedTitle": "E-Mail nicht gesendet",
  "login.mailFailed": "Wir konnten die E-Mail nicht senden. Bitte versuchen Sie es erneut.",

  "checkEmail.title": "Prüfen Sie Ihr Postfach",
  "checkEmail.lead": "Wenn sich {email} bei {appName} anmelden darf, haben wir einen Anmeldelink und einen Code dorthin gesendet.",
  "checkEmail.expiry": "Öffnen Sie den Link oder geben Sie unten den Code ein. Beide laufen {expiry} ab und funktionieren nur einmal.",
  "checkEmail.codeLabel": "Code aus der E-Mail",
  "checkEmail.submit": "Mit dem Code anmelden",
  "checkEmail.noEmail": "Nach einigen Minuten noch keine E-Mail? Sehen Sie im Spam-Ordner nach oder {tryAgain}.",
  "checkEmail.tryAgain": "versuchen Sie es erneut",

  "code.enterDigits": "Geben Sie den {length}-stelligen Code aus der E-Mail ein.",
  "code.failed":
    "Dieser Code hat nicht funktioniert. Prüfen Sie ihn und versuchen Sie es erneut, oder fordern Sie eine neue E-Mail an: Codes laufen ab, gelten nur einmal und werden nach einigen Fehlversuchen ungültig.",
  "code.rateLimited": "Es wurden zu viele Codes ausprobiert. Bitte versuchen Sie es {retry} erneut.",
  "code.lostEmailTitle": "Bitte neu beginnen",
  "code.lostEmail": "Diesem Formular fehlt die E-Mail-Adresse. Bitte fordern Sie eine neue Anmelde-E-Mail an.",
  "code.otherBrowser":
    "Dieser Code funktioniert nur in dem Browser, der die E-Mail angefordert hat. Geben Sie ihn dort ein, oder fordern Sie in diesem Browser eine neue E-Mail an.",

  "link.title": "Anmeldung fortsetzen",
  "link.continueAs": "Weiter als {email}",
  "link.notYou": "Nicht Sie? Schließen Sie diese Seite: Es passiert nichts, solange Sie nicht auf die Schaltfläche drücken.",
  "linkInvalid.title": "Link ungültig",
  "linkInvalid.heading": "Dieser Anmeldelink kann nicht verwendet werden",
  "linkInvalid.lead": "Er ist vielleicht abgelaufen, wurde schon benutzt oder durch eine neuere E-Mail ersetzt.",
  "linkInvalid.action": "Neuen Link anfordern",

  "logout.title": "Abmelden",
  "logout.heading": "Von {appName} abmelden?",
  "logout.signedInAs": "Sie sind als {email} angemeldet.",
  "logout.submit": "Abmelden",
  "logout.everywhere": "Auf allen Geräten abmelden",
  "signedOut.title": "Abgemeldet",
  "signedOut.heading": "Sie sind abgemeldet",
  "signedOut.signIn": "Anmelden",

  "forbidden.heading": "Sie dürfen diese Seite nicht öffnen",
  "forbidden.unavailable": "Diese Seite ist von hier aus nicht verfügbar.",
  "forbidden.signedInAs":
    "Sie sind als {email} angemeldet, und dieses Konto darf diese Seite nicht öffnen. Wenn Sie ein anderes Konto haben, das es darf, verwenden Sie dieses.",
  "forbidden.otherAccount": "Anderes Konto verwenden",

  "turnstile.missing": "Bitte warten Sie, bis die Prüfung unten abgeschlossen ist, und senden Sie das Formular dann erneut.",
  "turnstile.failed": "Wir konnten nicht bestätigen, dass eine Person dieses Formular gesendet hat. Bitte versuchen Sie es erneut.",
  "turnstile.unavailable":
    "Die Prüfung, die automatisierte Anmeldungen abhält, hat nicht geantwortet, daher ist nichts geschehen. Bitte versuchen Sie es gleich noch einmal.",
  "otherBrowser.title": "In einem anderen Browser geöffnet",
  "otherBrowser.heading": "Dieser Link wurde in einem anderen Browser geöffnet",
  "otherBrowser.askedFrom": "Die Anmeldung wurde von {browser} angefordert, am {when}.",
  "otherBrowser.finishWithCode": "Um sie dort abzuschließen, geben Sie den Code aus derselben E-Mail in jenem Browser ein.",
  "otherBrowser.continueAnyway": "Wenn Sie das waren und sich lieber hier anmelden möchten, können Sie trotzdem fortfahren:",
  "otherBrowser.requiredHeading": "Schließen Sie die Anmeldung dort ab, wo Sie sie angefordert haben",
  "otherBrowser.requiredLead":
    "Auf dieser Website kann eine Anmelde-E-Mail nur in dem Browser verwendet werden, der sie angefordert hat, und dies ist ein anderer Browser.",
  "otherBrowser.newEmailHere": "In diesem Browser eine neue E-Mail anfordern",
  "handoff.title": "Anmeldung nicht abgeschlossen",
  "handoff.failed":
    "Dieser Anmeldelink wurde bereits verwendet, ist abgelaufen oder wurde in einem anderen Browser geöffnet als dem, der ihn angefordert hat. Öffnen Sie die App erneut, um sich anzumelden.",
  "handoff.openApp": "App öffnen",
  "handoff.unknownApp": "Diese Anmeldung nennt keine bekannte App. Öffnen Sie die App erneut.",
  "handoff.unknownOrigin": "Diese Anmeldung nennt einen Host, den die App nicht hat. Öffnen Sie die App erneut.",
  "handoff.incomplete": "Diese Anmeldung ist unvollständig. Öffnen Sie die App erneut.",
  "handoff.noCode": "Diesem Anmeldelink fehlt der Code. Öffnen Sie die App erneut.",
  "continue.expired": "Diese Seite ist abgelaufen. Gehen Sie zurück zu Ihrem Ausgangspunkt und versuchen Sie es erneut.",
  "oidc.invalidTitle": "Dieser Anmeldelink ist ungültig",
  "oidc.repeatedParam": "Die Anmeldeanfrage wiederholt den Parameter „{name}“. Gehen Sie zurück zur Anwendung und versuchen Sie es erneut.",
  "oidc.unknownClient":
    "Die Anwendung, die Sie hierher geschickt hat, ist bei diesem Anmeldedienst nicht registriert. Teilen Sie das ihrem Administrator mit.",
  "oidc.onwardTitle": "Zurück zur Anwendung",
  "oidc.onwardLink": "Weiter zur Anwendung",
  "oidc.unknownRedirect":
    "Die Anwendung, die Sie hierher geschickt hat, möchte zu einer Adresse zurückkehren, die sie nicht registriert hat. Teilen Sie das ihrem Administrator mit.",
  "oidcLogout.title": "Abmelden",
  "oidcLogout.heading": "Von {app} abmelden?",
  "oidcLogout.clientAsks": "{client} möchte Sie abmelden.",
  "oidcLogout.someAppAsks": "Eine Anwendung möchte Sie abmelden.",
  "oidcLogout.signedInAs": "Sie sind angemeldet als {email}.",
  "oidcLogout.confirm": "Abmelden",
  "oidcLogout.stay": "Angemeldet bleiben",
  "oidcLogout.errorTitle": "Abmelden nicht möglich",
  "oidcLogout.repeatedParam":
    "Die Abmeldeanfrage wiederholt den Parameter „{name}“. Gehen Sie zurück zur Anwendung und versuchen Sie es erneut.",
  "oidcLogout.twoClients":
    "Die Abmeldeanfrage nennt zwei verschiedene Anwendungen. Gehen Sie zurück zur Anwendung und versuchen Sie es erneut.",
  "oidcLogout.unknownRedirect":
    "Die Anwendung möchte zu einer Adresse zurückkehren, die sie nicht registriert hat. Sie wurden nicht abgemeldet.",

  "error.title.400": "Diese Anfrage war ungültig",
  "error.title.401": "Bitte melden Sie sich an",
  "error.title.403": "Nicht erlaubt",
  "error.title.404": "Seite nicht gefunden",
  "error.title.409": "Existiert bereits",
  "error.title.413": "Diese Anfrage war zu groß",
  "error.title.429": "Zu viele Versuche",
  "error.title.500": "Etwas ist schiefgelaufen",
  "error.title.502": "Die Anwendung antwortet nicht",
  "error.title.503": "Vorübergehend nicht verfügbar",
  "error.title.504": "Die Anwendung hat zu lange gebraucht",
  "error.invalidRequest":
    "Diese Anfrage konnte nicht gelesen werden. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.",
  "error.unauthenticated": "Bitte melden Sie sich an, um fortzufahren.",
  "error.forbidden": "Sie haben keinen Zugriff auf diese Seite.",
  "error.crossSite":
    "Dieses Formular muss von einer Seite dieser Website gesendet werden. Laden Sie die Seite neu und versuchen Sie es erneut.",
  "error.notFound": "Unter dieser Adresse gibt es keine Seite.",
  "error.conflict": "Das existiert bereits.",
  "error.rateLimited": "Zu viele Versuche. Bitte warten Sie und versuchen Sie es dann erneut.",
  "error.internal": "Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es erneut.",
  "error.misconfigured": "Dieses Anmeldeportal ist falsch konfiguriert. Der Betreiber findet den Grund in den Protokollen.",
  "error.unavailable": "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es gleich noch einmal.",
  "error.payloadTooLarge":
    "Diese Anfrage war zu groß, um sie zu lesen. Gehen Sie zurück, kürzen Sie Ihre Eingabe und versuchen Sie es erneut.",
  "error.devMailboxToken":
    "Unter einer Netzwerkadresse braucht das Entwicklungs-Postfach ?token=, den Wert, den npm run dev zusammen mit der Adresse des Postfachs ausgibt.",
  "error.originUnreachable": "Die Anwendung hinter diesem Anmeldeportal antwortet nicht. Bitte versuchen Sie es gleich noch einmal.",
  "error.originTimeout": "Die Anwendung hinter diesem Anmeldeportal hat zu lange für die Antwort gebraucht. Bitte versuchen Sie es erneut.",
  "error.logoutIncomplete":
    "Sie sind in diesem Browser abgemeldet, aber der Server konnte die Sitzung nicht vollständig beenden. Melden Sie sich an einem gemeinsam genutzten Computer später erneut an und wählen Sie „Auf allen Geräten abmelden“.",

  "email.subject": "Bei {appName} anmelden",
  "email.yourCode": "Ihr Code: {code}",
  "email.openLink": "Oder öffnen Sie diesen Link, um sich als {email} anzumelden:",
  "email.buttonIntro": "Klicken Sie auf die Schaltfläche, um sich als {email} anzumelden:",
  "email.button": "Anmelden",
  "email.codeIntro": "Oder geben Sie diesen Code auf der Anmeldeseite ein:",
  "email.expiry": "Link und Code laufen {expiry} ab.",
  "email.origin": "Diese Anfrage kam von {browser} mit der IP-Adresse {ip}.",
  "email.browserOnSystem": "{browser} unter {system}",
  "email.unknownBrowser": "einem unbekannten Browser",
  "email.unrecognisedBrowser": "einem nicht erkannten Browser",
  "email.ignore":
    "Wenn Sie keine Anmeldung angefordert haben, ignorieren Sie diese E-Mail: Ohne den Link oder den Code kann sich niemand anmelden.",
  "email.copyLink": "Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:",

  "mailbox.title": "Entwicklungs-Postfach",
  "mailbox.lead":
    "MAILER=dev: Keine E-Mail verlässt diesen Rechner. Nachrichten werden hier {duration} lang aufgelistet, die neueste zuerst.",
  "mailbox.leadTo":
    "MAILER=dev: Keine E-Mail verlässt diesen Rechner. Nachrichten an {to} werden hier {duration} lang aufgelistet, die neueste zuerst.",
  "mailbox.empty": "Noch keine Nachrichten. Fordern Sie einen Anmeldelink an und laden Sie diese Seite neu.",
  "mailbox.json": "JSON: Rufen Sie diese Seite ohne Accept: text/html ab. Leeren mit DELETE (curl -X DELETE), optional mit ?to=.",
  "mailbox.to": "An",
  "mailbox.time": "Zeit",
  "mailbox.language": "Sprache",
  "mailbox.link": "Link",
  "mailbox.code": "Code",
};
