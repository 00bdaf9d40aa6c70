import type { Catalogue } from "../catalogue";

/** Spanish (español): neutral Spanish with "tú", as most sign-in forms use. */
export const es: Catalogue = {
  "language.name": "Español",

  "common.signInTo": "Inicia sesión en {appName}",
  "common.backToSignIn": "Volver a iniciar sesión",
  "common.help": "¿Necesitas ayuda? {contact}",
  "common.languages": "Idioma",

  "login.title": "Iniciar sesión",
  "login.intro": "Te enviaremos por correo un enlace de inicio de sesión y un código. No necesitas contraseña.",
  "login.emailLabel": "Correo electrónico",
  "login.submit": "Enviarme un enlace de inicio de sesión",
  "login.invalidEmail": "Escribe un correo electrónico válido, como nombre@example.com.",
  "login.rateLimited": "Se han pedido demasiados correos de inicio de sesión. Vuelve a intentarlo {retry}.",
  "login.mailFailedTitle": "Correo no enviado",
  "login.mailFailed": "No pudimos enviar el correo. Vuelve a intentarlo.",

  "checkEmail.title": "Revisa tu correo",
  "checkEmail.lead": "Si {email} puede iniciar sesión en {appName}, le hemos enviado un enlace de inicio de sesión y un código.",
  "checkEmail.expiry": "Abre el enlace o escribe el código abajo. Ambos caducan {expiry} y solo sirven una vez.",
  "checkEmail.codeLabel": "Código del correo",
  "checkEmail.submit": "Iniciar sesión con el código",
  "checkEmail.noEmail": "¿No te ha llegado el correo en unos minutos? Revisa la carpeta de spam o {tryAgain}.",
  "checkEmail.tryAgain": "vuelve a intentarlo",

  "code.enterDigits": "Escribe el código de {length} dígitos del correo.",
  "code.failed":
    "Ese código no ha funcionado. Compruébalo y vuelve a intentarlo, o pide un correo nuevo: los códigos caducan, solo sirven una vez y dejan de funcionar tras varios intentos fallidos.",
  "code.rateLimited": "Se han probado demasiados códigos. Vuelve a intentarlo {retry}.",
  "code.lostEmailTitle": "Empieza de nuevo",
  "code.lostEmail": "Este formulario ha perdido su dirección de correo. Pide un nuevo correo de inicio de sesión.",
  "code.otherBrowser":
    "Este código solo funciona en el navegador que pidió el correo. Escríbelo allí, o pide un correo nuevo desde este navegador.",

  "link.title": "Continuar el inicio de sesión",
  "link.continueAs": "Continuar como {email}",
  "link.notYou": "¿No eres tú? Cierra esta página: no pasa nada hasta que pulses el botón.",
  "linkInvalid.title": "Enlace no válido",
  "linkInvalid.heading": "Este enlace de inicio de sesión no se puede usar",
  "linkInvalid.lead": "Puede que haya caducado, que ya se haya usado o que lo haya sustituido un correo más reciente.",
  "linkInvalid.action": "Obtener un enlace nuevo",

  "logout.title": "Cerrar sesión",
  "logout.heading": "¿Cerrar sesión en {appName}?",
  "logout.signedInAs": "Has iniciado sesión como {email}.",
  "logout.submit": "Cerrar sesión",
  "logout.everywhere": "Cerrar sesión en todos los dispositivos",
  "signedOut.title": "Sesión cerrada",
  "signedOut.heading": "Has cerrado la sesión",
  "signedOut.signIn": "Iniciar sesión",

  "forbidden.heading": "No puedes abrir esta página",
  "forbidden.unavailable": "Esta página no está disponible desde aquí.",
  "forbidden.signedInAs":
    "Has iniciado sesión como {email} y esta cuenta no tiene permiso para abrir esta página. Si tienes otra cuenta que sí lo tenga, usa esa.",
  "forbidden.otherAccount": "Usar otra cuenta",

  "turnstile.missing": "Espera a que termine la comprobación de abajo y vuelve a enviar el formulario.",
  "turnstile.failed": "No hemos podido confirmar que una persona enviara este formulario. Vuelve a intentarlo.",
  "turnstile.unavailable":
    "La comprobación que frena los inicios de sesión automatizados no respondió, así que no se hizo nada. Vuelve a intentarlo en un momento.",
  "otherBrowser.title": "Abierto en otro navegador",
  "otherBrowser.heading": "Este enlace se abrió en un navegador distinto",
  "otherBrowser.askedFrom": "El inicio de sesión se pidió desde {browser}, el {when}.",
  "otherBrowser.finishWithCode": "Para terminar allí, escribe en ese navegador el código del mismo correo.",
  "otherBrowser.continueAnyway": "Si fuiste tú y prefieres iniciar sesión aquí, todavía puedes continuar:",
  "otherBrowser.requiredHeading": "Termina de iniciar sesión donde lo pediste",
  "otherBrowser.requiredLead":
    "Este sitio solo permite usar un correo de inicio de sesión en el navegador que lo pidió, y este es otro navegador.",
  "otherBrowser.newEmailHere": "Pedir un correo nuevo desde este navegador",
  "handoff.title": "Inicio de sesión no completado",
  "handoff.failed":
    "Este enlace de inicio de sesión ya se usó, caducó o se abrió en otro navegador distinto del que lo pidió. Vuelve a abrir la aplicación para iniciar sesión.",
  "handoff.openApp": "Abrir la aplicación",
  "handoff.unknownApp": "Este inicio de sesión no nombra ninguna aplicación conocida. Vuelve a abrir la aplicación.",
  "handoff.unknownOrigin": "Este inicio de sesión nombra un host que la aplicación no tiene. Vuelve a abrir la aplicación.",
  "handoff.incomplete": "Este inicio de sesión está incompleto. Vuelve a abrir la aplicación.",
  "handoff.noCode": "Este enlace de inicio de sesión no tiene código. Vuelve a abrir la aplicación.",
  "continue.expired": "Esta página ha caducado. Vuelve a donde empezaste e inténtalo de nuevo.",
  "oidc.invalidTitle": "Este enlace de inicio de sesión no es válido",
  "oidc.repeatedParam": "La solicitud de inicio de sesión repite el parámetro «{name}». Vuelve a la aplicación e inténtalo de nuevo.",
  "oidc.unknownClient":
    "La aplicación que te envió aquí no está registrada en este servicio de inicio de sesión. Avisa a su administrador.",
  "oidc.unknownRedirect": "La aplicación que te envió aquí pidió volver a una dirección que no tiene registrada. Avisa a su administrador.",

  "error.title.400": "La solicitud no es válida",
  "error.title.401": "Inicia sesión",
  "error.title.403": "No permitido",
  "error.title.404": "Página no encontrada",
  "error.title.409": "Ya existe",
  "error.title.413": "La solicitud era demasiado grande",
  "error.title.429": "Demasiados intentos",
  "error.title.500": "Algo ha salido mal",
  "error.title.502": "La aplicación no responde",
  "error.title.503": "No disponible temporalmente",
  "error.title.504": "La aplicación ha tardado demasiado",
  "error.invalidRequest": "No se ha podido leer esta solicitud. Vuelve atrás, recarga la página y vuelve a intentarlo.",
  "error.unauthenticated": "Inicia sesión para continuar.",
  "error.forbidden": "No tienes acceso a esta página.",
  "error.crossSite": "Este formulario debe enviarse desde una página de este sitio. Recarga la página y vuelve a intentarlo.",
  "error.notFound": "No hay ninguna página en esta dirección.",
  "error.conflict": "Eso ya existe.",
  "error.rateLimited": "Demasiados intentos. Espera un poco y vuelve a intentarlo.",
  "error.internal": "Algo ha salido mal por nuestra parte. Vuelve a intentarlo.",
  "error.misconfigured": "Este portal de inicio de sesión está mal configurado. El operador encontrará el motivo en los registros.",
  "error.unavailable": "El servicio no está disponible temporalmente. Vuelve a intentarlo en un momento.",
  "error.payloadTooLarge": "Esta solicitud era demasiado grande para leerla. Vuelve atrás, acorta lo que escribiste y vuelve a intentarlo.",
  "error.devMailboxToken":
    "En una dirección de red, el buzón de desarrollo necesita ?token=, el valor que npm run dev muestra junto con la URL del buzón.",
  "error.originUnreachable":
    "La aplicación que hay detrás de este portal de inicio de sesión no responde. Vuelve a intentarlo en un momento.",
  "error.originTimeout":
    "La aplicación que hay detrás de este portal de inicio de sesión ha tardado demasiado en responder. Vuelve a intentarlo.",
  "error.logoutIncomplete":
    "Has cerrado la sesión en este navegador, pero el servidor no ha podido terminar de cerrarla. En un ordenador compartido, vuelve a iniciar sesión más tarde y elige «Cerrar sesión en todos los dispositivos».",

  "email.subject": "Inicia sesión en {appName}",
  "email.yourCode": "Tu código: {code}",
  "email.openLink": "O abre este enlace para iniciar sesión como {email}:",
  "email.buttonIntro": "Pulsa el botón para iniciar sesión como {email}:",
  "email.button": "Iniciar sesión",
  "email.codeIntro": "O escribe este código en la página de inicio de sesión:",
  "email.expiry": "El enlace y el código caducan {expiry}.",
  "email.origin": "Esta solicitud se hizo desde {browser} con la dirección IP {ip}.",
  "email.browserOnSystem": "{browser} en {system}",
  "email.unknownBrowser": "un navegador desconocido",
  "email.unrecognisedBrowser": "un navegador no reconocido",
  "email.ignore": "Si no has pedido iniciar sesión, ignora este correo: nadie puede iniciar sesión sin el enlace o el código.",
  "email.copyLink": "Si el botón no funciona, copia esta dirección en tu navegador:",

  "mailbox.title": "Buzón de desarrollo",
  "mailbox.lead":
    "MAILER=dev: ningún correo sale de esta máquina. Los mensajes se muestran aquí, del más reciente al más antiguo, durante {duration}.",
  "mailbox.leadTo":
    "MAILER=dev: ningún correo sale de esta máquina. Los mensajes para {to} se muestran aquí, del más reciente al más antiguo, durante {duration}.",
  "mailbox.empty": "Todavía no hay mensajes. Pide un enlace de inicio de sesión y recarga esta página.",
  "mailbox.json": "JSON: pide esta página sin Accept: text/html. Vacíala con DELETE (curl -X DELETE), opcionalmente con ?to=.",
  "mailbox.to": "Para",
  "mailbox.time": "Hora",
  "mailbox.language": "Idioma",
  "mailbox.link": "Enlace",
  "mailbox.code": "Código",
};
