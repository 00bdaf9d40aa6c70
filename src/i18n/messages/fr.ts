import type { Catalogue } from "../catalogue";

/** French (français): vouvoiement, French typography (non-breaking space before : ? !). */
export const fr: Catalogue = {
  "language.name": "Français",

  "common.signInTo": "Connexion à {appName}",
  "common.backToSignIn": "Retour à la connexion",
  "common.help": "Besoin d’aide ? {contact}",
  "common.languages": "Langue",

  "login.title": "Connexion",
  "login.intro": "Nous vous enverrons par e-mail un lien de connexion et un code. Aucun mot de passe n’est nécessaire.",
  "login.emailLabel": "Adresse e-mail",
  "login.submit": "M’envoyer un lien de connexion",
  "login.invalidEmail": "Saisissez une adresse e-mail valide, par exemple nom@example.com.",
  "login.rateLimited": "Trop d’e-mails de connexion ont été demandés. Veuillez réessayer {retry}.",
  "login.mailFailedTitle": "E-mail non envoyé",
  "login.mailFailed": "Nous n’avons pas pu envoyer l’e-mail. Veuillez réessayer.",

  "checkEmail.title": "Consultez vos e-mails",
  "checkEmail.lead": "Si {email} peut se connecter à {appName}, nous lui avons envoyé un lien de connexion et un code.",
  "checkEmail.expiry": "Ouvrez le lien ou saisissez le code ci-dessous. Tous deux expirent {expiry} et ne servent qu’une fois.",
  "checkEmail.codeLabel": "Code reçu par e-mail",
  "checkEmail.submit": "Se connecter avec le code",
  "checkEmail.noEmail": "Toujours pas d’e-mail après quelques minutes ? Vérifiez vos courriers indésirables, ou {tryAgain}.",
  "checkEmail.tryAgain": "réessayez",

  "code.enterDigits": "Saisissez le code à {length} chiffres reçu par e-mail.",
  "code.failed":
    "Ce code n’a pas fonctionné. Vérifiez-le et réessayez, ou demandez un nouvel e-mail : les codes expirent, ne servent qu’une fois et cessent de fonctionner après quelques essais erronés.",
  "code.rateLimited": "Trop de codes ont été essayés. Veuillez réessayer {retry}.",
  "code.lostEmailTitle": "Recommencez",
  "code.lostEmail": "Ce formulaire a perdu son adresse e-mail. Veuillez demander un nouvel e-mail de connexion.",
  "code.otherBrowser":
    "Ce code ne fonctionne que dans le navigateur qui a demandé l’e-mail. Saisissez-le là-bas, ou demandez un nouvel e-mail depuis ce navigateur.",

  "link.title": "Poursuivre la connexion",
  "link.continueAs": "Continuer en tant que {email}",
  "link.notYou": "Ce n’est pas vous ? Fermez cette page : rien ne se passe tant que vous n’appuyez pas sur le bouton.",
  "linkInvalid.title": "Lien non valide",
  "linkInvalid.heading": "Ce lien de connexion ne peut pas être utilisé",
  "linkInvalid.lead": "Il a peut-être expiré, déjà servi, ou été remplacé par un e-mail plus récent.",
  "linkInvalid.action": "Obtenir un nouveau lien",

  "logout.title": "Déconnexion",
  "logout.heading": "Se déconnecter de {appName} ?",
  "logout.signedInAs": "Vous êtes connecté en tant que {email}.",
  "logout.submit": "Se déconnecter",
  "logout.everywhere": "Se déconnecter sur tous les appareils",
  "signedOut.title": "Déconnecté",
  "signedOut.heading": "Vous êtes déconnecté",
  "signedOut.signIn": "Se connecter",

  "forbidden.heading": "Vous ne pouvez pas ouvrir cette page",
  "forbidden.unavailable": "Cette page n’est pas accessible depuis cet endroit.",
  "forbidden.signedInAs":
    "Vous êtes connecté en tant que {email}, et ce compte n’est pas autorisé à ouvrir cette page. Si vous avez un autre compte qui l’est, utilisez-le.",
  "forbidden.otherAccount": "Utiliser un autre compte",

  "turnstile.missing": "Veuillez attendre la fin de la vérification ci-dessous, puis renvoyer le formulaire.",
  "turnstile.failed": "Nous n’avons pas pu confirmer qu’une personne a envoyé ce formulaire. Veuillez réessayer.",
  "turnstile.unavailable":
    "La vérification qui bloque les connexions automatisées n’a pas répondu, donc rien n’a été fait. Veuillez réessayer dans un instant.",
  "otherBrowser.title": "Ouvert dans un autre navigateur",
  "otherBrowser.heading": "Ce lien a été ouvert dans un autre navigateur",
  "otherBrowser.askedFrom": "La connexion a été demandée depuis {browser}, le {when}.",
  "otherBrowser.finishWithCode": "Pour la terminer là-bas, saisissez dans ce navigateur le code du même e-mail.",
  "otherBrowser.continueAnyway": "Si c’était vous et que vous préférez vous connecter ici, vous pouvez quand même continuer :",
  "otherBrowser.requiredHeading": "Terminez la connexion là où vous l’avez demandée",
  "otherBrowser.requiredLead":
    "Ce site n’accepte un e-mail de connexion que dans le navigateur qui l’a demandé, et celui-ci est un autre navigateur.",
  "otherBrowser.newEmailHere": "Demander un nouvel e-mail depuis ce navigateur",
  "handoff.title": "Connexion non terminée",
  "handoff.failed":
    "Ce lien de connexion a déjà été utilisé, a expiré ou a été ouvert dans un autre navigateur que celui qui l’a demandé. Rouvrez l’application pour vous connecter.",
  "handoff.openApp": "Ouvrir l’application",
  "handoff.unknownApp": "Cette connexion ne désigne aucune application connue. Rouvrez l’application.",
  "handoff.unknownOrigin": "Cette connexion désigne un hôte que l’application n’a pas. Rouvrez l’application.",
  "handoff.incomplete": "Cette connexion est incomplète. Rouvrez l’application.",
  "handoff.noCode": "Ce lien de connexion n’a pas de code. Rouvrez l’application.",
  "continue.expired": "Cette page a expiré. Revenez à votre point de départ et réessayez.",
  "oidc.invalidTitle": "Ce lien de connexion n’est pas valide",
  "oidc.repeatedParam": "La demande de connexion répète le paramètre « {name} ». Revenez à l’application et réessayez.",
  "oidc.unknownClient":
    "L’application qui vous a envoyé ici n’est pas enregistrée auprès de ce service de connexion. Prévenez son administrateur.",
  "oidc.unknownRedirect":
    "L’application qui vous a envoyé ici demande à revenir à une adresse qu’elle n’a pas enregistrée. Prévenez son administrateur.",
  "oidcLogout.title": "Se déconnecter",
  "oidcLogout.heading": "Se déconnecter de {app} ?",
  "oidcLogout.clientAsks": "{client} demande à vous déconnecter.",
  "oidcLogout.someAppAsks": "Une application demande à vous déconnecter.",
  "oidcLogout.signedInAs": "Vous êtes connecté en tant que {email}.",
  "oidcLogout.confirm": "Se déconnecter",
  "oidcLogout.stay": "Rester connecté",
  "oidcLogout.errorTitle": "Déconnexion impossible",
  "oidcLogout.repeatedParam": "La demande de déconnexion répète un paramètre. Revenez à l’application et réessayez.",
  "oidcLogout.twoClients": "La demande de déconnexion nomme deux applications différentes. Revenez à l’application et réessayez.",
  "oidcLogout.unknownRedirect":
    "L’application demande à revenir à une adresse qu’elle n’a pas enregistrée. Vous n’avez pas été déconnecté.",

  "error.title.400": "Cette requête n’est pas valide",
  "error.title.401": "Veuillez vous connecter",
  "error.title.403": "Accès refusé",
  "error.title.404": "Page introuvable",
  "error.title.409": "Existe déjà",
  "error.title.413": "Cette requête était trop volumineuse",
  "error.title.429": "Trop de tentatives",
  "error.title.500": "Une erreur s’est produite",
  "error.title.502": "L’application ne répond pas",
  "error.title.503": "Temporairement indisponible",
  "error.title.504": "L’application a mis trop de temps",
  "error.invalidRequest": "Cette requête n’a pas pu être lue. Revenez en arrière, rechargez la page et réessayez.",
  "error.unauthenticated": "Veuillez vous connecter pour continuer.",
  "error.forbidden": "Vous n’avez pas accès à cette page.",
  "error.crossSite": "Ce formulaire doit être envoyé depuis une page de ce site. Rechargez la page et réessayez.",
  "error.notFound": "Il n’y a aucune page à cette adresse.",
  "error.conflict": "Cela existe déjà.",
  "error.rateLimited": "Trop de tentatives. Veuillez patienter, puis réessayer.",
  "error.internal": "Une erreur s’est produite de notre côté. Veuillez réessayer.",
  "error.misconfigured": "Ce portail de connexion est mal configuré. L’exploitant en trouve la raison dans les journaux.",
  "error.unavailable": "Le service est temporairement indisponible. Veuillez réessayer dans un instant.",
  "error.payloadTooLarge":
    "Cette requête était trop volumineuse pour être lue. Revenez en arrière, raccourcissez votre saisie et réessayez.",
  "error.devMailboxToken":
    "Sur une adresse réseau, la boîte de réception de développement exige ?token=, la valeur que npm run dev affiche avec l’adresse de la boîte.",
  "error.originUnreachable": "L’application derrière ce portail de connexion ne répond pas. Veuillez réessayer dans un instant.",
  "error.originTimeout": "L’application derrière ce portail de connexion a mis trop de temps à répondre. Veuillez réessayer.",
  "error.logoutIncomplete":
    "Vous êtes déconnecté dans ce navigateur, mais le serveur n’a pas pu terminer la fermeture de la session. Sur un ordinateur partagé, reconnectez-vous plus tard et choisissez « Se déconnecter sur tous les appareils ».",

  "email.subject": "Connexion à {appName}",
  "email.yourCode": "Votre code : {code}",
  "email.openLink": "Ou ouvrez ce lien pour vous connecter en tant que {email} :",
  "email.buttonIntro": "Cliquez sur le bouton pour vous connecter en tant que {email} :",
  "email.button": "Se connecter",
  "email.codeIntro": "Ou saisissez ce code sur la page de connexion :",
  "email.expiry": "Le lien et le code expirent {expiry}.",
  "email.origin": "Cette demande a été faite avec {browser}, depuis l’adresse IP {ip}.",
  "email.browserOnSystem": "{browser} sous {system}",
  "email.unknownBrowser": "un navigateur inconnu",
  "email.unrecognisedBrowser": "un navigateur non reconnu",
  "email.ignore":
    "Si vous n’avez pas demandé à vous connecter, ignorez cet e-mail : personne ne peut se connecter sans le lien ou le code.",
  "email.copyLink": "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",

  "mailbox.title": "Boîte de réception de développement",
  "mailbox.lead":
    "MAILER=dev : aucun e-mail ne quitte cette machine. Les messages sont listés ici, du plus récent au plus ancien, pendant {duration}.",
  "mailbox.leadTo":
    "MAILER=dev : aucun e-mail ne quitte cette machine. Les messages pour {to} sont listés ici, du plus récent au plus ancien, pendant {duration}.",
  "mailbox.empty": "Aucun message pour l’instant. Demandez un lien de connexion, puis rechargez cette page.",
  "mailbox.json": "JSON : demandez cette page sans Accept: text/html. Videz-la avec DELETE (curl -X DELETE), éventuellement avec ?to=.",
  "mailbox.to": "À",
  "mailbox.time": "Heure",
  "mailbox.language": "Langue",
  "mailbox.link": "Lien",
  "mailbox.code": "Code",
};
