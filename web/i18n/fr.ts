import type { MessageKey } from "./en";

// French typography wants a no-break space (\u00a0) before : ; ? ! and inside « ».
export const fr: Record<MessageKey, string> = {
  "platform.name": "Edge Communities",

  "language.fr": "Français",
  "language.en": "English",
  "language.nl": "Nederlands",

  "layout.skip": "Aller au contenu",
  "layout.main_nav": "Navigation principale",
  "layout.home": "Accueil",
  "layout.login": "Se connecter",
  "layout.signup": "S’inscrire",
  "layout.logout": "Se déconnecter",
  "layout.profile": "Votre profil\u00a0: {name}",
  "layout.create_community": "Créer une communauté",
  "layout.language": "Langue",
  "layout.powered_by": "Propulsé par {platform}",
  "layout.platform_tagline": "Communautés et portails membres, au plus près de vos membres.",

  "form.fix_errors": "Certains champs sont à corriger.",
  "form.back_home": "Retour à l’accueil",

  "password.show": "Afficher",
  "password.hide": "Masquer",
  "password.show_label": "Afficher le mot de passe",
  "password.hide_label": "Masquer le mot de passe",
  "password.hint": "Au moins {min}\u00a0caractères, et différent de votre adresse e-mail.",
  "password.too_short": "Trop court\u00a0: {count} sur {min}\u00a0caractères",
  "password.strength": "Robustesse\u00a0: {level}",
  "password.level.weak": "faible",
  "password.level.fair": "moyenne",
  "password.level.good": "bonne",
  "password.level.strong": "excellente",

  "field.invalid_email": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
  "field.password_short": "Utilisez au moins 10\u00a0caractères.",
  "field.password_is_email": "Votre mot de passe doit être différent de votre adresse e-mail.",
  "field.required": "Ce champ est obligatoire.",

  "error.invalid_credentials": "L’adresse e-mail et le mot de passe ne correspondent pas. Vérifiez-les et réessayez.",
  "error.rate_limited": "Trop de tentatives. Réessayez dans {minutes}\u00a0minutes.",
  "error.invite_required":
    "Une invitation attend cette adresse. Utilisez le lien reçu dans l’e-mail d’invitation pour nous rejoindre.",
  "error.signup_closed": "Cette communauté n’accueille de nouveaux membres que sur invitation.",
  "error.email_taken": "Un compte existe déjà avec cette adresse e-mail. Connectez-vous plutôt.",
  "error.pending_approval": "Votre compte est en attente de validation par un administrateur.",
  "error.invalid_token": "Ce lien n’est pas valide ou a expiré. Demandez-en un nouveau.",
  "error.subdomain_taken": "Cette adresse est déjà prise. Essayez-en une autre.",
  "error.subdomain_reserved": "Cette adresse est réservée. Choisissez-en une autre.",
  "error.subdomain_invalid":
    "Utilisez uniquement des lettres minuscules, des chiffres et des tirets, en commençant et en terminant par une lettre ou un chiffre.",
  "error.generic": "Un problème est survenu de notre côté. Veuillez réessayer.",
  "error.not_found": "Nous n’avons pas trouvé ce que vous cherchiez.",
  "error.no_community": "Il n’y a pas de communauté à cette adresse.",

  "mail.reset.subject": "Réinitialisez votre mot de passe",
  "mail.reset.intro":
    "Une demande de réinitialisation du mot de passe de votre compte {community} a été faite. Pour choisir un nouveau mot de passe, utilisez le bouton ci-dessous.",
  "mail.reset.action": "Choisir un nouveau mot de passe",
  "mail.reset.ignore":
    "Si vous n’êtes pas à l’origine de cette demande, ignorez simplement cet e-mail\u00a0: votre mot de passe reste inchangé.",
  "mail.welcome.subject": "Bienvenue dans {community}",
  "mail.welcome.intro": "Bonjour {name}, votre compte dans {community} est prêt. Nous sommes ravis de vous compter parmi nous.",
  "mail.welcome.action": "Découvrir la communauté",
  "mail.approval.subject": "Un nouveau membre attend votre validation dans {community}",
  "mail.approval.intro":
    "{name} ({email}) souhaite rejoindre {community}. Consultez la demande pour l’accepter ou la refuser.",
  "mail.approval.action": "Voir la demande",
  "mail.footer": "Vous recevez cet e-mail en raison de votre compte dans {community}.",

  "role.owner": "Propriétaire",
  "role.admin": "Administrateur",
  "role.moderator": "Modérateur",
  "role.member": "Membre",

  "group.members.one": "{count}\u00a0membre",
  "group.members.other": "{count}\u00a0membres",

  "login.title": "Connexion",
  "login.heading": "Bon retour parmi nous",
  "login.intro": "Connectez-vous à {community}.",
  "login.email": "Adresse e-mail",
  "login.password": "Mot de passe",
  "login.submit": "Se connecter",
  "login.forgot": "Mot de passe oublié\u00a0?",
  "login.no_account": "Nouveau ici\u00a0?",
  "login.signup_link": "Créer un compte",
  "login.reset_done": "Votre mot de passe a été modifié. Connectez-vous avec votre nouveau mot de passe.",
  "login.welcome": "Votre communauté est prête\u00a0! Connectez-vous avec le compte que vous venez de créer pour commencer.",

  "signup.title": "Inscription",
  "signup.heading": "Rejoindre {community}",
  "signup.intro": "Créez votre compte pour rejoindre les groupes et participer aux discussions.",
  "signup.name": "Votre nom",
  "signup.name_hint": "Visible par les autres membres.",
  "signup.email": "Adresse e-mail",
  "signup.password": "Mot de passe",
  "signup.language": "Langue",
  "signup.submit": "Créer mon compte",
  "signup.approval_notice":
    "Les nouveaux membres sont validés par un administrateur. Vous recevrez un e-mail dès que votre compte sera accepté.",
  "signup.closed_title": "Adhésion sur invitation",
  "signup.closed_body":
    "{community} accueille de nouveaux membres uniquement sur invitation. Si vous avez reçu une invitation, utilisez le lien de l’e-mail.",
  "signup.have_account": "Déjà membre\u00a0?",
  "signup.login_link": "Se connecter",
  "signup.pending_title": "Merci, votre demande a bien été envoyée",
  "signup.pending_body":
    "Un administrateur de {community} va l’examiner prochainement. Nous vous enverrons un e-mail dès que votre compte sera validé.",

  "reset.title": "Réinitialiser le mot de passe",
  "reset.intro":
    "Saisissez l’adresse e-mail de votre compte\u00a0: nous vous enverrons un lien pour choisir un nouveau mot de passe.",
  "reset.email": "Adresse e-mail",
  "reset.submit": "Envoyer le lien",
  "reset.sent_title": "Consultez votre boîte de réception",
  "reset.sent_body":
    "Si un compte existe pour {email}, nous lui avons envoyé un lien pour choisir un nouveau mot de passe. Pensez à vérifier vos indésirables.",
  "reset.sent_body_generic":
    "Si un compte existe pour cette adresse, nous lui avons envoyé un lien pour choisir un nouveau mot de passe. Pensez à vérifier vos indésirables.",
  "reset.back_to_login": "Retour à la connexion",
  "reset.confirm_title": "Choisir un nouveau mot de passe",
  "reset.confirm_intro":
    "Choisissez un nouveau mot de passe pour votre compte. Vous l’utiliserez lors de votre prochaine connexion.",
  "reset.new_password": "Nouveau mot de passe",
  "reset.confirm_submit": "Enregistrer mon nouveau mot de passe",
  "reset.request_new": "Demander un nouveau lien",

  "home.title": "Accueil",
  "home.hero_title": "Bienvenue dans {community}",
  "home.hero_body":
    "Rencontrez les autres membres, rejoignez les groupes qui vous ressemblent et participez aux discussions.",
  "home.cta_signup": "Rejoindre la communauté",
  "home.cta_login": "Se connecter",
  "home.invite_only": "L’adhésion se fait sur invitation. Déjà membre\u00a0? Connectez-vous pour continuer.",
  "home.groups_title": "Groupes",
  "home.groups_intro": "Trouvez les groupes qui correspondent à vos centres d’intérêt.",
  "home.no_groups": "Aucun groupe n’a encore été créé.",
  "home.greeting": "Bonjour {name}",
  "home.dashboard_intro": "Voici votre espace dans {community}.",
  "home.admin_link": "Gérer la communauté",
  "home.your_groups": "Vos groupes",
  "home.your_groups_empty":
    "Vous n’avez encore rejoint aucun groupe. Parcourez les groupes ci-dessous pour trouver le premier.",
  "home.your_groups_empty_no_groups": "Vous n’avez encore rejoint aucun groupe.",
  "home.discover": "Découvrir des groupes",
  "home.discover_empty": "Vous êtes déjà membre de tous les groupes de cette communauté.",
  "home.discover_intro": "Les groupes que vous pouvez rejoindre.",

  "landing.title": "Communautés et portails membres",
  "landing.eyebrow": "Communautés · groupes · portail membres",
  "landing.hero_title": "Un lieu pour votre communauté",
  "landing.hero_body":
    "Offrez à votre espace de coworking, votre association, votre organisme de formation ou votre ville sa propre communauté\u00a0: groupes, discussions, chat en direct et portail membres, à votre nom et à vos couleurs.",
  "landing.cta": "Créer votre communauté",
  "landing.cta_note": "Choisissez un nom et une adresse\u00a0: votre communauté est prête en une minute.",
  "landing.features_title": "Tout ce dont votre communauté a besoin",
  "landing.feature.communities.title": "Votre propre communauté",
  "landing.feature.communities.body":
    "Son adresse ou son domaine, ses membres, son logo, ses couleurs et sa langue. Chaque communauté est entièrement séparée des autres.",
  "landing.feature.groups.title": "Groupes",
  "landing.feature.groups.body":
    "Ouverts, sur demande ou sur invitation, avec questions d’adhésion, modérateurs et identité visuelle propre.",
  "landing.feature.invitations.title": "Invitations",
  "landing.feature.invitations.body":
    "Invitez une personne à la fois ou importez un tableur de plusieurs milliers de lignes. Les relances partent toutes seules.",
  "landing.feature.chat.title": "Chat en temps réel",
  "landing.feature.chat.body":
    "Des discussions et un chat en direct dans chaque groupe, avec signalement et modération intégrés.",
  "landing.feature.portal.title": "Portail membres",
  "landing.feature.portal.body":
    "Des profils avec les champs de votre choix et un tableau de bord personnel pour chaque membre.",
  "landing.feature.cloudflare.title": "Auto-hébergé sur Cloudflare",
  "landing.feature.cloudflare.body":
    "Fonctionne sur votre propre compte Cloudflare, en périphérie du réseau, au plus près de vos membres. Vos données restent les vôtres.",
  "landing.steps_title": "Comment ça marche",
  "landing.step1.title": "Créez",
  "landing.step1.body": "Choisissez un nom et une adresse pour votre communauté.",
  "landing.step2.title": "Invitez",
  "landing.step2.body": "Invitez vos membres, ou ouvrez les inscriptions à tous.",
  "landing.step3.title": "Rassemblez",
  "landing.step3.body": "Lancez des groupes, des discussions et des conversations.",
  "landing.final_title": "Prêt à vous lancer\u00a0?",
  "landing.final_body": "Créez votre communauté dès maintenant\u00a0: vous pourrez tout modifier ensuite.",

  "new_tenant.title": "Créer votre communauté",
  "new_tenant.intro":
    "Choisissez un nom et une adresse. Vous en serez le propriétaire et pourrez inviter des membres aussitôt.",
  "new_tenant.section_community": "Votre communauté",
  "new_tenant.section_owner": "Votre compte",
  "new_tenant.name": "Nom de la communauté",
  "new_tenant.name_hint": "Par exemple\u00a0: Coworking des Quais.",
  "new_tenant.subdomain": "Adresse",
  "new_tenant.subdomain_hint":
    "Lettres minuscules, chiffres et tirets. Vous pourrez ajouter votre propre domaine plus tard.",
  "new_tenant.owner_name": "Votre nom",
  "new_tenant.owner_email": "Votre adresse e-mail",
  "new_tenant.owner_password": "Mot de passe",
  "new_tenant.submit": "Créer ma communauté",
  "new_tenant.have_community": "Vous avez déjà une communauté\u00a0? Connectez-vous depuis son adresse.",

  "not_found.title": "Page introuvable",
  "not_found.body": "La page que vous cherchez n’existe pas ou a été déplacée.",
  "no_community.title": "Aucune communauté ici",
  "no_community.body":
    "Il n’y a pas de communauté à cette adresse. Vérifiez le lien, ou créez votre propre communauté.",
  "no_community.cta": "Créer une communauté",
  "error_page.title": "Un problème est survenu",
  "error_page.title_401": "Veuillez vous connecter",
  "error_page.title_403": "Accès refusé",
  "error_page.title_404": "Introuvable",
  "error_page.title_429": "Un peu de patience",
  "error_page.status": "Erreur {status}",
};
