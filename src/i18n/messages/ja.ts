import type { Catalogue } from "../catalogue";

/** Japanese (日本語): polite です/ます style, full-width punctuation. */
export const ja: Catalogue = {
  "language.name": "日本語",

  "common.signInTo": "{appName} にサインイン",
  "common.backToSignIn": "サインインに戻る",
  "common.help": "お困りですか？ {contact}",
  "common.languages": "言語",

  "login.title": "サインイン",
  "login.intro": "サインイン用のリンクとコードをメールでお送りします。パスワードは不要です。",
  "login.emailLabel": "メールアドレス",
  "login.submit": "サインイン用リンクをメールで受け取る",
  "login.invalidEmail": "name@example.com のような有効なメールアドレスを入力してください。",
  "login.rateLimited": "サインイン用メールのリクエストが多すぎます。{retry}にもう一度お試しください。",
  "login.mailFailedTitle": "メールを送信できませんでした",
  "login.mailFailed": "メールを送信できませんでした。もう一度お試しください。",

  "checkEmail.title": "メールをご確認ください",
  "checkEmail.lead": "{email} が {appName} にサインインできる場合、そのアドレスにサインイン用のリンクとコードを送信しました。",
  "checkEmail.expiry": "リンクを開くか、下にコードを入力してください。どちらも{expiry}に期限が切れ、一度だけ使えます。",
  "checkEmail.codeLabel": "メールに記載されたコード",
  "checkEmail.submit": "コードでサインイン",
  "checkEmail.noEmail": "数分たってもメールが届きませんか？迷惑メールフォルダを確認するか、{tryAgain}。",
  "checkEmail.tryAgain": "もう一度お試しください",

  "code.enterDigits": "メールに記載された {length} 桁のコードを入力してください。",
  "code.failed":
    "このコードは使えませんでした。確認してもう一度入力するか、新しいメールをリクエストしてください。コードには有効期限があり、一度しか使えず、何度か間違えると無効になります。",
  "code.rateLimited": "コードの入力回数が多すぎます。{retry}にもう一度お試しください。",
  "code.lostEmailTitle": "最初からやり直してください",
  "code.lostEmail": "このフォームのメールアドレスが失われました。新しいサインイン用メールをリクエストしてください。",
  "code.otherBrowser":
    "このコードは、メールをリクエストしたブラウザーでのみ使えます。そちらで入力するか、このブラウザーから新しいメールをリクエストしてください。",

  "link.title": "サインインを続ける",
  "link.continueAs": "{email} として続ける",
  "link.notYou": "心当たりがない場合は、このページを閉じてください。ボタンを押すまで何も起こりません。",
  "linkInvalid.title": "無効なリンク",
  "linkInvalid.heading": "このサインイン用リンクは使用できません",
  "linkInvalid.lead": "有効期限が切れたか、すでに使用されたか、より新しいメールで置き換えられた可能性があります。",
  "linkInvalid.action": "新しいリンクを受け取る",

  "logout.title": "サインアウト",
  "logout.heading": "{appName} からサインアウトしますか？",
  "logout.signedInAs": "{email} としてサインインしています。",
  "logout.submit": "サインアウト",
  "logout.everywhere": "すべてのデバイスでサインアウト",
  "signedOut.title": "サインアウトしました",
  "signedOut.heading": "サインアウトしました",
  "signedOut.signIn": "サインイン",

  "forbidden.heading": "このページを開くことはできません",
  "forbidden.unavailable": "このページはここからは利用できません。",
  "forbidden.signedInAs":
    "{email} としてサインインしていますが、このアカウントにはこのページを開く権限がありません。権限のある別のアカウントをお持ちの場合は、そちらをお使いください。",
  "forbidden.otherAccount": "別のアカウントを使う",

  "turnstile.missing": "下の確認が終わるまでお待ちいただき、もう一度フォームを送信してください。",
  "turnstile.failed": "このフォームを人が送信したことを確認できませんでした。もう一度お試しください。",
  "turnstile.unavailable":
    "自動化されたサインインを防ぐ確認が応答しなかったため、何も行われませんでした。しばらくしてからもう一度お試しください。",
  "otherBrowser.title": "別のブラウザーで開かれました",
  "otherBrowser.heading": "このリンクは別のブラウザーで開かれました",
  "otherBrowser.askedFrom": "このサインインは {browser} から {when} にリクエストされました。",
  "otherBrowser.finishWithCode": "そちらで完了するには、同じメールに記載されたコードをそのブラウザーに入力してください。",
  "otherBrowser.continueAnyway": "ご自身によるもので、こちらでサインインしたい場合は、このまま続けることもできます：",
  "otherBrowser.requiredHeading": "リクエストしたブラウザーでサインインを完了してください",
  "otherBrowser.requiredLead":
    "このサイトでは、サインイン用メールはそれをリクエストしたブラウザーでしか使えません。このブラウザーは別のものです。",
  "otherBrowser.newEmailHere": "このブラウザーから新しいメールをリクエストする",
  "handoff.title": "サインインが完了しませんでした",
  "handoff.failed":
    "このサインインリンクは使用済みか、有効期限が切れているか、リクエストしたものとは別のブラウザーで開かれました。サインインするには、アプリをもう一度開いてください。",
  "handoff.openApp": "アプリを開く",
  "handoff.unknownApp": "このサインインには既知のアプリが指定されていません。アプリをもう一度開いてください。",
  "handoff.unknownOrigin": "このサインインには、アプリにないホストが指定されています。アプリをもう一度開いてください。",
  "handoff.incomplete": "このサインインは不完全です。アプリをもう一度開いてください。",
  "handoff.noCode": "このサインインリンクにはコードがありません。アプリをもう一度開いてください。",
  "continue.expired": "このページは有効期限が切れました。最初のページに戻って、もう一度お試しください。",
  "oidc.invalidTitle": "このサインインリンクは無効です",
  "oidc.repeatedParam":
    "サインインのリクエストでパラメーター「{name}」が重複しています。アプリケーションに戻って、もう一度お試しください。",
  "oidc.unknownClient":
    "ここに移動してきたアプリケーションは、このサインインサービスに登録されていません。アプリケーションの管理者にお知らせください。",
  "oidc.onwardTitle": "アプリケーションに戻ります",
  "oidc.onwardLink": "アプリケーションへ進む",
  "oidc.unknownRedirect":
    "ここに移動してきたアプリケーションは、登録されていないアドレスへの戻りを求めています。アプリケーションの管理者にお知らせください。",
  "oidcLogout.title": "サインアウト",
  "oidcLogout.heading": "{app} からサインアウトしますか？",
  "oidcLogout.clientAsks": "{client} がサインアウトを求めています。",
  "oidcLogout.someAppAsks": "アプリケーションがサインアウトを求めています。",
  "oidcLogout.signedInAs": "{email} としてサインインしています。",
  "oidcLogout.confirm": "サインアウト",
  "oidcLogout.stay": "サインインしたままにする",
  "oidcLogout.errorTitle": "サインアウトできません",
  "oidcLogout.repeatedParam":
    "サインアウトの要求でパラメーター「{name}」が重複しています。アプリケーションに戻って、もう一度お試しください。",
  "oidcLogout.twoClients":
    "サインアウトの要求に 2 つの異なるアプリケーションが指定されています。アプリケーションに戻って、もう一度お試しください。",
  "oidcLogout.unknownRedirect": "アプリケーションが登録されていないアドレスへの戻りを求めました。サインアウトしていません。",

  "error.title.400": "無効なリクエストです",
  "error.title.401": "サインインしてください",
  "error.title.403": "許可されていません",
  "error.title.404": "ページが見つかりません",
  "error.title.409": "すでに存在します",
  "error.title.413": "リクエストが大きすぎます",
  "error.title.429": "試行回数が多すぎます",
  "error.title.500": "問題が発生しました",
  "error.title.502": "アプリケーションが応答していません",
  "error.title.503": "一時的に利用できません",
  "error.title.504": "アプリケーションの応答に時間がかかりすぎました",
  "error.invalidRequest": "このリクエストを読み取れませんでした。前のページに戻り、再読み込みしてからもう一度お試しください。",
  "error.unauthenticated": "続けるにはサインインしてください。",
  "error.forbidden": "このページへのアクセス権がありません。",
  "error.crossSite": "このフォームはこのサイトのページから送信する必要があります。ページを再読み込みして、もう一度お試しください。",
  "error.notFound": "このアドレスにはページがありません。",
  "error.conflict": "すでに存在します。",
  "error.rateLimited": "試行回数が多すぎます。しばらく待ってから、もう一度お試しください。",
  "error.internal": "こちら側で問題が発生しました。もう一度お試しください。",
  "error.misconfigured": "このサインインゲートの設定に誤りがあります。原因は運用者向けのログに記録されています。",
  "error.unavailable": "サービスは一時的に利用できません。少し時間をおいてから、もう一度お試しください。",
  "error.payloadTooLarge": "リクエストが大きすぎて読み取れませんでした。前のページに戻り、入力内容を短くしてもう一度お試しください。",
  "error.devMailboxToken":
    "ネットワークアドレスでは、開発用メールボックスに ?token= が必要です。値は npm run dev がメールボックスの URL と一緒に表示します。",
  "error.originUnreachable":
    "このサインインゲートの背後にあるアプリケーションが応答していません。少し時間をおいてから、もう一度お試しください。",
  "error.originTimeout": "このサインインゲートの背後にあるアプリケーションの応答に時間がかかりすぎました。もう一度お試しください。",
  "error.logoutIncomplete":
    "このブラウザではサインアウトしましたが、サーバー側でセッションを終了できませんでした。共用のコンピューターをお使いの場合は、後でもう一度サインインし、「すべてのデバイスでサインアウト」を選んでください。",

  "email.subject": "{appName} へのサインイン",
  "email.yourCode": "コード: {code}",
  "email.openLink": "または、次のリンクを開いて {email} としてサインインしてください:",
  "email.buttonIntro": "ボタンをクリックして {email} としてサインインしてください:",
  "email.button": "サインイン",
  "email.codeIntro": "または、サインインページで次のコードを入力してください:",
  "email.expiry": "リンクとコードは{expiry}に期限が切れます。",
  "email.origin": "このリクエストは {browser}（IP アドレス {ip}）から送信されました。",
  "email.browserOnSystem": "{system} の {browser}",
  "email.unknownBrowser": "不明なブラウザー",
  "email.unrecognisedBrowser": "認識できないブラウザー",
  "email.ignore":
    "サインインをリクエストしていない場合は、このメールを無視してください。リンクまたはコードがなければ、誰もサインインできません。",
  "email.copyLink": "ボタンが機能しない場合は、次のアドレスをブラウザーにコピーしてください:",

  "mailbox.title": "開発用メールボックス",
  "mailbox.lead": "MAILER=dev: メールはこのマシンの外に送信されません。メッセージは新しい順にここに {duration} 表示されます。",
  "mailbox.leadTo": "MAILER=dev: メールはこのマシンの外に送信されません。{to} 宛てのメッセージは新しい順にここに {duration} 表示されます。",
  "mailbox.empty": "まだメッセージはありません。サインイン用リンクをリクエストして、このページを再読み込みしてください。",
  "mailbox.json":
    "JSON: Accept: text/html なしでこのページをリクエストしてください。DELETE（curl -X DELETE）で消去できます。?to= も指定できます。",
  "mailbox.to": "宛先",
  "mailbox.time": "日時",
  "mailbox.language": "言語",
  "mailbox.link": "リンク",
  "mailbox.code": "コード",
};
