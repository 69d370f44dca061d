# Le centre d’administration.

admin-nav = Espaces d’administration
admin-users = Utilisateurs
admin-users-detail = Utilisateur
admin-groups = Groupes
admin-groups-detail = Groupe
admin-roles = Rôles et attributions
admin-settings = Paramètres du locataire
admin-domains = Domaines vérifiés
admin-compliance = Stratégies de conformité
admin-conditional-access = Accès conditionnel
admin-enrollment = Jetons d’inscription
admin-devices = Appareils
admin-devices-detail = Appareil
admin-reports = Rapports de sessions
admin-audit = Journal d’audit

col-name = Nom
col-email = E-mail
col-job-title = Fonction
col-company = Société
col-status = Statut
col-created = Créé le
col-description = Description
col-members = Membres
col-permissions = Autorisations
col-role = Rôle
col-assignee = Attribué à
col-scope = Étendue
col-domain = Domaine
col-state = État
col-grant = Octroi
col-expires = Expire le
col-uses = Utilisations
col-os = Système d’exploitation
col-compliance = Conformité
col-last-check-in = Dernier contact
col-primary-user = Utilisateur principal
col-helper = Assistant
col-sharer = Bénéficiaire
col-device = Appareil
col-started = Début
col-ended = Fin
col-duration = Durée
col-mode = Mode
col-outcome = Résultat
col-time = Heure
col-actor = Auteur
col-action = Action
col-target = Cible
col-address = Adresse

user-new = Nouvel utilisateur
user-password = Mot de passe
user-password-help = Au moins { $min } caractères. Laissez vide pour l’authentification unique seule.
user-full-name = Nom complet
user-active = Actif
user-disabled = Désactivé
user-disable = Désactiver
user-enable = Activer
user-profile = Profil
user-picture = Photo de profil
user-picture-upload = Téléverser une photo
user-picture-help = PNG, JPEG ou WebP, 256 Ko au maximum.
user-created = Utilisateur { $name } créé.
user-reset-second-factor = Réinitialiser le second facteur

group-new = Nouveau groupe
group-members = Membres
group-add-member = Ajouter un membre
group-member-email = E-mail du membre

role-new = Nouveau rôle
role-assign = Attribuer un rôle
role-user-email = E-mail de l’utilisateur
role-group = Ou un groupe
role-scope-all = Tout le locataire
role-scope-groups = Groupes d’étendue
role-scope-groups-help = Les assistants ne peuvent aider que les membres de ces groupes.
role-builtin = Intégré
role-assignments = Attributions

settings-remote-help = Assistance à distance activée
settings-unenrolled = Autoriser les sessions avec des appareils non inscrits
settings-chat-disabled = Désactiver la messagerie
settings-max-minutes = Durée maximale d’une session (minutes)

domain-add = Ajouter un domaine
domain-name = Nom de domaine

compliance-new = Nouvelle stratégie de conformité
compliance-all-devices = Tous les appareils
compliance-disk-encryption = Exiger le chiffrement du disque
compliance-firewall = Exiger un pare-feu
compliance-screen-lock = Exiger le verrouillage de l’écran
compliance-enabled = Activée

ca-new = Nouvelle stratégie d’accès conditionnel
ca-all-users = Tous les utilisateurs
ca-require-second-factor = Exiger un second facteur
ca-addresses = Adresses des clients (CIDR, une par ligne)
ca-state-enabled = Activée
ca-state-disabled = Désactivée
ca-state-report-only = Rapport uniquement
ca-grant-allow = Autoriser
ca-grant-second-factor = Exiger un second facteur
ca-grant-block = Bloquer

enrollment-new = Nouveau jeton d’inscription
enrollment-hours = Valide pendant (heures)
enrollment-max-uses = Nombre maximal d’utilisations
enrollment-created = Copiez ce jeton maintenant : il ne sera affiché qu’une seule fois.
enrollment-revoke = Révoquer
enrollment-revoked = Révoqué

device-filter-compliance = Conformité
device-filter-os = Système d’exploitation
device-filter-search = Rechercher
device-any = Tous
device-compliant = Conforme
device-not-compliant = Non conforme
device-not-evaluated = Non évalué
device-facts = Informations
device-reasons = Motifs de conformité
device-recent-sessions = Sessions récentes
device-new-session = Nouvelle session d’assistance à distance
device-agent-version = Version de l’agent
device-enrolled = Inscrit le
device-retired = Retiré le

reports-from = Du
reports-to = Au
reports-csv = Télécharger le CSV
audit-action-filter = Action
